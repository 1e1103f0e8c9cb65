"""Reading a request at intake's edge: its content type, body (size-limited), JSON object, form or
JSON model, correlation id and idempotency key. A request that cannot be read raises
responses.RequestRefused carrying the refusal (413, 415 or 422, naming the field), so routes read
straight through and catch once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from chalice.app import Request
from pydantic import BaseModel, ValidationError

from services.intake import forms
from services.intake.domain.requests import CampaignRequest, field_errors
from services.intake.formdata import FormError, form_values, parse_form, submission_id, to_contract
from services.intake.responses import FORM, JSON, FieldErrors, RequestRefused, page, refusal, refuse
from shared.observability import new_correlation_id
from shared.settings import get_settings

# Accepted so that a wrong body gets our own clear 415/422 rather than a bare gateway error.
CONTENT_TYPES = [
    JSON,
    FORM,
    "text/plain",
    "multipart/form-data",
    "application/xml",
    "text/xml",
    "application/octet-stream",
    "*/*",  # any other type too: chalice's own 415 names no field (found by tests/aws/test_abuse.py)
]
_CORRELATION = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,128}$")
M = TypeVar("M", bound=BaseModel)


def raw_body(request: Request) -> bytes:
    """The body as sent (chalice types it str | bytes; API Gateway's proxy events give bytes)."""
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def query(request: Request, name: str) -> str:
    """A query parameter's (last) value, "" when absent."""
    params: Mapping[str, str] = request.query_params or {}
    return params.get(name) or ""


def correlation_id(request: Request) -> str:
    """The caller's x-correlation-id when well-formed, else API Gateway's request id, else new."""
    header = request.headers.get("x-correlation-id", "")
    if _CORRELATION.match(header):
        return header
    context = request.context or {}
    return context.get("requestId") or new_correlation_id()


def content_type(request: Request) -> str:
    """The media type without parameters, lower-cased ("" when none was sent)."""
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def body(request: Request) -> bytes:
    """The raw body. RequestRefused (413) above settings.max_body_bytes."""
    raw = raw_body(request)
    limit = get_settings().max_body_bytes
    if len(raw) > limit:
        raise RequestRefused(refuse(413, "body", f"The request is larger than {limit} bytes"))
    return raw


def json_object(raw: bytes) -> dict[str, Any]:
    """`raw` parsed as one JSON object. RequestRefused (422, field "body") otherwise."""
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (ValueError, RecursionError) as exc:
        raise RequestRefused(refuse(422, "body", _json_problem(exc))) from exc
    if not isinstance(data, dict):
        raise RequestRefused(refuse(422, "body", "The request body must be a JSON object ({...})"))
    return data


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"The request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    return "The request body is not valid JSON (too deeply nested or not UTF-8)"


def request_object(request: Request) -> dict[str, Any]:
    """The body as one JSON object (size-checked). RequestRefused (413/422) otherwise."""
    return json_object(body(request))


def wants_html(request: Request) -> bool:
    """A browser's form post (answered with a page) rather than a client asking for JSON."""
    accept = request.headers.get("accept", "")
    return content_type(request) == FORM and not (JSON in accept and "text/html" not in accept)


def parse_submission(request: Request, model: type[M], mapping: dict[str, str]) -> tuple[M, str | None]:
    """A form or JSON body validated as `model`, and its idempotency key: the form's submission
    id, or the client's Idempotency-Key header. RequestRefused: 415 (another content type), 413, 422
    (field errors; a browser's form post gets its form back with the messages beside the fields)."""
    ctype = content_type(request)
    if ctype not in (JSON, FORM):
        raise RequestRefused(
            refuse(
                415, "content-type", f"The request must be sent as {JSON} or {FORM}, not {ctype or 'without a type'}"
            )
        )
    raw = body(request)
    values = None
    key = _IDEMPOTENCY_KEY.match(request.headers.get("idempotency-key", ""))
    idempotency_key = key.group(0) if key else None
    try:
        if ctype == FORM:
            fields = parse_form(raw)
            values = form_values(fields)
            data = to_contract(fields, mapping)
            idempotency_key = submission_id(fields) or idempotency_key
        else:
            data = json_object(raw)
        return model.model_validate(data), idempotency_key
    except FormError as exc:
        raise RequestRefused(_refuse_form(request, model, exc.errors, values)) from exc
    except ValidationError as exc:
        raise RequestRefused(_refuse_form(request, model, field_errors(exc), values)) from exc


def _refuse_form(request: Request, model: type, errors: FieldErrors, values: dict[str, Any] | None) -> Any:
    if values is None or not wants_html(request):
        return refusal(422, errors)
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(e["field"] if e["field"] != "body" else "_form", []).append(e["message"])
    render = forms.render_campaign_form if model is CampaignRequest else forms.render_volunteer_form
    return page(422, render(values, by_field))
