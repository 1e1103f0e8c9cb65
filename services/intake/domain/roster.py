"""A volunteer roster from a spreadsheet: columns mapped by header, every row checked with the
sign-up form's own rules (VolunteerSignup), duplicates within the file refused.

Plain Python: CSV text in, the rows to import and the refusals (spreadsheet row numbers, the
header being row 1) out. What to do with the valid rows is the caller's business.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from services.intake.domain.requests import VolunteerSignup, field_errors
from shared.catalog import catalog

# Header spellings people use, normalised (lower case, runs of non-letters as "_").
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "volunteer_name"),
    "email": ("email", "email_address", "e_mail"),
    "phone": ("phone", "phone_number", "mobile", "cell"),
    "sms_consent": ("sms_consent", "text_consent", "ok_to_text"),
    "skills": ("skills", "skill"),
    "hometown_city": ("hometown_city", "home_city", "city"),
    "hometown_state": ("hometown_state", "home_state", "state"),
    "current_city": ("current_city", "current_location_city"),
    "current_state": ("current_state", "current_location_state"),
    "hours_per_week": ("hours_per_week", "hours", "hours_week"),
    "weeks_available": ("weeks_available", "weeks"),
}
REQUIRED = ("name", "email", "skills", "hometown_city", "hometown_state", "hours_per_week", "weeks_available")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}
MAX_ROWS = 20_000


class RosterError(ValueError):
    """The file as a whole cannot be read (its header, its encoding, its size)."""


@dataclass
class Roster:
    valid: list[tuple[int, VolunteerSignup]] = field(default_factory=list)
    refused: list[dict[str, int | str]] = field(default_factory=list)


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def map_header(header: list[str]) -> dict[str, int]:
    """Our field -> column index. Unknown or repeated columns refuse the file (no silent drop)."""
    lookup = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    mapped: dict[str, int] = {}
    unknown = []
    for index, raw in enumerate(header):
        name = lookup.get(_norm(raw))
        if name is None:
            if raw.strip():
                unknown.append(raw.strip())
            continue
        if name in mapped:
            raise RosterError(f"columns {header[mapped[name]]!r} and {raw!r} both mean {name}")
        mapped[name] = index
    if unknown:
        raise RosterError(f"unknown columns: {', '.join(map(repr, unknown))} (known: {', '.join(ALIASES)})")
    missing = [f for f in REQUIRED if f not in mapped]
    if missing:
        raise RosterError(f"missing columns: {', '.join(missing)}")
    return mapped


def _skills(text: str) -> list[str]:
    by_label = {s.label.lower(): s.id for s in catalog().skills}
    out = []
    for part in re.split(r"[;,|]", text):
        part = part.strip()
        if part:
            out.append(by_label.get(part.lower(), part.lower().replace(" ", "_")))
    return out


def _consent(text: str) -> bool | str:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return text  # let the model refuse it with its own message


def row_contract(values: dict[str, str]) -> dict[str, object]:
    """One row as the sign-up's JSON contract. Current location defaults to the hometown."""
    city, state = values.get("hometown_city", ""), values.get("hometown_state", "")
    return {
        "name": values.get("name", ""),
        "email": values.get("email", ""),
        "phone": values.get("phone") or None,
        "sms_consent": _consent(values.get("sms_consent", "")),
        "skills": _skills(values.get("skills", "")),
        "hometown": {"city": city, "state": state},
        "current_location": {
            "city": values.get("current_city") or city,
            "state": values.get("current_state") or state,
        },
        "hours_per_week": values.get("hours_per_week", "").strip(),
        "weeks_available": values.get("weeks_available", "").strip(),
    }


def read_roster(text: str) -> Roster:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise RosterError("the file is empty: the first row must name the columns")
    columns = map_header(header)
    roster = Roster()
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise RosterError(f"more than {MAX_ROWS} rows: split the file")
        if not any(c.strip() for c in cells):
            continue  # blank lines in spreadsheets' exports
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        try:
            signup = VolunteerSignup.model_validate(row_contract(values))
        except ValidationError as exc:
            reason = "; ".join(f"{e['field']}: {e['message']}" for e in field_errors(exc))
            roster.refused.append({"row": number, "reason": reason})
            continue
        key = signup.email.strip().lower()
        if key in first_row_of:
            roster.refused.append({"row": number, "reason": f"email: the same address as row {first_row_of[key]}"})
            continue
        first_row_of[key] = number
        roster.valid.append((number, signup))
    return roster
