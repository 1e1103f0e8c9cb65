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
    model_validator,
)

from shared.catalog import catalog
from shared.districts import canonical_district
from shared.geo import NON_STATES, STATES, normalize_country, normalize_state

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain line breaks or control characters")
    return value


def _email(value: str) -> str:
    """An address Amazon SES can send to, lower-cased, its domain in ASCII (punycode).

    SES does not support SMTPUTF8 (RFC 6531): the address must be 7-bit ASCII, a Unicode domain
    is sent as punycode, and punycode is not allowed before the @ (SES API reference,
    `Destination`). So "josé@example.org" is refused here, and "jose@exämple.org" is stored as
    "jose@xn--exmple-cua.org"."""
    local = value.rpartition("@")[0]
    if local and not local.isascii():
        raise ValueError(
            "has accented or non-Latin letters before the @, and our mail service (Amazon SES) cannot "
            "deliver to such addresses; please give an address with only plain letters, digits and . _ + - "
            "before the @"
        )
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address ({exc})") from exc
    return (checked.ascii_email or checked.normalized).lower()  # ascii_email is set: SMTPUTF8 is refused above


def _phone(value: str) -> str:
    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("is not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("is not a valid phone number (US numbers need 10 digits; others need +country code)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _residence_state(value: str) -> str:
    if not value:
        raise ValueError("is required")
    code = normalize_state(value)
    if code is None:
        raise ValueError(
            f"is not a US state, DC or territory: \u201c{value}\u201d (use the two-letter code, e.g. VA or PR)"
        )
    return code


def _country(value: str) -> str:
    """An ISO 3166 code for a country's name or code; blank is the US."""
    code = normalize_country(value) if value else "US"
    if code is None:
        raise ValueError(f"is not a country we know: \u201c{value}\u201d (use its name or two-letter code, e.g. DE)")
    return code


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_no_control)
]
City = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), AfterValidator(_no_control)
]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32), AfterValidator(_phone)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60), AfterValidator(_country)]
ResidenceState = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=32), AfterValidator(_residence_state)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlaceIn(_Strict):
    city: City
    state: ResidenceState


class CurrentPlaceIn(_Strict):
    """Where a volunteer lives now: a US state, DC or territory; or, for Americans abroad, a
    country (then no state). A territory given as a country ("Puerto Rico") is a place in the US."""

    city: City
    country: Country = Field(default="US", validate_default=True)
    state: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] = Field(
        default="", validate_default=True
    )

    @field_validator("state")
    @classmethod
    def _state_in_the_us(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country is None:
            return value  # the country's own error is reported
        if country in NON_STATES:
            return country  # a territory chosen as a country
        if country != "US":
            return ""  # abroad: the state is not asked
        if value.strip().lower() in ("abroad", "outside the us", "outside us"):
            raise ValueError("is \u201coutside the US\u201d: then give the country where you live now")
        return _residence_state(value)

    @model_validator(mode="after")
    def _territory_is_in_the_us(self) -> CurrentPlaceIn:
        if self.country in NON_STATES:
            self.country = "US"
        return self


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
    current_location: CurrentPlaceIn
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
            raise ValueError(f"include one we do not know: {', '.join(unknown)} (the list: GET /skills)")
        return list(dict.fromkeys(skills))

    @field_validator("sms_consent")
    @classmethod
    def _consent_needs_phone(cls, consent: bool, info: ValidationInfo) -> bool:
        if consent and "phone" in info.data and not info.data["phone"]:
            raise ValueError("Text messages need a mobile number: add one, or leave the box unticked")
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
        if not value:
            raise ValueError("is required")
        code = normalize_state(value)
        if code is None or code not in STATES:
            raise ValueError(
                f"is not a US state with a legislature: \u201c{value}\u201d (use the two-letter code, e.g. VA)"
            )
        return code

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, needs: list[str]) -> list[str]:
        unknown = [n for n in needs if not catalog().has_item(n)]
        if unknown:
            raise ValueError(f"lists something not on the project menu: {', '.join(unknown)} (see GET /menu)")
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


