"""The console's data pages and downloads: district scores, CSV exports (also `tfc export`, with
the ops key instead of a session) and the roster import's lookup of known emails (ops key only).
A chalice blueprint mounted by app.py."""

from __future__ import annotations

import json

from chalice import Blueprint, Response

from services.intake.auth import holds_ops_key, ops_only
from services.intake.console import exports, views
from services.intake.console.web import logger, render, staff_route, staff_session
from services.intake.parsing import query, raw_body
from services.intake.responses import JSON, csv_download, json_response, refuse
from services.intake.usecases import known_emails
from shared.storage import main_store

bp = Blueprint(__name__)
MAX_LOOKUP = 1000  # emails per known-volunteers request: one roster file's rows, well under the body limit


@bp.route("/console/districts", methods=["GET"])
@staff_route
def districts_page() -> Response:
    key, sid = staff_session(bp.current_request)
    state = query(bp.current_request, "state").upper()[:2]
    chamber = query(bp.current_request, "chamber")
    chamber = chamber if chamber in ("lower", "upper") else ""
    run, every = views.districts(main_store())
    rows = [r for r in every if (not state or r.state == state) and (not chamber or r.chamber == chamber)]
    return render(
        200,
        "districts",
        key,
        sid,
        run=run,
        rows=rows,
        state=state,
        chamber=chamber,
        states=sorted({r.state for r in every}),
        chart_rows=40,
    )


@bp.route("/console/exports", methods=["GET"])
@staff_route
def exports_page() -> Response:
    key, sid = staff_session(bp.current_request)
    return render(200, "exports", key, sid, kinds=exports.KINDS)


@bp.route("/console/export/{name}", methods=["GET"])
@staff_route
def export_csv(name: str) -> Response:
    """A logged-in member's download, or `tfc export`'s with the ops key. UTF-8 with a BOM unless
    `?bom=0`."""
    if not holds_ops_key(bp.current_request.headers):
        staff_session(bp.current_request)
    kind = name.removesuffix(".csv")
    if kind not in exports.KINDS:
        return refuse(404, "kind", f"must be one of {', '.join(exports.KINDS)}")
    # A byte-order mark by default (Excel on Windows); ?bom=0 for tools that dislike one.
    bom = query(bp.current_request, "bom") != "0"
    body = exports.to_csv(kind, views.export_rows(main_store(), kind), bom=bom)
    logger.info("export", extra={"kind": kind})
    return csv_download(f"tfc-{kind}.csv", body)


@bp.route("/console/api/volunteers/known", methods=["POST"], content_types=[JSON])
@ops_only(bp)
def known_volunteers() -> Response:
    """{"emails": [...]} -> {"known": [bool, ...]}: which of these emails already belong to a
    volunteer (the import's dry run). Emails travel in the body, never a URL."""
    try:
        emails = json.loads(raw_body(bp.current_request) or b"{}").get("emails")
    except (ValueError, AttributeError):
        emails = None
    if not isinstance(emails, list) or len(emails) > MAX_LOOKUP or not all(isinstance(e, str) for e in emails):
        return refuse(422, "emails", f"must be a list of at most {MAX_LOOKUP} strings")
    return json_response(200, {"known": known_emails(main_store(), emails)})
