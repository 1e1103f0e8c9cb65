"""A volunteer's sign-up: a new profile, or the changes a known address's owner confirms.

Issue 15/21: the public form never changes a stored profile by itself. What it submits waits
(shared/storage/pending.py) until the owner confirms by the link emailed to the address on file;
only then does `updated_volunteer` apply it. A changed number, or consent given anew, must be
confirmed again by a YES texted from that number (`sms_confirmed_at` is cleared).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.intake.domain.requests import VolunteerSignup
from shared.ids import new_id
from shared.models import Place, Volunteer

# Words for the review page: what each field is, as the form calls it.
FIELD_LABELS = {
    "name": "Name",
    "phone": "Mobile number",
    "sms_consent": "Texts about opportunities",
    "skills": "Skills",
    "hometown": "Hometown",
    "current_location": "Where you live now",
    "hours_per_week": "Hours a week",
    "weeks_available": "Weeks available",
}


def new_volunteer(signup: VolunteerSignup, now: datetime, *, sms_confirmed: bool = False) -> Volunteer:
    """A confirmed volunteer from a sign-up (`sms_confirmed`: staff vouched for the number too)."""
    consent_at = now if signup.sms_consent else None
    return Volunteer(
        volunteer_id=new_id("v"),
        created_at=now,
        updated_at=now,
        sms_consent_at=consent_at,
        sms_confirmed_at=consent_at if sms_confirmed else None,
        **profile_of(signup),
    )


def updated_volunteer(current: Volunteer, signup: VolunteerSignup, now: datetime) -> Volunteer:
    """The profile as submitted; staff-set fields (lead training) and counters are kept. A new
    number, or consent given anew, clears the SMS confirmation (the number must say YES itself)."""
    consent_at = current.sms_consent_at if current.sms_consent else now
    same_number = signup.phone == current.phone and current.sms_consent
    return current.model_copy(
        update={
            **profile_of(signup),
            "updated_at": now,
            "sms_consent_at": consent_at if signup.sms_consent else None,
            "sms_confirmed_at": current.sms_confirmed_at if signup.sms_consent and same_number else None,
        }
    )


def profile_of(signup: VolunteerSignup) -> dict[str, object]:
    return {
        "name": signup.name,
        "email": signup.email,
        "phone": signup.phone,
        "sms_consent": signup.sms_consent,
        "skills": list(signup.skills),
        "hometown": Place(**signup.hometown.model_dump()),
        "current_location": Place(**signup.current_location.model_dump()),
        "hours_per_week": signup.hours_per_week,
        "weeks_available": signup.weeks_available,
    }


def _shown(value: Any) -> str:
    if isinstance(value, Place):
        return ", ".join(p for p in (value.city, value.state or value.country) if p)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def changes(current: Volunteer, proposed: Volunteer) -> list[dict[str, str]]:
    """[{"field": label, "now": shown, "new": shown}] for each field the proposal changes, in the
    form's order (the review page's table)."""
    out = []
    for name, label in FIELD_LABELS.items():
        before, after = getattr(current, name), getattr(proposed, name)
        if before != after:
            out.append({"field": label, "now": _shown(before), "new": _shown(after)})
    return out
