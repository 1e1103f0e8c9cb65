"""The intake service's public web forms: the campaign request, the volunteer sign-up, and the
confirmation pages that follow them. Server-rendered HTML that works without JavaScript.

`values` are keyed by the forms' field names and re-fill the form after a refusal; `errors` are
keyed by JSON-contract field paths ("contact.email", "hometown.city", ...) plus "_form" for
messages not tied to a field. Every echoed value is escaped by the environment's autoescape.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from shared.catalog import CATEGORY_LABELS, catalog
from shared.geo import NON_STATES, RESIDENCE_STATES, STATES, countries

__all__ = ["render_campaign_form", "render_confirmation", "render_index", "render_volunteer_form"]

_env = Environment(
    loader=PackageLoader("services.intake.forms", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

FORM_ERROR = "_form"

CHAMBER_LABELS: dict[str, str] = {"lower": "State House / Assembly", "upper": "State Senate"}

STATUS_LABELS: dict[str, str] = {
    "pending_review": "Waiting for our team's review",
    "matching": "Approved: finding volunteers",
    "staffed": "Team ready",
    "active": "Under way",
    "done": "Done",
    "cancelled": "Cancelled",
    "declined": "Not taken on",
    "needs_attention": "Our team is looking into it",
}

SMS_CONSENT_TEXT = (
    "Text me about projects I could join. Message frequency varies, at most a few per month. "
    "Msg & data rates may apply. Reply STOP to opt out, HELP for help."
)

_TRUTHY = frozenset({"yes", "on", "true", "1"})


@dataclass(frozen=True, slots=True)
class _Field:
    """One form control (or group of controls) and the contract path its errors arrive under."""

    name: str  # the form field name
    path: str  # the JSON-contract path errors are keyed by
    label: str  # the visible label, also used in the error summary
    anchor: str  # the id of the control the error summary links to


def _menu_groups() -> list[dict[str, object]]:
    menu = catalog().menu
    groups: list[dict[str, object]] = []
    for category, label in CATEGORY_LABELS.items():
        items = [item.public() for item in menu if item.category == category]
        if items:
            groups.append({"category": category, "label": label, "items": items})
    return groups


def _campaign_fields(first_need: str) -> list[_Field]:
    return [
        _Field("candidate_name", "candidate_name", "Candidate's full name", "candidate_name"),
        _Field("office", "office", "Office the candidate is running for", "office"),
        _Field("chamber", "chamber", "Chamber", "chamber-lower"),
        _Field("state", "state", "State", "state"),
        _Field("district", "district", "District", "district"),
        _Field("election_date", "election_date", "Election date", "election_date"),
        _Field("contact_name", "contact.name", "Your name", "contact_name"),
        _Field("contact_email", "contact.email", "Your email", "contact_email"),
        _Field("contact_phone", "contact.phone", "Your phone", "contact_phone"),
        _Field("needs", "needs", "What you need help with", f"needs-{first_need}"),
        _Field("notes", "notes", "Anything else we should know", "notes"),
    ]


def _volunteer_fields(first_skill: str) -> list[_Field]:
    return [
        _Field("name", "name", "Your name", "name"),
        _Field("email", "email", "Email", "email"),
        _Field("phone", "phone", "Mobile phone", "phone"),
        _Field("sms_consent", "sms_consent", "Text messages", "sms_consent"),
        _Field("skills", "skills", "What you can help with", f"skills-{first_skill}"),
        _Field("hometown_city", "hometown.city", "City or town where you grew up", "hometown_city"),
        _Field("hometown_state", "hometown.state", "State where you grew up", "hometown_state"),
        _Field(
            "current_city",
            "current_location.city",
            "City or town where you live now",
            "current_city",
        ),
        _Field("current_state", "current_location.state", "State where you live now", "current_state"),
        _Field("current_country", "current_location.country", "Country where you live now", "current_country"),
        _Field("hours_per_week", "hours_per_week", "Hours a week", "hours_per_week"),
        _Field("weeks_available", "weeks_available", "Weeks you can help", "weeks_available"),
    ]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list | tuple):
        return _text(value[0]) if value else ""
    return str(value)


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _messages(value: object) -> list[str]:
    return [value] if isinstance(value, str) else _strings(value)


def _route_errors(fields: list[_Field], errors: Mapping[str, object] | None) -> tuple[dict[str, list[str]], list[str]]:
    """Errors per form field name, and the messages that belong at the top of the page.

    A path is matched exactly, then by its parents ("needs.2" -> "needs"); a path no control
    answers to is shown at the top, so no message is ever dropped.
    """
    by_path = {f.path: f.name for f in fields}
    by_field: dict[str, list[str]] = {}
    top: list[str] = []
    for path, raw in (errors or {}).items():
        messages = [m for m in _messages(raw) if m]
        if not messages:
            continue
        if path == FORM_ERROR:
            top.extend(messages)
            continue
        candidate = path
        while candidate not in by_path and "." in candidate:
            candidate = candidate.rsplit(".", 1)[0]
        if candidate in by_path:
            by_field.setdefault(by_path[candidate], []).extend(messages)
        else:
            top.extend(f"{path}: {m}" for m in messages)
    return by_field, top


def _form_context(
    fields: list[_Field],
    list_fields: frozenset[str],
    values: Mapping[str, object] | None,
    errors: Mapping[str, object] | None,
) -> dict[str, object]:
    values = values or {}
    by_field, top = _route_errors(fields, errors)
    views: dict[str, dict[str, object]] = {}
    summary: list[dict[str, str]] = []
    for f in fields:
        raw = values.get(f.name)
        messages = by_field.get(f.name, [])
        views[f.name] = {
            "name": f.name,
            "id": f.name,
            "label": f.label,
            "value": "" if f.name in list_fields else _text(raw),
            "selected": _strings(raw) if f.name in list_fields else [],
            "errors": messages,
            "error_id": f"{f.name}-error",
            "hint_id": f"{f.name}-hint",
        }
        summary.extend({"href": f"#{f.anchor}", "text": m} for m in messages)  # messages name their field
    return {
        "f": views,
        "form_errors": top,
        "summary": summary,
        "has_errors": bool(top or summary),
    }


def _typical() -> dict[str, int]:
    menu = catalog().menu
    return {
        "hours_min": min(m.hours_per_week for m in menu),
        "hours_max": max(m.hours_per_week for m in menu),
        "weeks_min": min(m.weeks for m in menu),
        "weeks_max": max(m.weeks for m in menu),
    }


def render_campaign_form(values: dict[str, object] | None = None, errors: dict[str, list[str]] | None = None) -> str:
    """The campaign request form, re-filled from `values`, with `errors` beside their fields."""
    groups = _menu_groups()
    menu = catalog().menu
    first_need = next(m.id for c in CATEGORY_LABELS for m in menu if m.category == c)
    context = _form_context(_campaign_fields(first_need), frozenset({"needs"}), values, errors)
    states = sorted(((s.code, s.name) for s in STATES.values()), key=lambda cs: cs[1])
    # One id per rendered form: a double click or a resent form is the same submission.
    submission_id = _text((values or {}).get("submission_id")) or uuid.uuid4().hex
    return _env.get_template("campaign.html").render(
        **context,
        submission_id=submission_id,
        chambers=list(CHAMBER_LABELS.items()),
        states=states,
        menu_groups=groups,
    )


def render_volunteer_form(values: dict[str, object] | None = None, errors: dict[str, list[str]] | None = None) -> str:
    """The volunteer sign-up form, re-filled from `values`, with `errors` beside their fields."""
    skills = catalog().skills
    context = _form_context(_volunteer_fields(skills[0].id), frozenset({"skills"}), values, errors)
    sms_checked = _text((values or {}).get("sms_consent")).strip().lower() in _TRUTHY
    states = sorted(RESIDENCE_STATES.items(), key=lambda cs: cs[1])
    return _env.get_template("volunteer.html").render(
        **context,
        skills=[{"id": s.id, "label": s.label} for s in skills],
        states=states,
        countries=_countries(),
        sms_consent_text=SMS_CONSENT_TEXT,
        sms_checked=sms_checked,
        typical=_typical(),
    )


def _countries() -> list[tuple[str, str]]:
    """(ISO code, name) of the countries Americans abroad may live in, by name; not the US and its
    territories, which are in the state list."""
    return sorted(
        ((code, name) for code, name in countries().items() if code not in ("US", *NON_STATES, "UM")),
        key=lambda cs: cs[1],
    )


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def render_confirmation(kind: Literal["campaign", "volunteer"], details: dict[str, object]) -> str:
    """The page shown after a campaign request or a volunteer sign-up was accepted."""
    if kind == "campaign":
        raw_projects = details.get("projects") or []
        projects = [
            {
                "title": _text(p.get("title")),
                "status": _text(p.get("status")),
                "status_label": _status_label(_text(p.get("status"))),
            }
            for p in (raw_projects if isinstance(raw_projects, list) else [])
            if isinstance(p, Mapping)
        ]
        context: dict[str, object] = {
            "campaign_id": _text(details.get("campaign_id")),
            "project_ids": _strings(details.get("project_ids")),
            "projects": projects,
            "candidate_name": _text(details.get("candidate_name")),
        }
    elif kind == "volunteer":
        context = {
            "volunteer_id": _text(details.get("volunteer_id")),
            "name": _text(details.get("name")),
            "updated": bool(details.get("updated")),
        }
    else:
        raise ValueError(f"unknown confirmation kind {kind!r}")
    return _env.get_template("confirmation.html").render(kind=kind, has_errors=False, **context)


def render_index() -> str:
    """The landing page: two plain links, one for campaigns, one for volunteers."""
    return _env.get_template("index.html").render(has_errors=False)
