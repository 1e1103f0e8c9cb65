"""What a reply's new text answers: yes, no, or unclear (a person on staff reads it).

Read as a careful person reads: skip the greeting ("Hi Sam,"), the sign-off and signature
("Best,\\nName", "-- ", "Sent from my iPhone", a job title), an apology for lateness ("sorry for
the late reply") and thanks; then the first sentence that carries an answer decides, and nothing
after it may contradict it. The rules are asymmetric on purpose: a wrong yes gives a seat to
someone who did not accept, a wrong no turns a volunteer away, an `unclear` only costs a staff
member a minute. So a hedge or a condition anywhere in the answer ("yes, if...", "probably",
"let me check") makes it unclear, and so does a yes and a no together.

Languages: English, Spanish, French, German, Portuguese, Italian, Dutch (and Japanese はい/いいえ).
"""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["yes", "no", "unclear"]

_GREETING_WORDS = (
    r"hi|hello|hey|hiya|dear|greetings|good (?:morning|afternoon|evening)|hola|buenos d[ií]as|buenas(?: tardes)?|"
    r"estimad[oa]s?|bonjour|salut|cher|ch[èe]re|hallo|guten (?:tag|morgen)|liebe[rs]?|servus|moin|ol[áa]|oi|"
    r"bom dia|boa tarde|caro|cara|ciao|salve|buongiorno|hoi|beste|goedemorgen|goedemiddag"
)
# "Hi Sam," / "Hello team" / "Dear all," alone on a line, or before the answer on the same line ("Hi Sam - yes!").
_GREETING_LINE = re.compile(rf"^(?:{_GREETING_WORDS})\b[\w .'-]{{0,40}}?[,!:.]?\s*$", re.IGNORECASE)
_GREETING_PREFIX = re.compile(
    rf"^(?:{_GREETING_WORDS})\b[\w .']{{0,30}}?\s*(?:[,!:]|\s[-\u2013\u2014])\s*", re.IGNORECASE
)

_SIGNOFF = re.compile(
    r"^(?:best|best regards|regards|kind regards|warm regards|warmly|cheers|thanks|thank you|thanks again|many thanks|"
    r"sincerely|yours|all the best|take care|talk soon|saludos|un saludo|atentamente|cordialement|bien [àa] vous|"
    r"amicalement|gru[ßs]|viele gr[üu](?:ß|ss)e|liebe gr[üu](?:ß|ss)e|mit freundlichen gr[üu](?:ß|ss)en|lg|vg|abs|"
    r"abra[çc]os|atenciosamente|cordiali saluti|saluti|un saluto|groet(?:en)?|met vriendelijke groet(?:en)?|"
    r"hartelijke groet)\b[\s,!.]*$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:--\s*|__+|sent from my\b.*|sent from (?:outlook|mail|yahoo)\b.*|get outlook for\b.*|sent with\b.*|"
    r"enviado desde mi\b.*|envoy[ée] de mon\b.*|von meinem\b.*|inviato da\b.*|verzonden vanaf\b.*|"
    r"enviado do meu\b.*)$",
    re.IGNORECASE,
)

# Openers that answer nothing: an apology for being late, thanks. Stripped from a sentence's start.
_LATENESS = (
    r"(?:so |very |really )?(?:sorry|apologies|apologi[sz]e)(?: for| about)?(?: the| my)?"
    r"(?: (?:late|slow|delayed|tardy)(?: reply| response| answer)?| delay| delayed (?:reply|response))"
    r"|(?:sorry,? )?(?:i'?m |i am )?(?:only |just )(?:now )?(?:seeing|saw|seen|getting to|found) "
    r"(?:this|your (?:email|message))"
    r"(?: now)?|perd[oó]n(?:a)? (?:por )?(?:la )?(?:demora|tardanza)|disculp(?:a|e|en) (?:la )?(?:demora|tardanza)|"
    r"d[ée]sol[ée]e? (?:pour|du) (?:le )?retard|pardon pour le retard|entschuldig(?:e|ung)(?: bitte)?,? "
    r"(?:f[üu]r )?die (?:sp[äa]te )?(?:antwort|versp[äa]tung)|desculp[ae](?: pela| a)? demora|"
    r"scusa(?:te)? (?:il|per il) ritardo|sorry voor de (?:late )?(?:reactie|vertraging)"
)
_COURTESY = (
    r"(?:thanks|thank you|many thanks|thx|ty)(?: so much| very much| a lot)?(?: for [^,.!?;]{1,60})?"
    r"|gracias(?: por [^,.!?;]{1,60})?|merci(?: pour [^,.!?;]{1,60})?|danke(?: f[üu]r [^,.!?;]{1,60})?|"
    r"obrigad[oa](?: por [^,.!?;]{1,60})?|grazie(?: per [^,.!?;]{1,60})?|bedankt(?: voor [^,.!?;]{1,60})?"
)
_LATE = re.compile(_LATENESS, re.IGNORECASE)
_SORRY = r"(?:i'?m |so |very )*(?:sorry|apologies)"  # a bare "Sorry," before the answer ("Sorry, yes I can")
_OPENER = re.compile(
    rf"^(?:{_LATENESS}|{_COURTESY}|{_SORRY}(?=\s*,))\b[\s,!.:;]*(?:(?:but|pero|mais|aber|mas|ma|maar)\b\s*)?",
    re.IGNORECASE,
)

