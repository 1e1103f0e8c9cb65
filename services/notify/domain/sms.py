"""SMS rules (CTIA / carrier practice), as plain functions: keywords, quiet hours, short codes,
and every text's wording. No AWS.

- Opt-out: every keyword AWS End User Messaging SMS treats as an opt-out ("Required opt-out
  keywords": ARRET, CANCEL, END, OPT-OUT, OPTOUT, QUIT, REMOVE, STOP, TD, UNSUBSCRIBE), the CTIA
  Messaging Principles' STOPALL and the FCC's 2024 revocation order's REVOKE and "opt out"
  (47 CFR 64.1200(a)(10), in force April 2025: consent may be revoked by any reasonable means),
  and the Spanish forms US carriers honour (ALTO, PARAR, CANCELAR, BAJA...). A keyword counts
  with punctuation and politeness around it ("Stop. Thank you", "stop please"), and so does a
  short message whose whole point is to stop ("please stop texting me", "take me off this
  list", "stop sending these"; "wrong number" and "leave me alone" too: whoever holds the phone
  did not ask for us); a "stop" inside a sentence about something else does not.
- Opt-in (START, UNSTOP) and HELP are matched on the whole message, as before.
- iMessage and Android reactions ('Liked "..."') answer nothing.
- Quiet hours: nothing the volunteer did not just ask for is sent between 9 pm and 9 am in their
  time zone; such texts wait until 9 am.
- With several open invitations a bare YES cannot be applied: each invitation has a short code
  (3 characters derived from its id) and the volunteer answers "YES <code>".
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from services.notify.domain.zones import zones_of

OPT_OUT = {
    # AWS End User Messaging SMS, "Required opt-out keywords" (OPT-OUT is read as OPT OUT)
    *("ARRET", "CANCEL", "END", "OPT OUT", "OPTOUT", "QUIT", "REMOVE", "STOP", "TD", "UNSUBSCRIBE"),
    # CTIA Messaging Principles and Best Practices; FCC 2024 revocation order
    *("STOPALL", "STOP ALL", "REVOKE", "UNSUB", "END ALL", "CANCEL ALL"),
    # Spanish (CTIA's ALTO, and the forms carriers and aggregators honour)
    *("ALTO", "PARAR", "PARE", "DETENER", "CANCELAR", "BAJA", "DAR DE BAJA", "DESUSCRIBIR", "NO MAS"),
}
OPT_IN = {"START", "UNSTOP", "YES START"}
HELP = {"HELP", "INFO", "AYUDA", "AIDE"}
_YES = {"YES", "Y", "YEP", "YEAH", "YA", "SURE", "OK", "OKAY", "IM IN", "I AM IN", "COUNT ME IN", "SI", "JA", "OUI"}
_NO = {"NO", "N", "NOPE", "NAH", "PASS", "NO THANKS", "NOT NOW", "NOT THIS TIME", "NON", "NEIN"}

# Politeness around a keyword: "Stop. Thank you", "please stop", "STOP pls", "Baja por favor".
_POLITE = r"(?:PLEASE|PLS|PLZ|PLEEZE|KINDLY|THANK YOU|THANK U|THANKS|THANX|THX|TY|THANK YOU VERY MUCH|OK|OKAY|NOW|"
_POLITE += r"RIGHT NOW|IMMEDIATELY|ASAP|GRACIAS|POR FAVOR|MERCI|SVP|S IL VOUS PLAIT|HI|HELLO|HEY)"
_AROUND = re.compile(rf"^(?:{_POLITE} )*(?P<core>.+?)(?: {_POLITE})*$")
# Short messages whose whole point is to stop (after politeness is removed).
_MESSAGES = r"(?:TEXTS?|TEXT MESSAGES?|MESSAGES?|MSGS?|SMS|ALERTS?|NOTIFICATIONS?)"
_STOP_SENTENCE = re.compile(
    rf"^(?:"
    rf"(?:STOP|QUIT|PLEASE STOP|DONT|DO NOT|NEVER) (?:TEXTING|TEXT|MESSAGING|MESSAGE|CONTACTING|CONTACT|SENDING"
    rf"(?: ME)?(?: {_MESSAGES})?|SEND(?: ME)?(?: ANY)?(?: MORE)? {_MESSAGES})(?: ME)?(?: ANYMORE| AGAIN| EVER)?"
    rf"(?: (?:THIS|MY) NUMBER)?"
    rf"|(?:STOP|END|CANCEL|QUIT)(?: ALL)?(?: (?:THE|THESE|THIS|YOUR))? {_MESSAGES}"
    rf"|(?:STOP|QUIT|PLEASE STOP) SENDING(?: ME)? (?:THESE|THIS|THEM|THOSE|THAT)(?: STUFF)?(?: ANYMORE)?"
    rf"|LEAVE ME ALONE|WRONG NUMBER|YOU HAVE THE WRONG NUMBER|THIS IS THE WRONG NUMBER"
    rf"|(?:NO MORE|NO) {_MESSAGES}(?: PLEASE)?|STOP (?:IT|THAT|THIS)|NO MAS (?:MENSAJES|TEXTOS)"
    rf"|(?:CANCEL|END|STOP|QUIT) (?:MY |THE |THIS )?(?:SUBSCRIPTION|TEXTING)"
    rf"|(?:TAKE|REMOVE|DELETE|DROP|UNSUBSCRIBE|OPT) (?:ME|MY NUMBER|THIS NUMBER)(?: OUT)?"
    rf"(?: (?:OFF|FROM|OUT OF)(?: (?:THIS|THE|YOUR|ALL))?(?: (?:TEXTING|TEXT|MAILING|CONTACT|SMS))?"
    rf"(?: (?:LIST|LISTS|{_MESSAGES}))?)?"
    rf"|(?:I (?:WANT|WOULD LIKE|D LIKE|WISH|NEED)|ID LIKE) TO (?:OPT OUT|UNSUBSCRIBE|BE REMOVED|STOP"
    rf"(?: (?:RECEIVING|GETTING)(?: (?:THESE|THIS|YOUR))?(?: {_MESSAGES})?)?)"
    rf"|I (?:REVOKE|WITHDRAW) (?:MY )?CONSENT"
    rf"|(?:YA )?NO (?:ME )?(?:ENVIEN|MANDEN|MANDEN MAS|ENVIEN MAS)(?: MAS)?(?: (?:MENSAJES|TEXTOS))?"
    rf"|DEJEN DE (?:ENVIARME|MANDARME|ESCRIBIRME)(?: (?:MENSAJES|TEXTOS))?"
    rf")$"
)
# iMessage tapbacks sent as text to Android and SMS ('Liked "..."', iOS 18 'Reacted 👍 to "..."'),
# and Google Messages' equivalents: a reaction to our text, never an answer.
_REACTION = re.compile(
    r"^[\s\u200e\u200f\u202a-\u202e]*"  # a direction mark may lead Android's rendering
    r"(?:Liked|Loved|Disliked|Laughed at|Emphasi[sz]ed|Questioned|Reacted .{1,16} to|Removed an? .{1,24} from)"
    r"\s+[\"\u201c\u201d'\u2018]",
    re.IGNORECASE,
)

QUIET_START = time(21, 0)
QUIET_END = time(9, 0)

Keyword = Literal["stop", "start", "help", "yes", "no", "unclear"]


@dataclass(frozen=True)
class SmsReply:
    keyword: Keyword
    code: str | None  # a short code given with YES/NO ("YES K7Q")
    reaction: bool = False  # an iMessage/Android reaction: not an answer, nothing is sent back


def _words(text: str) -> str:
    """Upper case, accents off (ARRÊT -> ARRET, MÁS -> MAS), apostrophes dropped, every other
    non-letter a space ("OPT-OUT" -> "OPT OUT")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = plain.upper().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^\w\s]|_", " ", plain).split())


