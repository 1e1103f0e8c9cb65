"""A person's data out (export) and erased (forget), for staff answering a request; behind the ops
key. The email travels in the body, never a URL (URLs reach access logs)."""

from __future__ import annotations

from chalice import Blueprint, Response

from services.intake.auth import ops_only
from services.intake.parsing import CONTENT_TYPES, request_object
from services.intake.responses import RequestRefused, json_response, refuse
from shared.models import utcnow
from shared.observability import get_logger
from shared.storage import main_store

bp = Blueprint(__name__)
ops = ops_only(bp)
logger = get_logger("intake")


def _email() -> str:
    """The person's email from the body, normalised. RequestRefused (413/422) otherwise."""
    email = request_object(bp.current_request).get("email")
    if not isinstance(email, str) or "@" not in email:
        raise RequestRefused(refuse(422, "email", "is required: the person's email address"))
    return email.strip().lower()


@bp.route("/volunteers/export", methods=["POST"], content_types=CONTENT_TYPES)
@ops
def export_volunteer_data() -> Response:
    from services.intake.usecases.privacy import export_person  # reads S3: loaded only by this ops route

    try:
        data = export_person(main_store(), _email())
    except RequestRefused as refused:
        return refused.response
    if data is None:
        return refuse(404, "email", "no volunteer with this address")
    logger.info("volunteer data exported", extra={"volunteer_id": data["volunteer"]["volunteer_id"]})
    return json_response(200, data)


@bp.route("/volunteers/forget", methods=["POST"], content_types=CONTENT_TYPES)
@ops
def forget_volunteer_data() -> Response:
    from services.intake.usecases.privacy import forget_person

    try:
        erased = forget_person(main_store(), _email(), utcnow())
    except RequestRefused as refused:
        return refused.response
    if erased is None:
        return refuse(404, "email", "no volunteer with this address")
    logger.info("volunteer forgotten", extra={"erased": erased})
    return json_response(200, {"forgotten": True, "erased": erased, "opt_outs_kept_as_hashes": True})
