"""Intake's HTTP API (a chalice app): the public forms and endpoints, the ops routes and the staff
console, one blueprint per area (routes/, console/).

Thin by design: every route parses the request (parsing.py), calls a use case (usecases.py) and
answers (responses.py). Refusals are {"errors": [{"field", "message"}]} with 422 (413 for an
oversized body, 401/403 for ops routes without a valid x-api-key, auth.py). Form posts get the
form back with messages beside the fields.
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Response

from services.intake import forms
from services.intake.console import data as console_data
from services.intake.console import people as console_people
from services.intake.console import routes as console_routes
from services.intake.console import season as console_season
from services.intake.formdata import FormError, form_values, parse_form
from services.intake.parsing import content_type, raw_body
from services.intake.responses import FORM, error, page, refusal
from services.intake.routes import ops, personal_data, public, selfservice, unsubscribe
from shared.observability import RedactPersonalData

app = Chalice(app_name="tfc-intake")
for blueprint in (public.bp, unsubscribe.bp, ops.bp, personal_data.bp, selfservice.bp):
    app.register_blueprint(blueprint)
for blueprint in (console_routes.bp, console_people.bp, console_data.bp, console_season.bp):
    app.register_blueprint(blueprint)  # the staff console's pages under /console
app.log.addFilter(RedactPersonalData())  # chalice logs an unhandled error's traceback here
RETRY_AFTER_SECONDS = 2
_FORMS = {"/campaigns": forms.render_campaign_form, "/volunteers": forms.render_volunteer_form}


@app.middleware("http")
def _retry_later(event: Any, get_response: Any) -> Response:
    """An error nothing handled (an AWS call that failed after botocore's own retries, a timeout)
    becomes 503 with Retry-After instead of chalice's bare 500: the request may be repeated, and
    repeating it is safe (campaigns are stored once per Idempotency-Key or form submission id;
    approvals, sign-ups and the ops routes act on business keys). A form post gets its form back
    with the same submission id, so pressing submit again cannot store it twice."""
    response = get_response(event)
    if response.status_code != 500:
        return response
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = "could not be saved just now (nothing was stored twice): please send it again in a moment"
    render = _FORMS.get(event.path)
    if render is not None and event.method == "POST" and content_type(event) == FORM:
        try:
            values = form_values(parse_form(raw_body(event)))
        except FormError:
            values = {}
        return page(503, render(values, {"_form": [f"Your form {message}."]}), headers)
    return refusal(503, [error("request", f"the request {message}")], headers)


def answer_head_like_get(target: Chalice) -> None:
    """HEAD works wherever GET does (RFC 9110 9.3.2): each GET route also answers HEAD, through
    the same view (same checks, same status and headers) with the body dropped by
    `_head_has_no_body`. Registered as routes, so infra/ gives API Gateway a HEAD method for each."""
    for path, methods in list(target.routes.items()):
        get = methods.get("GET")
        if get is not None and "HEAD" not in methods:
            target.route(path, methods=["HEAD"], content_types=get.content_types)(get.view_function)


@app.middleware("http")
def _head_has_no_body(event: Any, get_response: Any) -> Response:
    response = get_response(event)
    if event.method == "HEAD":
        response.body = ""
    return response


answer_head_like_get(app)  # last: after every blueprint's routes are registered
