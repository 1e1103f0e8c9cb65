"""Request bodies for the public API, shared by the handler tests (tests/aws/builders.py validates
them through the use cases) and the end-to-end tests (which POST them). Each test names only what
matters to it; everything else is a valid, ordinary value."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def election_date(days: int = 300) -> str:
    """An election far enough ahead that every request is still open (ISO date)."""
    return (date.today() + timedelta(days=days)).isoformat()


def place(city: str, state: str) -> dict[str, str]:
    return {"city": city, "state": state}


def volunteer(
    email: str,
    skills: list[str],
    *,
    name: str = "Test Volunteer",
    hometown: tuple[str, str] = ("Madison", "WI"),
    current: tuple[str, str] = ("Austin", "TX"),
    hours: int = 6,
    weeks: int = 12,
    **extra: Any,
) -> dict[str, Any]:
    """A `POST /volunteers` body; `extra` adds fields the parameters do not cover (phone, sms_consent, ...)."""
    return {
        "name": name,
        "email": email,
        "skills": skills,
        "hometown": place(*hometown),
        "current_location": place(*current),
        "hours_per_week": hours,
        "weeks_available": weeks,
    } | extra


def campaign(
    candidate: str,
    state: str,
    district: str,
    needs: list[str],
    *,
    office: str = "House of Delegates",
    chamber: str = "lower",
    contact: tuple[str, str] = ("Sam Lee", "sam@jopark.example.org"),
    election: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A `POST /campaigns` body; `contact` is (name, email); the election defaults to election_date()."""
    return {
        "candidate_name": candidate,
        "office": office,
        "chamber": chamber,
        "state": state,
        "district": district,
        "election_date": election or election_date(),
        "contact": {"name": contact[0], "email": contact[1]},
        "needs": needs,
    } | extra
