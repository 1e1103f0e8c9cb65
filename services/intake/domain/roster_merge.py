"""Merging one roster row into the stored profile: only what the row gives changes (a blank or
missing column keeps the stored value), and the changes are listed for a dry run with personal
values masked. The reading half (columns, cells, skills) is `roster.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.intake.domain.requests import VolunteerSignup
from services.intake.domain.roster import REQUIRED_FOR_NEW, ProfilePatch
from services.intake.domain.signup import new_volunteer, profile_of
from shared.geo import NON_STATES
from shared.models import VOLUNTEER_PROFILE_FIELDS, Place, Volunteer


@dataclass
class Merged:
    volunteer: Volunteer
    changed: list[str]  # Volunteer fields that change
    changes: list[dict[str, Any]]  # [{"field", "from", "to"}], personal values masked


def _contract(current: Volunteer | None, patch: ProfilePatch) -> dict[str, Any]:
    base: dict[str, Any] = (
        current.model_dump(
            include={"name", "phone", "sms_consent", "skills", "hometown", "current_location"}
            | {"hours_per_week", "weeks_available"}
        )
        if current
        else {"hometown": {}, "current_location": {}}
    )
    given = patch.model_dump(exclude_unset=True, exclude={"clear"})
    contract: dict[str, Any] = {
        "name": given.get("name", base.get("name")),
        "email": patch.email,
        "phone": None if "phone" in patch.clear else given.get("phone", base.get("phone")),
        "sms_consent": False if "sms_consent" in patch.clear else given.get("sms_consent", base.get("sms_consent")),
        "skills": given.get("skills", base.get("skills")),
        "hours_per_week": given.get("hours_per_week", base.get("hours_per_week")),
        "weeks_available": given.get("weeks_available", base.get("weeks_available")),
    }
    home = {
        "city": given.get("hometown_city", base["hometown"].get("city")),
        "state": given.get("hometown_state", base["hometown"].get("state")),
    }
    now_at = dict(base["current_location"]) or dict(home)  # a new volunteer lives at home unless told
    if {"current_city", "current_state", "current_country"} & set(patch.clear):
        now_at = dict(home)
    now_at["city"] = given.get("current_city", now_at.get("city"))
    if "current_state" in given:  # a state is a place in the US, whatever the country was
        now_at["state"], now_at["country"] = given["current_state"], given.get("current_country", "US")
    elif given.get("current_country") in NON_STATES:  # a territory written as a country
        now_at["state"], now_at["country"] = given["current_country"], "US"
    elif given.get("current_country") == "US":
        now_at["country"] = "US"  # home again: the state must be on file or in the row
    elif "current_country" in given:
        now_at["country"], now_at["state"] = given["current_country"], ""
    if contract["phone"] is None and "phone" in patch.clear and "sms_consent" not in given:
        contract["sms_consent"] = False  # no number, nothing to text: consent goes with it
    contract["hometown"], contract["current_location"] = home, now_at
    return {k: v for k, v in contract.items() if v is not None}


def merge_profile(current: Volunteer | None, patch: ProfilePatch, now: datetime) -> Merged:
    """The profile after applying one row: stored values where the row says nothing.

    Raises ValidationError (the sign-up's whole-profile rules, e.g. consent needs a phone) or
    ValueError naming what a new volunteer's row lacks."""
    if current is None:
        missing = [f for f in REQUIRED_FOR_NEW if getattr(patch, f) is None]
        if missing:
            raise ValueError(f"a new volunteer needs {', '.join(missing)}; this email is not on file")
    signup = VolunteerSignup.model_validate(_contract(current, patch))
    if current is None:
        volunteer = new_volunteer(signup, now)
        return Merged(
            volunteer, [], [_change(f, None, getattr(volunteer, f)) for f in ("email", *VOLUNTEER_PROFILE_FIELDS)]
        )
    update: dict[str, Any] = profile_of(signup)
    # Consent's time is when it was given: kept while consent stands, set when newly given.
    update["sms_consent_at"] = (current.sms_consent_at or now) if current.sms_consent else now
    if not signup.sms_consent:
        update["sms_consent_at"] = None
    changed = [f for f, v in update.items() if getattr(current, f) != v]
    if changed:
        update["updated_at"] = now
    volunteer = current.model_copy(update=update)
    return Merged(
        volunteer,
        changed,
        [_change(f, getattr(current, f), getattr(volunteer, f)) for f in changed],
    )


def mask_email(email: str) -> str:
    """'dana.reyes@example.org' -> 'd***@example.org': enough to recognise, never the address."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """'+18042014490' -> '***-**90': only the last two digits show."""
    digits = re.sub(r"\D", "", phone)
    return f"***-**{digits[-2:]}" if len(digits) >= 2 else "***"


def _shown(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "email":
        return mask_email(str(value))
    if name == "phone":
        return mask_phone(str(value))
    if isinstance(value, Place):
        return f"{value.city}, {value.state}" if value.country == "US" else f"{value.city}, {value.country}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _change(name: str, old: Any, new: Any) -> dict[str, Any]:
    return {"field": name, "from": _shown(name, old), "to": _shown(name, new)}