_YES_START = re.compile(
    r"^(?:yes+|yep|yeah|yea|ya|yup|sure|absolutely|definitely|of course|certainly|ok|okay|k|alright|all right|"
    r"s[iíì]|claro|por supuesto|desde luego|oui|volontiers|bien s[uû]r|ja|jawohl|gerne|klar|natürlich|sim|com certeza|"
    r"certo|certamente|volentieri|graag|zeker|will do|はい|y)(?!\w)",
    re.IGNORECASE,
)
_YES_PHRASE = re.compile(
    r"\b(?:count me in|(?:i'?m|i am) in(?=\s*(?:[.!,;:)]|$|\s+(?:for|on|too|again)\b))|sign me up|"
    r"can'?t wait to (?:help|start|get (?:started|going)|work|dig in)|i'?m up for it|happy to|glad to|"
    r"i'?d love to|i would love to|"
    r"love to help|would be (?:happy|glad|delighted) to|i'?d be (?:happy|glad|delighted) to|delighted to|"
    r"let'?s do (?:it|this)|i accept|i'?m game|i'?m down|i can do that|i'?ll take it|i'?ll do it|i can help|"
    r"i'?ll help|i can do it|i'?m available|"
    r"con gusto|cuenten conmigo|cuenta conmigo|me apunto|estoy dentro|avec plaisir|je suis partant|je suis partante|"
    r"je suis dispo|ich bin dabei|ich helfe gerne|helfe gerne|bin dabei|pode contar comigo|podem contar comigo|"
    r"estou dentro|conte comigo|ci sto|ik doe (?:graag )?mee|doe graag mee|ik help graag)(?!\w)",
    re.IGNORECASE,
)
_NO_START = re.compile(
    r"^(?:no(?! (?:problem|worries|doubt|question))|nope|nah|non|nein|nee|n[aã]o|n|いいえ|pass)(?!\w)", re.IGNORECASE
)
_NO_PHRASE = re.compile(
    r"(?:\b(?:not this time|not now|not at this time|no thanks|no thank you|i'?ll pass|i will pass|have to pass|"
    r"going to pass|gonna pass|pass on this|pass for now|pass this time|must decline|need to decline|have to decline|"
    r"going to decline|i decline|(?:politely |respectfully )?decline|sit (?:this one |it )?out|count me out|"
    r"can'?t(?! wait)|cannot|can not|won'?t be able|will not be able|not be able|not able to|unable to|"
    r"(?:don'?t|do not|won'?t|will not) have (?:the |enough )?(?:time|bandwidth|capacity)|no bandwidth|"
    r"not available|unavailable|"
    r"too busy|too much on my plate|overcommitted|over-committed|fully booked|swamped|have to say no|say no|"
    r"don'?t think i can|do not think i can|(?:i'?d|i would) rather not|not interested|not for me|"
    r"(?:i'?m|i am) out(?=\s*[.!]*$)|no puedo|no podr[ée]|no me es posible|"
    r"je ne peux pas|je ne pourrai pas|pas cette fois|non merci|"
    r"kann (?:ich )?(?:leider )?(?:diesmal |dieses mal )?nicht|leider nicht|leider nein|keine zeit|n[aã]o posso|"
    r"n[aã]o vou poder|non posso|non riesco|purtroppo no|kan (?:ik )?(?:helaas )?niet|helaas niet|dit keer niet|"
    r"deze keer niet)(?!\w))",
    re.IGNORECASE,
)
# Words that make any answer conditional or uncertain: a person decides those.
_HEDGE = re.compile(
    r"\b(?:yes and no|maybe|perhaps|possibly|probably|might|unless|as long as|provided|depending|depends|"
    r"if(?! (?:that|this|it) (?:helps|is helpful|'?s helpful))|"  # "if that helps" is courtesy, no condition
    r"not sure|unsure|tentative(?:ly)?|likely|hopefully|assuming|i'?ll try|i can try|i think so|"
    r"let me (?:check|think|see|look)|get back to you|let you know|need to (?:check|confirm)|have to (?:check|confirm)|"
    r"not certain|tal vez|quiz[aá]s?|a lo mejor|depende|si puedo|peut-[êe]tre|[çc]a d[ée]pend|vielleicht|"
    r"eventuell|kommt darauf an|talvez|depende|forse|dipende|misschien|hangt ervan af|weet (?:ik )?niet)(?!\w)",
    re.IGNORECASE,
)
_YES_WORD = re.compile(r"\b(?:yes|yeah|yep|s[ií]|oui|sim|sì)\b", re.IGNORECASE)
_BUT = re.compile(r"\b(?:but|though|although|however|except|pero|mais|aber|mas|ma|maar)\b", re.IGNORECASE)
# After a yes, a sentence that limits it ("...though only 2 hours a week") makes it a person's call.
_LIMIT = re.compile(
    r"\b(?:but|though|although|however|except|only|unless|pero|solo|sólo|mais|seulement|aber|nur|"
    r"mas|apenas|ma|solo|maar|alleen)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?;¡¿])\s+|\s+[-\u2013\u2014]+\s+|\n+|(?<=[.!?])(?=[A-ZÁÉÍÓÚ¡¿])")


