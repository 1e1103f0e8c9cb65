"""A volunteer roster from a spreadsheet, read the way organisers' tools read theirs.

Plain Python, no AWS. CSV text in; out come one `RosterRow` per spreadsheet row (the header is
row 1) holding only what the row says, and the refusals (file, row, column, reason). Then
`merge_profile` applies one row to the stored profile, if any:

- A column that is absent, or a blank cell, leaves the stored value alone (as Action Network,
  Mobilize and VAN imports do); `clear_blank` makes blank cells in optional columns (phone, SMS
  consent, current city/state) clear the stored value instead.
- Column names come from the exports organisers have (roster_columns.toml, with its sources).
  Columns a profile does not hold are reported, never silently dropped, and never refuse the file.
- Multi-value skill cells split on the separators spreadsheet exports use: ";", "|", line breaks,
  and "," only where the comma is not part of a known skill label (Google Forms joins a checkbox
  question's answers with ", ", and some labels contain commas). Labels match case-insensitively,
  longest first; skill ids are accepted too. A value that matches nothing is refused with the
  closest known skill.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.intake.domain.requests import (
    City,
    Country,
    Email,
    Phone,
    ResidenceState,
    Text,
    field_errors,
)
from shared.catalog import catalog

MAX_ROWS = 20_000
# Values a consent column holds in the exports: yes/no words, checkboxes, Action Network's SMS status.
_YES = {"yes", "y", "true", "1", "x", "checked", "subscribed", "opted in", "opt in", "ok"}
_NO = {"no", "n", "false", "0", "unchecked", "unsubscribed", "opted out", "opt out", "not subscribed"}
_HARD_SEPARATORS = re.compile(r"[;|\r\n]+")
# Profile fields a blank cell may clear under --clear-blank; the others are required by the form.
CLEARABLE = ("phone", "sms_consent", "current_city", "current_state", "current_country")
# What a new volunteer's row must hold (current location defaults to the hometown).
REQUIRED_FOR_NEW = ("name", "skills", "hometown_city", "hometown_state", "hours_per_week", "weeks_available")
# Patch field -> the sign-up contract's dotted path (how validation errors name fields).
CONTRACT_PATH = {
    "hometown_city": "hometown.city",
    "hometown_state": "hometown.state",
    "current_city": "current_location.city",
    "current_state": "current_location.state",
    "current_country": "current_location.country",
}


class RosterError(ValueError):
    """The file as a whole cannot be read (its header, its encoding, its size)."""


# --- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ColumnTable:
    exact: dict[str, str]  # normalised header -> field
    ignored: frozenset[str]
    keywords: tuple[tuple[str, tuple[frozenset[str], ...]], ...]


@cache
def _columns() -> _ColumnTable:
    data = tomllib.loads(resources.files(__package__).joinpath("roster_columns.toml").read_text("utf-8"))
    exact = {alias: name for name, aliases in data["fields"].items() for alias in aliases}
    keywords = tuple((rule["field"], tuple(frozenset(words) for words in rule["any"])) for rule in data["keywords"])
    return _ColumnTable(exact, frozenset(data["ignored"]["columns"]), keywords)


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def column_field(header: str) -> str | None:
    """Our field for one header ("Email Address" -> "email"; "What skills can you offer?" ->
    "skills"); "" for a known column we do not import (Timestamp, VANID, Zip); None if unknown."""
    table = _columns()
    key = _norm(header)
    if key in table.exact:
        return table.exact[key]
    if key in table.ignored:
        return ""
    words = frozenset(key.split("_"))
    for name, alternatives in table.keywords:
        if any(required <= words for required in alternatives):
            return name
    return None


@dataclass
class Header:
    columns: dict[str, int]  # field -> column index
    names: dict[str, str]  # field -> the column's header as written
    not_imported: list[str]  # known columns a profile does not hold
    unknown: list[str]  # columns we do not recognise


def map_header(header: list[str]) -> Header:
    """Map a header row. RosterError when no column holds the email, or two columns mean the same field."""
    mapped = Header({}, {}, [], [])
    for index, raw in enumerate(header):
        name = column_field(raw) if raw.strip() else ""
        if name is None:
            mapped.unknown.append(raw.strip())
            continue
        if not name:
            if raw.strip():
                mapped.not_imported.append(raw.strip())
            continue
        if name in mapped.columns:
            raise RosterError(f"columns {mapped.names[name]!r} and {raw.strip()!r} both mean {name}; remove one")
        mapped.columns[name] = index
        mapped.names[name] = raw.strip()
    if "email" not in mapped.columns:
        raise RosterError("no email column: rows are matched to volunteers by email (e.g. 'Email' or 'Email Address')")
    if "name" in mapped.columns and ({"first_name", "last_name"} & mapped.columns.keys()):
        raise RosterError("both a full-name column and first/last-name columns: keep one or the other")
    return mapped


# --- skills ----------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Compare labels ignoring case, runs of spaces and the spacing around commas."""
    return re.sub(r"\s*,\s*", ", ", " ".join(text.split())).casefold()


