"""Read a reply: find the text the sender wrote now, then read its intent as a person would.

1. The new text. Quoted history must never count ("Reply YES to join" is in every quote), so it
   is cut first. mail-parser-reply (a maintained, multi-language reply parser) finds the reply
   headers of most clients; our own markers then cut whatever it leaves (its Spanish pattern never
   matches, it has no Portuguese, and an unmarked Outlook header block must never survive). HTML
   is turned into text with the quoted parts marked ">" (see html_to_text), so bottom posts and
   answers written between quoted lines are found in the same way as in plain text. (quotequail,
   the maintained HTML quote finder, was tried on the corpus's HTML-only mail: it found the same
   quotes but kept the "On ... wrote:" lines in the reply, left bottom posts to the caller, and
   took 1-7 ms per message with lxml, against well under 1 ms for the client markers below.)
2. Intent (intent.py's rules, written by hand: no library reads "I'll have to sit this one out").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

from services.notify.domain.intent import Intent, read_intent

__all__ = ["MAX_READ_CHARS", "Intent", "classify", "html_to_text", "new_text"]

_ATTRIBUTION = [
    r"^\s*On .{0,200}\bwrote:?\s*$",  # Gmail, Apple Mail, Thunderbird
    r"^\s*On .{0,200},\s*$",  # "On Tue, ... at 10:00, Name <x@y>" wrapped before "wrote:"
    r"^\s*-{2,}\s*On .{0,200}wrote\s*-{2,}\s*$",  # Zoho: "---- On Tue, ... wrote ---"
    r"^\s*Le .{0,200} a écrit\s*:\s*$",  # French
    r"^\s*Am .{0,200} schrieb .{0,200}:\s*$",  # German
    r"^\s*El .{0,200} escribió\s*:\s*$",  # Spanish
    r"^\s*Em .{0,200} escreveu\s*:\s*$",  # Portuguese
    r"^\s*Il .{0,200} ha scritto\s*:\s*$",  # Italian
    r"^\s*Op .{0,200} schreef .{0,200}:\s*$",  # Dutch
    r"^\s*\d{4}年\d{1,2}月\d{1,2}日.{0,200}[:\uff1a]\s*$",  # Japanese / Chinese clients (ASCII or full-width colon)
]
_QUOTE_HEADERS = [
    *_ATTRIBUTION,
    r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}",  # Outlook, Samsung, AOL
    r"^\s*_{5,}\s*$",  # Outlook's rule before the header block
    r"^\s*From:\s.+$",  # Outlook / mobile header block
    r"^\s*-{2,}\s*(Original message|Message d'origine|Ursprüngliche Nachricht|Mensaje original)\s*-{2,}",
    r"^\s*(De|Von|Van|Da|Envoyé|Enviado)\s*:\s.+$",  # header blocks in other languages
    r"^\s*>",  # quoted lines
]
_QUOTE = re.compile("|".join(f"(?:{p})" for p in _QUOTE_HEADERS), re.IGNORECASE)
_ATTRIBUTION_LINE = re.compile("|".join(f"(?:{p})" for p in _ATTRIBUTION), re.IGNORECASE)
# Outlook's inline answers: "my answers are inline below", then "[Name] Yes" inside the quote.
_INLINE_NOTE = re.compile(r"\b(inline|in line|below|in brackets|in red|in blue)\b", re.IGNORECASE)
_INLINE_ANSWER = re.compile(r"^\s*\[[^\]\n]{1,40}\]\s*(\S.*)$")

# Every language the library knows: a header in any of them is cut, whatever the sender speaks.
_LIBRARY = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "cs", "ja", "zh", "ko"])

# The answer is at the top; the reader's patterns are not linear on huge bodies, so only the
# first 16 KB are read (a 35 KB adversarial body took 2 s before this cap).
MAX_READ_CHARS = 16 * 1024


def new_text(body: str) -> str:
    """The part of a reply the sender wrote now: the text above the first quote marker; for a
    bottom post or answers between quoted lines, the unquoted lines below the quote; plus any
    Outlook-style "[Name] answer" lines when the new text says the answers are inline."""
    body = body[:MAX_READ_CHARS].replace("\r\n", "\n").replace("\xa0", " ")
    # Our line markers first (cheap), then the library on what is left: both only ever shorten the
    # text, and the library's patterns cost in proportion to the text they are given.
    ours = _cut(body)
    try:
        latest = _LIBRARY.parse_reply(text=ours) if ours else None
    except Exception:
        latest = None
    text = _cut(latest) if latest is not None else ours
    if not text:
        return _below_quotes(body)
    if _INLINE_NOTE.search(text):
        rest = body.split("\n")[len(text.split("\n")) :]
        inline = [m.group(1).strip() for line in rest if (m := _INLINE_ANSWER.match(line))]
        if inline:
            return text + "\n\n" + "\n".join(inline)
    return text


def _below_quotes(body: str) -> str:
    """Nothing above the quote: a bottom-poster (or someone answering between quoted lines) wrote
    the unquoted lines after the first quoted one. Attribution lines and anything after a second
    header block are never theirs."""
    lines = body.split("\n")
    first = next((i for i, line in enumerate(lines) if line.lstrip().startswith(">")), None)
    if first is None:
        return ""
    mine = [ln for ln in lines[first + 1 :] if not ln.lstrip().startswith(">") and not _ATTRIBUTION_LINE.match(ln)]
    return _cut("\n".join(mine).strip())


def _cut(body: str) -> str:
    lines = []
    for line in body.split("\n"):
        if _QUOTE.match(line):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def classify(body: str) -> tuple[Intent, str]:
    """(intent, the new text it was read from). Ambiguous, hedged or empty replies are `unclear`."""
    text = new_text(body)
    return read_intent(text), text


# --- HTML ---------------------------------------------------------------------------------------

# Elements whose content is quoted history, by client (the same markers mail clients themselves use
# to fold quotes, e.g. Proton's BLOCKQUOTE_SELECTORS): any <blockquote> (Apple Mail, Thunderbird,
# Spark, Hey, Fastmail), Gmail's gmail_quote/gmail_attr, Yahoo's and AOL's yahoo_quoted, Proton's
# protonmail_quote, Thunderbird's moz-cite-prefix (the "On ... wrote:" line), Zoho's zmail_extra,
# Spark's messageReplySection, Zimbra's data-marker sections.
_QUOTE_CLASSES = (
    "gmail_quote",
    "gmail_attr",
    "gmail_extra",
    "yahoo_quoted",
    "protonmail_quote",
    "moz-cite-prefix",
    "zmail_extra",
    "tutanota_quote",
)
_QUOTE_IDS = ("yahoo_quoted", "isReplyContent", "OLK_SRC_BODY_SECTION", "origbody")
# Markers after which everything is history: Outlook's header block and its rule, Zimbra's divider,
# AOL's reply line.
_REST_IDS = ("divRplyFwdMsg", "appendonsend", "zwchr", "AOLMsgPart", "replySplit")
_REST_CLASSES = ("aolReplyline", "OutlookMessageHeader")
_VOID = {"br", "hr", "img", "meta", "input", "link", "wbr", "col", "area", "base", "source"}


class _TextExtractor(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "hr", "table", "ul", "ol"}
    _SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, bool]] = []
        self._line: list[str] = []
        self._line_quoted = False
        self._skip = 0
        self._stack: list[tuple[str, bool]] = []  # open elements: (tag, opened a quote)
        self._quote = 0
        self._rest_quoted = False

    def _break(self) -> None:
        self.lines.append(("".join(self._line), self._line_quoted))
        self._line, self._line_quoted = [], False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes, ident = found.get("class") or "", found.get("id") or ""
        if tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self._break()
        if any(ident.startswith(m) for m in _REST_IDS) or any(c in classes for c in _REST_CLASSES):
            self._rest_quoted = True
        if tag == "hr" and "inline-block" in (found.get("style") or ""):  # Outlook's rule above its header block
            self._rest_quoted = True
        quote = (
            tag == "blockquote"
            or any(c in classes for c in _QUOTE_CLASSES)
            or any(ident.startswith(m) for m in _QUOTE_IDS)
            or found.get("name") == "messageReplySection"
            or found.get("data-marker") in ("__HEADERS__", "__QUOTED_TEXT__")
        )
        if tag not in _VOID:
            self._stack.append((tag, quote))
            self._quote += quote

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self._break()
        if tag in _VOID or all(t != tag for t, _ in self._stack):
            return
        while self._stack:  # close up to the matching element (browsers forgive missing end tags too)
            open_tag, quote = self._stack.pop()
            self._quote -= quote
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._line.append(data)
        if data.strip() and (self._quote or self._rest_quoted):
            self._line_quoted = True


def html_to_text(html: str) -> str:
    """Plain text of an HTML body, one line per block; lines of quoted history start with "> "."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    parser._break()
    out: list[str] = []
    for text, quoted in parser.lines:
        line = " ".join(text.split())
        if not line and out and not out[-1]:
            continue
        out.append(("> " + line) if quoted and line else line)
    return "\n".join(out).strip()
