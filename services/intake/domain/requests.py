"""The public JSON contract of intake, as pydantic models that refuse anything malformed.

Each refusal names the field (dotted path, e.g. `contact.email`) and says why in plain words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from shared.catalog import catalog
from shared.districts import canonical_district
from shared.geo import STATES, normalize_state

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain line breaks or control characters")
    return value


def _email(value: str) -> str:
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address ({exc})") from exc
    return checked.normalized.lower()


def _phone(value: str) -> str:
    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("is not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("is not a valid phone number (US numbers need 10 digits; others need +country code)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _residence_state(value: str) -> str:
    code = normalize_state(value)
    if code is None:
        raise ValueError(f"'{value}' is not a US state (use the two-letter code, e.g. VA)")
    return code


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_no_control)
]
City = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), AfterValidator(_no_control)
]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32), AfterValidator(_phone)]
ResidenceState = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=32), AfterValidator(_residence_state)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlaceIn(_Strict):
    city: City
    state: ResidenceState


class ContactIn(_Strict):
    name: Text
    email: Email
    phone: Phone | None = None

    @field_validator("phone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class VolunteerSignup(_Strict):
    name: Text
    email: Email
    phone: Phone | None = None
    sms_consent: bool = False
    skills: list[str] = Field(min_length=1, max_length=15)
    hometown: PlaceIn
    current_location: PlaceIn
    hours_per_week: int = Field(ge=1, le=40)
    weeks_available: int = Field(ge=1, le=52)

    @field_validator("phone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("skills")
    @classmethod
    def _known_skills(cls, skills: list[str]) -> list[str]:
        known = catalog().skill_ids
        unknown = [s for s in skills if s not in known]
        if unknown:
            raise ValueError(f"unknown skill {', '.join(map(repr, unknown))}; see GET /skills")
        return list(dict.fromkeys(skills))

    @field_validator("sms_consent")
    @classmethod
    def _consent_needs_phone(cls, consent: bool, info: ValidationInfo) -> bool:
        if consent and "phone" in info.data and not info.data["phone"]:
            raise ValueError("needs a mobile number to text")
        return consent


class CampaignRequest(_Strict):
    candidate_name: Text
    office: Text
    chamber: Literal["lower", "upper"]
    state: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
    district: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
    election_date: date
    contact: ContactIn
    needs: list[str] = Field(min_length=1, max_length=10)
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""

    @field_validator("state")
    @classmethod
    def _legislature_state(cls, value: str) -> str:
        code = normalize_state(value)
        if code is None or code not in STATES:
            raise ValueError(f"'{value}' is not a US state with a legislature (use e.g. VA)")
        return code

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, needs: list[str]) -> list[str]:
        unknown = [n for n in needs if not catalog().has_item(n)]
        if unknown:
            raise ValueError(f"not on the project menu: {', '.join(map(repr, unknown))}; see GET /menu")
        if len(set(needs)) != len(needs):
            raise ValueError("lists the same menu item twice")
        return needs

    @field_validator("election_date")
    @classmethod
    def _plausible_date(cls, value: date) -> date:
        today = date.today()
        if value < today:
            raise ValueError("is in the past; we help campaigns with an election ahead")
        if value > today + timedelta(days=4 * 366):
            raise ValueError("is more than four years away")
        return value

    @field_validator("district")
    @classmethod
    def _real_district(cls, district: str, info: ValidationInfo) -> str:
        state, chamber = info.data.get("state"), info.data.get("chamber")
        if state is None or chamber is None:
            return district  # the state or chamber error is reported; no basis to judge this
        return canonical_district(STATES[state], chamber, district)


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not an accepted field",
    "string_too_short": "must not be empty",
    "too_short": "must list at least one",
    "literal_error": None,  # pydantic's own message names the allowed values
}


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """[{"field", "message"}] for a refused request: dotted paths, list indices folded away."""
    errors: list[dict[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        message = _MESSAGES.get(err["type"]) or err["msg"]
        if err["type"] == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        elif err["type"] in ("string_too_long", "too_long"):
            message = f"is too long (at most {err.get('ctx', {}).get('max_length')})"
        elif err["type"].startswith(("int_", "greater_than", "less_than")):
            message = f"must be a whole number{_range_text(err)}"
        elif err["type"] in ("date_from_datetime_parsing", "date_parsing", "date_type"):
            message = "must be a date like 2027-11-02"
        elif err["type"] == "bool_parsing":
            message = "must be true or false"
        errors.append({"field": ".".join(loc) or "body", "message": message})
    return errors


def _range_text(err: dict[str, Any]) -> str:
    ctx = err.get("ctx", {})
    bounds = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<"}
    parts = [f"{sign} {ctx[k]}" for k, sign in bounds.items() if k in ctx]
    return f" ({', '.join(parts)})" if parts else ""