@cache
def _skill_keys() -> dict[str, str]:
    keys = {_key(s.label): s.id for s in catalog().skills}
    return keys | {s.id.casefold(): s.id for s in catalog().skills}


class UnknownSkill(ValueError):
    def __init__(self, value: str, closest: str) -> None:
        super().__init__(
            f"\u201c{value}\u201d is not a known skill; the closest is \u201c{closest}\u201d (see GET /skills)"
        )
        self.value, self.closest = value, closest


def closest_skill(value: str) -> str:
    """The known skill label most like `value` (difflib's ratio over labels and ids)."""
    best = max(
        catalog().skills,
        key=lambda s: max(
            difflib.SequenceMatcher(None, _key(value), _key(s.label)).ratio(),
            difflib.SequenceMatcher(None, _key(value), s.id).ratio(),
        ),
    )
    return best.label


def split_skills(cell: str) -> list[str]:
    """Skill ids in a multi-value cell, in order, without repeats. UnknownSkill for a value that is none.

    "Data analysis (SQL, spreadsheets), Copywriting and editing" -> ["data_analysis", "copywriting"]
    """
    known = _skill_keys()
    found: list[str] = []
    for piece in _HARD_SEPARATORS.split(cell):
        parts = piece.split(",")
        i = 0
        while i < len(parts):
            if not parts[i].strip():
                i += 1
                continue
            # Longest run of comma-joined parts that is a known label: labels may contain commas.
            match = next(
                (j for j in range(len(parts), i, -1) if _key(",".join(parts[i:j])) in known),
                None,
            )
            if match is not None:
                found.append(known[_key(",".join(parts[i:match]))])
                i = match
                continue
            # Unknown: report it up to where a known label starts again, so a misspelt label with
            # commas inside is named whole.
            end = next(
                (
                    k
                    for k in range(i + 1, len(parts))
                    if any(_key(",".join(parts[k:j])) in known for j in range(len(parts), k, -1))
                ),
                len(parts),
            )
            value = ",".join(parts[i:end]).strip()
            raise UnknownSkill(value, closest_skill(value))
    return list(dict.fromkeys(found))


def _consent(text: str) -> bool:
    value = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError("must be yes or no")


# --- rows ------------------------------------------------------------------------------------