# How each field is named to a person (the forms' labels), for messages that say which field and why.
FIELD_LABELS: dict[str, str] = {
    "name": "Your name",
    "email": "Email",
    "phone": "Mobile phone",
    "sms_consent": "Text messages",
    "skills": "Skills",
    "hometown": "Where you grew up",
    "hometown.city": "City or town where you grew up",
    "hometown.state": "State where you grew up",
    "hometown_city": "City or town where you grew up",
    "hometown_state": "State where you grew up",
    "current_location": "Where you live now",
    "current_location.city": "City or town where you live now",
    "current_location.state": "State where you live now",
    "current_location.country": "Country where you live now",
    "current_country": "Country where you live now",
    "current_city": "City or town where you live now",
    "current_state": "State where you live now",
    "hours_per_week": "Hours a week",
    "weeks_available": "Weeks you can help",
    "candidate_name": "Candidate's full name",
    "office": "Office",
    "chamber": "Chamber",
    "state": "State",
    "district": "District",
    "election_date": "Election date",
    "contact": "Your contact details",
    "contact.name": "Your name",
    "contact.email": "Your email",
    "contact.phone": "Your phone",
    "needs": "What you need help with",
    "notes": "Anything else we should know",
}
# What to say when a choice is missing, in place of "<label> is required".
_CHOOSE: dict[str, str] = {
    "state": "Choose the candidate's state",
    "hometown.state": "Choose the state where you grew up",
    "hometown_state": "Choose the state where you grew up",
    "current_location.state": "Choose the state where you live now",
    "current_state": "Choose the state where you live now",
    "chamber": "Choose the chamber: State House / Assembly or State Senate",
    "skills": "Choose at least one skill",
    "needs": "Choose at least one thing you need help with",
}
_MISSING = ("missing", "string_too_short", "too_short", "none_required")


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """[{"field", "message"}] for a refused request: `field` is the machine path ("contact.email",
    list indices folded away), `message` a sentence that names the field in the form's words and
    says why ("Hours a week must be a whole number from 1 to 40"); never a pydantic type name."""
    errors: list[dict[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        path = ".".join(loc) or "body"
        errors.append({"field": path, "message": _message(path, err)})
    return errors


def _message(path: str, err: Any) -> str:
    kind: str = err["type"]
    ctx = err.get("ctx", {})
    label = FIELD_LABELS.get(path, path.rsplit(".", 1)[-1].replace("_", " ").capitalize())
    if kind in _MISSING and path in _CHOOSE:
        return _CHOOSE[path]
    if kind == "value_error":
        said = str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
        if said == "is required" and path in _CHOOSE:
            return _CHOOSE[path]
        if said.startswith(label):
            return said
        return f"{label} {said}" if said[:1].islower() else f"{label}: {said}"
    if kind == "missing":
        return f"{label} is required"
    if kind in ("string_too_short", "too_short"):
        return f"{label} must not be empty" if kind == "string_too_short" else f"{label} must list at least one"
    if kind == "extra_forbidden":
        return f"\u201c{path}\u201d is not an accepted field"
    if kind in ("string_too_long", "too_long"):
        unit = " characters" if kind == "string_too_long" else ""
        return f"{label} is too long (at most {ctx.get('max_length')}{unit})"
    if kind.startswith(("int_", "greater_than", "less_than")):
        low, high = _RANGES.get(path.rsplit(".", 1)[-1], (None, None))
        return f"{label} must be a whole number{_range_text(ctx, low, high)}"
    if kind.startswith("date"):
        return f"{label} must be a date like 2027-11-02"
    if kind.startswith("bool"):
        return f"{label} must be yes or no"
    if kind == "literal_error":
        return f"{label} must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind in ("list_type", "set_type", "tuple_type"):
        return f"{label} must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{label} must have its parts filled in (e.g. city and state)"
    if kind.startswith("string"):
        return f"{label} must be text"
    return f"{label} is not valid"


# Both bounds of the whole-number fields: pydantic reports only the bound that was crossed.
_RANGES: dict[str, tuple[int, int]] = {"hours_per_week": (1, 40), "weeks_available": (1, 52)}


def _range_text(ctx: dict[str, Any], low: int | None = None, high: int | None = None) -> str:
    low = ctx["ge"] if "ge" in ctx else ctx["gt"] + 1 if "gt" in ctx else low
    high = ctx["le"] if "le" in ctx else ctx["lt"] - 1 if "lt" in ctx else high
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    return f" of at most {high}" if high is not None else ""
