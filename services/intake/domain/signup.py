"""A volunteer's sign-up: a new profile, or an update of the one with the same email."""

from __future__ import annotations

from datetime import datetime

from services.intake.domain.requests import VolunteerSignup
from shared.ids import new_id
from shared.models import Place, Volunteer


def new_volunteer(signup: VolunteerSignup, now: datetime) -> Volunteer:
    return Volunteer(
        volunteer_id=new_id("v"),
        created_at=now,
        updated_at=now,
        sms_consent_at=now if signup.sms_consent else None,
        **profile_of(signup),
    )


def updated_volunteer(current: Volunteer, signup: VolunteerSignup, now: datetime) -> Volunteer:
    """The profile as submitted; staff-set fields (lead training) and counters are kept."""
    consent_at = current.sms_consent_at if current.sms_consent else now
    return current.model_copy(
        update={
            **profile_of(signup),
            "updated_at": now,
            "sms_consent_at": consent_at if signup.sms_consent else None,
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