class ProfilePatch(BaseModel):
    """What one roster row says about a volunteer: only the fields it gives. Values are checked with
    the sign-up form's own types (requests.py); whole-profile rules are checked after merging."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: Email
    name: Text | None = None
    phone: Phone | None = None
    sms_consent: bool | None = None
    skills: list[str] | None = Field(default=None, min_length=1, max_length=15)
    hometown_city: City | None = None
    hometown_state: ResidenceState | None = None
    current_city: City | None = None
    current_state: ResidenceState | None = None
    current_country: Country | None = None
    hours_per_week: Annotated[int, Field(ge=1, le=40)] | None = None
    weeks_available: Annotated[int, Field(ge=1, le=52)] | None = None
    clear: list[str] = Field(default_factory=list, max_length=len(CLEARABLE))

    @field_validator("skills")
    @classmethod
    def _known_skills(cls, skills: list[str] | None) -> list[str] | None:
        if skills is not None:
            unknown = [s for s in skills if s not in catalog().skill_ids]
            if unknown:
                raise ValueError(f"unknown skill {', '.join(map(repr, unknown))}; see GET /skills")
        return skills

    @field_validator("clear")
    @classmethod
    def _clearable(cls, fields: list[str]) -> list[str]:
        wrong = [f for f in fields if f not in CLEARABLE]
        if wrong:
            raise ValueError(f"only {', '.join(CLEARABLE)} can be cleared, not {', '.join(wrong)}")
        return fields


@dataclass
class RosterRow:
    row: int
    patch: ProfilePatch


@dataclass
class Roster:
    file: str
    header: Header
    rows: list[RosterRow] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    def column_of(self, name: str) -> str:
        """The header a patch field (or contract path) came from, for messages."""
        name = {v: k for k, v in CONTRACT_PATH.items()}.get(name, name)
        if name == "name" and "name" not in self.header.names:
            return " + ".join(self.header.names[f] for f in ("first_name", "last_name") if f in self.header.names)
        return self.header.names.get(name, name)

    def refuse(self, row: int, name: str, reason: str) -> None:
        self.refused.append({"file": self.file, "row": row, "column": self.column_of(name), "reason": reason})


def _cells(header: Header, cells: list[str]) -> dict[str, str]:
    values = {name: (cells[i] if i < len(cells) else "").strip() for name, i in header.columns.items()}
    if "first_name" in values or "last_name" in values:
        values["name"] = " ".join(v for v in (values.pop("first_name", ""), values.pop("last_name", "")) if v)
    if not values.get("phone") and values.get("phone_fallback"):
        values["phone"] = values["phone_fallback"]
    values.pop("phone_fallback", None)
    return values


def _row_patch(values: dict[str, str], clear_blank: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's given values as patch input, and per-field refusals of values we parse here."""
    given: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, text in values.items():
        if not text:
            continue
        if name == "skills":
            try:
                given[name] = split_skills(text)
            except UnknownSkill as exc:
                errors[name] = str(exc)
        elif name == "sms_consent":
            try:
                given[name] = _consent(text)
            except ValueError as exc:
                errors[name] = f"\u201c{text}\u201d: {exc}"
        else:
            given[name] = text
    if clear_blank:
        given["clear"] = [f for f in CLEARABLE if f in values and not values[f]]
    return given, errors


def read_roster(text: str, *, file: str = "roster.csv", clear_blank: bool = False) -> Roster:
    """Parse a roster. RosterError for a file that cannot be read at all; a bad row is only refused."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header_cells = next(rows, None)
        if not header_cells or not any(c.strip() for c in header_cells):
            raise RosterError("the file is empty: the first row must name the columns")
        roster = Roster(file, map_header(header_cells))
        first_row_of: dict[str, int] = {}
        for number, cells in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise RosterError(f"more than {MAX_ROWS} rows: split the file")
            if not any(c.strip() for c in cells):
                continue  # blank lines in spreadsheets' exports
            given, errors = _row_patch(_cells(roster.header, cells), clear_blank)
            if errors:
                for name, reason in errors.items():
                    roster.refuse(number, name, reason)
                continue
            try:
                patch = ProfilePatch.model_validate(given)
            except ValidationError as exc:
                for e in field_errors(exc):
                    roster.refuse(number, e["field"], e["message"])
                continue
            key = patch.email.lower()
            if key in first_row_of:
                roster.refuse(number, "email", f"the same address as row {first_row_of[key]}")
                continue
            first_row_of[key] = number
            roster.rows.append(RosterRow(number, patch))
    except csv.Error as exc:
        raise RosterError(f"not a readable CSV file ({exc})") from exc
    return roster