def is_opt_out(text: str) -> bool:
    """True when the whole message asks to stop texts (see the module's sources)."""
    words = _words(text)
    if not words or len(words.split()) > 14:
        return False
    core = _AROUND.match(words)
    bare = core.group("core") if core else words
    once = " ".join(w for i, w in enumerate(bare.split()) if i == 0 or w != bare.split()[i - 1])  # "STOP STOP"
    return any(c in OPT_OUT or _STOP_SENTENCE.match(c) for c in {words, bare, once})


def read(text: str) -> SmsReply:
    """The keyword of an inbound text: stop | start | help | yes | no | unclear (+ a short code)."""
    if _REACTION.match(text):
        return SmsReply("unclear", None, reaction=True)
    if is_opt_out(text):
        return SmsReply("stop", None)
    words = _words(text)
    core = _AROUND.match(words)
    bare = core.group("core") if core else words
    if words in OPT_IN:
        return SmsReply("start", None)
    if words in HELP or bare in HELP:
        return SmsReply("help", None)
    for said in (words, bare):
        if said in _YES or said in _NO:
            return SmsReply("yes" if said in _YES else "no", None)
    head, _, last = bare.rpartition(" ")
    if head and re.fullmatch(r"[A-Z2-7]{3}", last) and (head in _YES or head in _NO):
        return SmsReply("yes" if head in _YES else "no", last)
    return SmsReply("unclear", None)


