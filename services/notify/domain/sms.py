"""SMS rules (CTIA / carrier practice), as plain functions: keywords, quiet hours, short codes,
and every text's wording. No AWS.

- Opt-out keywords (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) and opt-in (START, UNSTOP)
  and HELP are matched on the whole message, case-insensitive, ignoring punctuation.
- Quiet hours: nothing the volunteer did not just ask for is sent between 9 pm and 9 am in their
  time zone; such texts wait until 9 am.
- With several open invitations a bare YES cannot be applied: each invitation has a short code
  (3 characters derived from its id) and the volunteer answers "YES <code>".
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from services.notify.domain.zones import zones_of

OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
OPT_IN = {"START", "UNSTOP", "YES START"}
HELP = {"HELP", "INFO"}
_YES = {"YES", "Y", "YEP", "YEAH", "YA", "SURE", "OK", "OKAY", "IM IN", "I AM IN", "COUNT ME IN", "SI", "JA", "OUI"}
_NO = {"NO", "N", "NOPE", "NAH", "PASS", "NO THANKS", "NOT NOW", "NOT THIS TIME", "NON", "NEIN"}

QUIET_START = time(21, 0)
QUIET_END = time(9, 0)

Keyword = Literal["stop", "start", "help", "yes", "no", "unclear"]


@dataclass(frozen=True)
class SmsReply:
    keyword: Keyword
    code: str | None  # a short code given with YES/NO ("YES K7Q")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.upper().replace("'", "")).split())


def read(text: str) -> SmsReply:
    words = _words(text)
    if words in OPT_OUT:
        return SmsReply("stop", None)
    if words in OPT_IN:
        return SmsReply("start", None)
    if words in HELP:
        return SmsReply("help", None)
    if words in _YES or words in _NO:
        return SmsReply("yes" if words in _YES else "no", None)
    head, _, last = words.rpartition(" ")
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