def _body_lines(text: str) -> list[str]:
    """The lines that can carry an answer: no greeting line, no sign-off or signature after it."""
    lines = [ln.strip() for ln in text.split("\n")]
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line):
            break
        # A sign-off ends the answer when only short lines (a name, a title, a phone) follow it.
        answered = any(k and not _GREETING_LINE.match(k) for k in kept)  # "Thanks!\n\nYes, I'm in" is no sign-off
        if answered and _SIGNOFF.match(line) and all(len(rest.split()) <= 6 for rest in lines[i + 1 :] if rest):
            break
        kept.append(line)
    while kept and (not kept[0] or _GREETING_LINE.match(kept[0])):
        kept.pop(0)
    # A name or job title alone on the last line (after a blank line) is a signature.
    while len(kept) >= 2 and not kept[-2] and kept[-1] and _looks_like_name(kept[-1]):
        kept = kept[:-2]
    return kept


def _looks_like_name(line: str) -> bool:
    words = line.rstrip(".").split()
    return 1 <= len(words) <= 5 and not re.search(r"[!?]", line) and not _any_signal(line)


def _any_signal(text: str) -> bool:
    return bool(_YES_START.match(text) or _YES_PHRASE.search(text) or _NO_START.match(text) or _NO_PHRASE.search(text))


def _sentences(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for part in _SENTENCE.split(line):
            part = part.strip()
            if part:
                out.append(part)
    return out


def _strip(sentence: str) -> str:
    """The sentence without leading emoji/punctuation, a greeting, lateness apologies or thanks."""
    text = re.sub(r"^[\W_]+", "", sentence)
    while True:
        before = text
        text = _GREETING_PREFIX.sub("", text, count=1) if not _GREETING_LINE.match(text) else ""
        text = _OPENER.sub("", text, count=1)
        text = re.sub(r"^[\W_]+", "", text)
        if text == before:
            return text


def _reading(sentence: str) -> str | None:
    """What one sentence says: yes, no, unclear (hedged, or yes and no), question, or None."""
    text = _strip(sentence)
    if not text:
        return None
    yes = bool(_YES_START.match(text) or _YES_PHRASE.search(text))
    no = bool(_NO_START.match(text) or _NO_PHRASE.search(text))
    if _HEDGE.search(text):
        return "unclear"
    if no and _YES_WORD.search(text):  # "not until March, but after that yes": a person reads it
        return "unclear"
    if yes and no:
        return "unclear"
    if yes:
        return "unclear" if _BUT.search(text) or sentence.rstrip().endswith("?") else "yes"
    if no:
        return "no"
    if sentence.rstrip().endswith("?"):
        return "question"
    return None


def _apology(sentence: str) -> bool:
    return bool(
        re.match(
            r"^\W*(?:sorry|unfortunately|sadly|regretfully|i'?m afraid|apologies|lo siento|lamentablemente|"
            r"d[ée]sol[ée]e?|malheureusement|leider|helaas|purtroppo|infelizmente|desculp[ae])\b",
            sentence,
            re.IGNORECASE,
        )
    )


def read_intent(text: str) -> Intent:
    """yes | no | unclear for the new text of a reply (quoted history already removed)."""
    sentences = _sentences(_body_lines(text))
    readings = [(s, _reading(s)) for s in sentences]
    decided = next(((s, r) for s, r in readings if r is not None), None)
    if decided is None:
        # "Sorry, swamped this month": an apology that is not about lateness and says nothing else
        # is a polite no, but only when it is the whole answer.
        answer = [s for s in sentences if _strip(s)]
        if len(answer) == 1 and _apology(answer[0]) and not _LATE.match(answer[0].lstrip("¡¿ ")):
            return "no"
        return "unclear"
    intent = decided[1]
    if intent == "no":
        return "no"
    if intent != "yes":
        return "unclear"
    # Nothing after a yes may take it back or put a condition on it (a question about details may follow).
    later = readings[readings.index(decided) + 1 :]
    if any(r in ("no", "unclear") or _LIMIT.search(_strip(s)) for s, r in later):
        return "unclear"
    return "yes"
