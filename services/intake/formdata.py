"""The HTML forms post flat urlencoded fields; the API speaks the nested JSON contract.

This maps one to the other (and back, to refill a refused form) so both go through the same
validation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

CAMPAIGN_FIELDS = {
    "candidate_name": "candidate_name",
    "office": "office",
    "chamber": "chamber",
    "state": "state",
    "district": "district",
    "election_date": "election_date",
    "contact_name": "contact.name",
    "contact_email": "contact.email",
    "contact_phone": "contact.phone",
    "needs": "needs",
    "notes": "notes",
}
# Fields a form carries that are not part of the JSON contract.
FORM_ONLY = {"submission_id"}
VOLUNTEER_FIELDS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "sms_consent": "sms_consent",
    "skills": "skills",
    "hometown_city": "hometown.city",
    "hometown_state": "hometown.state",
    "current_city": "current_location.city",
    "current_state": "current_location.state",
    "current_country": "current_location.country",
    "hours_per_week": "hours_per_week",
    "weeks_available": "weeks_available",
}
_LISTS = {"needs", "skills"}
_OPTIONAL_BLANK = {"contact_phone", "phone", "notes", "current_country"}


class FormError(ValueError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("bad form")
        self.errors = errors


def parse_form(body: bytes) -> dict[str, list[str]]:
    try:
        text = body.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=200)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormError(
            [{"field": "body", "message": "The form could not be read: send it as UTF-8 form fields"}]
        ) from exc


def submission_id(fields: dict[str, list[str]]) -> str | None:
    values = fields.get("submission_id") or [""]
    return values[-1].strip()[:64] or None


def form_values(fields: dict[str, list[str]]) -> dict[str, Any]:
    """The form's values as the template refills them (lists for checkboxes)."""
    return {k: (v if k in _LISTS else v[-1]) for k, v in fields.items()}


def to_contract(fields: dict[str, list[str]], mapping: dict[str, str]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(mapping) - FORM_ONLY)
    if unknown:
        raise FormError([{"field": k, "message": f"\u201c{k}\u201d is not a field of this form"} for k in unknown])
    data: dict[str, Any] = {}
    for name, path in mapping.items():
        if name in _LISTS:
            value: Any = [v for v in fields.get(name, []) if v]
        elif name == "sms_consent":
            value = bool(fields.get(name)) and fields[name][-1] not in ("", "no", "off", "false")
        elif name not in fields or (name in _OPTIONAL_BLANK and not fields[name][-1].strip()):
            continue  # missing: the model says whether it was required
        else:
            value = fields[name][-1]
        target = data
        *parents, leaf = path.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return data
