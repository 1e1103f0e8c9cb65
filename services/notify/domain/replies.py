"""Read a reply: keep only the new text above the quoted history, then classify its intent.

Text inside the quoted invitation ("Reply YES to join") must never count, so the quote is cut
first. mail-parser-reply (a maintained, multi-language reply parser) finds the reply headers of
most clients; our own markers then cut whatever it leaves (its Spanish pattern never matches,
it has no Portuguese, and an unmarked Outlook header block must never survive). Cutting twice
is safe: each cut only ever shortens the text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Literal

from mailparser_reply import EmailReplyParser

Intent = Literal["yes", "no", "unclear"]

_QUOTE_HEADERS = [
    r"^\s*On .{0,200}\bwrote:?\s*$",  # Gmail, Apple Mail, Thunderbird
    r"^\s*On .{0,120}$",  # "On Tue, ... at 10:00, Name <x@y>" wrapped before "wrote:"
    r"^\s*-{2,}\s*Original Message\s*-{2,}",  # Outlook
    r"^\s*_{5,}\s*$",  # Outlook's rule before the header block
    r"^\s*From:\s.+$",  # Outlook / mobile header block
    r"^\s*Sent from my \w+",  # mobile signatures
    r"^\s*Le .{0,200} a écrit\s*:\s*$",  # French
    r"^\s*Am .{0,200} schrieb .{0,200}:\s*$",  # German
    r"^\s*El .{0,200} escribió\s*:\s*$",  # Spanish
    r"^\s*Em .{0,200} escreveu\s*:\s*$",  # Portuguese
    r"^\s*Il .{0,200} ha scritto\s*:\s*$",  # Italian
    r"^\s*Op .{0,200} schreef .{0,200}:\s*$",  # Dutch
    r"^\s*-{2,}\s*(Original message|Message d'origine|Ursprüngliche Nachricht|Mensaje original)\s*-{2,}",
    r"^\s*(De|Von|Van|Da|Envoyé|Enviado)\s*:\s.+$",  # header blocks in other languages
    r"^\s*\d{4}年\d{1,2}月\d{1,2}日.{0,200}[:\uff1a]\s*$",  # Japanese / Chinese clients (ASCII or full-width colon)
    r"^\s*(Get Outlook for|Enviado desde mi|Envoyé de mon|Von meinem)\b",  # mobile signatures
    r"^\s*>",  # quoted lines
]
_QUOTE = re.compile("|".join(f"(?:{p})" for p in _QUOTE_HEADERS), re.IGNORECASE)

_YES = re.compile(
    r"^(yes|yep|yeah|yea|ya|yup|sure|absolutely|definitely|of course|ok|okay|count me in|"
    r"i'?m in|i am in|happy to( help)?|glad to( help)?|sounds good|let'?s do it|i accept|accept|"
    r"s[ií]|oui|ja|jawohl|sim|claro|volontiers|avec plaisir|gerne|graag|certo|y|はい)(?!\w)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(no|nope|nah|not this time|not now|pass|i'?ll pass|i will pass|can'?t|cannot|"
    r"unable|decline|i decline|no thanks|no thank you|non|nein|nee|n[aã]o|n|いいえ)(?!\w)",
    re.IGNORECASE,
)


# Openers that carry no answer by themselves; an apology with nothing clearer after it is a no.
_COURTESY = re.compile(
    r"^(unfortunately|sadly|sorry|thanks|thank you|hi|hello|hey|dear \w+|no problem|no worries|"
    r"hola|bonjour|hallo|ciao|olá|gracias|merci|danke|grazie|obrigad[oa])\b[\s,!.:;-]*",
    re.IGNORECASE,
)
_APOLOGY = re.compile(r"^(unfortunately|sadly|sorry|lo siento|désolée?|leider|helaas|purtroppo)\b", re.IGNORECASE)
# A yes hedged in the same sentence ("yes and no", "yes, but not until March") needs a person.
_HEDGE = re.compile(r"\b(no(?! (problem|worries))|not|can'?t|cannot|won'?t|unable|but|maybe)\b", re.IGNORECASE)


# Every language the library knows: a header in any of them is cut, whatever the sender speaks.
_LIBRARY = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "cs", "ja", "zh", "ko"])


# The answer is at the top; the reader's patterns are not linear on huge bodies, so only the
# first 16 KB are read (a 35 KB adversarial body took 2 s before this cap).
MAX_READ_CHARS = 16 * 1024


def new_text(body: str) -> str:
    """The part of a reply the sender wrote now (everything before the first quote marker)."""
    body = body[:MAX_READ_CHARS].replace("\r\n", "\n").replace("\xa0", " ")
    try:
        latest = _LIBRARY.parse_reply(text=body)
    except Exception:
        latest = None
    text = _cut(latest if latest is not None else body)
    return text or _bottom_posted(body)


def _bottom_posted(body: str) -> str:
    """Nothing above the quote: a bottom-poster may have answered below a ">"-quoted block. Only
    the text after the last quoted line counts (never anything inside the quote)."""
    lines = body.split("\n")
    last_quoted = max((i for i, line in enumerate(lines) if line.lstrip().startswith(">")), default=None)
    if last_quoted is None:
        return ""
    return _cut("\n".join(lines[last_quoted + 1 :]).strip())


def _cut(body: str) -> str:
    lines = []
    for line in body.split("\n"):
        if _QUOTE.match(line):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def classify(body: str) -> tuple[Intent, str]:
    """(intent, the new text it was read from). Ambiguous or empty replies are `unclear`."""
    text = new_text(body)
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    first = re.sub(r"^[\W_]+", "", first)  # leading punctuation or emoji
    answer = first
    while (opener := _COURTESY.match(answer)) and opener.end() > 0:
        answer = answer[opener.end() :]
    yes, no = bool(_YES.match(answer)), bool(_NO.match(answer))
    if yes and _HEDGE.search(re.split(r"[.!?]", answer, maxsplit=1)[0]):
        return "unclear", text
    if yes and not no:
        return "yes", text
    if no and not yes:
        return "no", text
    if not yes and not no and answer and _APOLOGY.match(first):
        return "no", text  # "Sorry, swamped this month"
    return "unclear", text


class _TextExtractor(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"}
    _SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag in self._SKIP:
            self._skip += 1
        # Quoted history in HTML mail: <blockquote>, Gmail's gmail_quote, Outlook's divRplyFwdMsg.
        if tag == "blockquote" or "gmail_quote" in classes or "divRplyFwdMsg" in (dict(attrs).get("id") or ""):
            self._quote += 1
            self.parts.append("\n> ")
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return "\n".join(line.strip() for line in text.split("\n")).strip()
