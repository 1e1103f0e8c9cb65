"""CSV exports (console downloads and `tfc export`): flat, snake_case columns, one row a record.

Shaped to load cleanly into Google Sheets and Parsons tables: a fixed header, ISO 8601 times,
lists joined with "; ", booleans as true/false, empty cells for missing values, UTF-8. Cells
that a spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from shared.models import Campaign, Invitation, Project, Volunteer

KINDS = ("campaigns", "projects", "volunteers", "invitations")

COLUMNS: dict[str, tuple[str, ...]] = {
    "campaigns": (
        "campaign_id",
        "candidate_name",
        "office",
        "state",
        "chamber",
        "district",
        "election_date",
        "contact_name",
        "contact_email",
        "contact_phone",
        "needs",
        "project_ids",
        "notes",
        "created_at",
    ),
    "projects": (
        "project_id",
        "campaign_id",
        "candidate_name",
        "state",
        "chamber",
        "district",
        "menu_item",
        "title",
        "status",
        "status_reason",
        "skills",
        "team_size",
        "filled",
        "weeks",
        "hours_per_week",
        "waves",
        "priority",
        "created_at",
        "approved_at",
        "staffed_at",
    ),
    "volunteers": (
        "volunteer_id",
        "name",
        "email",
        "phone",
        "sms_consent",
        "sms_consent_at",
        "skills",
        "home_city",
        "home_state",
        "current_city",
        "current_state",
        "current_country",  # ISO code; not US for Americans living abroad (then current_state is empty)
        "hours_per_week",
        "weeks_available",
        "lead_trained",
        "active_projects",
        "pending_invitations",
        "email_opt_out",
        "sms_opt_out",
        "sms_opt_out_at",
        "email_suppressed",
        "email_suppressed_at",
        "created_at",
        "updated_at",
    ),
    "invitations": (
        "invitation_id",
        "project_id",
        "volunteer_id",
        "role",
        "skill",
        "status",
        "score",
        "reasons",
        "wave",
        "created_at",
        "expires_at",
        "answered_at",
        "answer_channel",
    ),
}

_NUMBER = re.compile(r"^[+-]?[\d .()]+$")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    text = str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not _NUMBER.match(text)):
        return "'" + text
    return text


def campaign_row(c: Campaign) -> dict[str, Any]:
    return c.model_dump(include=set(COLUMNS["campaigns"])) | {
        "contact_name": c.contact.name,
        "contact_email": c.contact.email,
        "contact_phone": c.contact.phone,
    }


def project_row(p: Project) -> dict[str, Any]:
    return p.model_dump(include=set(COLUMNS["projects"]))


def volunteer_row(v: Volunteer) -> dict[str, Any]:
    return v.model_dump(include=set(COLUMNS["volunteers"])) | {
        "home_city": v.hometown.city,
        "home_state": v.hometown.state,
        "current_city": v.current_location.city,
        "current_state": v.current_location.state,
        "current_country": v.current_location.country,
    }


def invitation_row(i: Invitation) -> dict[str, Any]:
    return i.model_dump(include=set(COLUMNS["invitations"])) | {"score": round(i.score, 4)}


BOM = "\ufeff"  # UTF-8 byte-order mark: Excel on Windows reads the file as UTF-8 only with it


def to_csv(kind: str, rows: Iterable[dict[str, Any]], bom: bool = False) -> str:
    """The CSV text of `kind`'s rows (header first, CRLF rows); `bom` starts it with a byte-order
    mark so Excel shows "María", not "MarÃ­a"."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    columns = COLUMNS[kind]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()