def short_code(invitation_id: str) -> str:
    """3 characters (A-Z, 2-7) from the invitation id: stable, no storage, easy to type."""
    return base64.b32encode(hashlib.sha256(invitation_id.encode()).digest()).decode()[:3]


def quiet_until(
    now: datetime,
    state: str,
    start: time = QUIET_START,
    end: time = QUIET_END,
    city: str = "",
    country: str = "US",
) -> datetime | None:
    """When quiet hours end (9 am local, from the volunteer's current city), or None if a text may go now.

    Abroad, where the city does not settle the zone, the text waits until it is daytime in every
    zone of the country (zones_of); if no such hour exists, it goes at the last zone's 9 am."""
    zones = zones_of(state, city, country)
    moment = now
    for _ in range(len(zones) + 1):
        waits = [w for zone in zones if (w := _wake(moment, zone, start, end)) is not None]
        if not waits:
            return None if moment == now else moment.astimezone(now.tzinfo)
        moment = max(waits)
    return moment.astimezone(now.tzinfo)


def _wake(moment: datetime, zone: ZoneInfo, start: time, end: time) -> datetime | None:
    local = moment.astimezone(zone)
    if end <= local.time() < start:
        return None
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local.tzinfo)


def quiet_hours(setting: str) -> tuple[time, time] | None:
    """`TFC_SMS_QUIET_HOURS`: "21-9" (the default) or "off" (tests of the live pipeline only)."""
    if setting.strip().lower() == "off":
        return None
    match = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", setting)
    if not match or not all(0 <= int(h) <= 23 for h in match.groups()):
        raise ValueError(f"TFC_SMS_QUIET_HOURS: {setting!r} is not 'START-END' in hours (e.g. 21-9) or 'off'")
    return time(int(match.group(1))), time(int(match.group(2)))


# --- wording (short: one segment where possible) --------------------------------------------

SENDER = "Tech for Campaigns"


def disclosure() -> str:
    return (
        f"{SENDER} volunteer alerts: invitations and reminders, about 1-4 msgs per project. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )


def invitation(candidate: str, title: str, hours: int, weeks: int, code: str) -> str:
    return (
        f"{SENDER}: can you help {candidate} with {title.lower()}, {hours} h/wk for {weeks} wks? "
        f"Details in your email. Reply YES to join, NO to pass. (Code {code})"
    )


def reminder(candidate: str, title: str, code: str) -> str:
    return (
        f"{SENDER}: reminder, your invitation to help {candidate} with {title.lower()} closes soon. "
        f"Reply YES or NO. (Code {code})"
    )


def stopped() -> str:
    return f"{SENDER}: you're unsubscribed and will get no more texts. Reply START to opt back in."


def started() -> str:
    return (
        f"{SENDER}: you're subscribed to volunteer texts again. Msg & data rates may apply. "
        f"Reply HELP for help, STOP to opt out."
    )


def help_text(contact_email: str) -> str:
    return f"{SENDER} volunteer alerts. Help: {contact_email}. Msg & data rates may apply. Reply STOP to opt out."


def which_one(options: list[tuple[str, str]]) -> str:
    listed = "; ".join(f"{code} = {label}" for code, label in options)
    return (
        f"{SENDER}: you have {len(options)} open invitations: {listed}. "
        f"Reply YES or NO with the code, e.g. YES {options[0][0]}."
    )


def nothing_open() -> str:
    return (
        f"{SENDER}: thanks! You have no open invitation right now, so there's nothing to answer. "
        f"We'll text you with the next one."
    )


def closed() -> str:
    return (
        f"{SENDER}: thanks! That invitation has already closed, so there's nothing more to do. "
        "We'll text you about the next one."
    )


def unclear() -> str:
    return (
        f"{SENDER}: thanks, we couldn't tell if that was a yes or a no. "
        f"A person will get back to you, or reply YES or NO."
    )


def consent_confirmed() -> str:
    """The answer to the YES that confirms texts (CTIA: confirm the opt-in, with STOP and HELP)."""
    return (
        "Tech for Campaigns: thanks, texts are on. We text you about volunteer projects you could join. "
        "Msg frequency varies. Msg & data rates may apply. Reply STOP to opt out, HELP for help."
    )
