"""Unsubscribe links (RFC 8058): a GET only shows a confirm page (link scanners follow GETs); a
POST, from the page's button or a mail client's one-click, unsubscribes."""

from __future__ import annotations

import re

from chalice import Blueprint, Response

from services.intake.parsing import CONTENT_TYPES, body
from services.intake.responses import RequestRefused, page, refuse
from shared.models import utcnow
from shared.observability import get_logger
from shared.secrets import MissingSecret, get_secret
from shared.storage import main_store
from shared.storage.contact import contact_state
from shared.unsubscribe import BadUnsubscribeToken
from shared.unsubscribe import apply as apply_unsubscribe

bp = Blueprint(__name__)
logger = get_logger("intake")
_TOKEN = re.compile(r"[a-z2-7]{42}")  # the shape of shared/unsubscribe.py's tokens (base32)
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem;">
<h1>{title}</h1><p>{text}</p>{form}</body></html>"""


def _page(status: int, title: str, text: str, form: str = "") -> Response:
    return page(status, _PAGE.format(title=title, text=text, form=form))


def _not_recognised() -> Response:
    return _page(404, "Link not recognised", "This unsubscribe link is not valid.")


@bp.route("/unsubscribe/{token}", methods=["GET"])
def unsubscribe_confirm(token: str) -> Response:
    """Link scanners follow GETs: this page changes nothing and asks for a click."""
    if not _TOKEN.fullmatch(token or ""):
        return _not_recognised()
    return _page(
        200,
        "Unsubscribe from Tech for Campaigns emails?",
        "You will get no more emails from us, including invitations to volunteer.",
        '<form method="post"><button type="submit">Unsubscribe</button></form>',
    )


@bp.route("/unsubscribe/{token}", methods=["POST"], content_types=CONTENT_TYPES)
def unsubscribe(token: str) -> Response:
    """One click (RFC 8058 `List-Unsubscribe=One-Click`) or the confirm page's button."""
    try:
        body(bp.current_request)
        key = get_secret("reply-token-key").encode()
        added = apply_unsubscribe(token, key, contact_state(), main_store().volunteers, utcnow())
    except RequestRefused as refused:
        return refused.response
    except BadUnsubscribeToken:
        return _not_recognised()
    except MissingSecret as missing:
        return refuse(503, "unsubscribe", f"is not configured: {missing.what}")
    logger.info("unsubscribed", extra={"new": added})
    return _page(200, "You're unsubscribed", "You will get no more emails from Tech for Campaigns.")
