"""The OpenAPI 3.1 description of the public API (GET /openapi.json), built from the same pydantic
models that validate requests, so it cannot drift from what the API accepts."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from services.intake.domain.requests import CampaignRequest, VolunteerSignup

_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        }
    },
}


def _refusal(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


_REFUSALS = {
    "413": _refusal("The body is larger than 64 KB"),
    "415": _refusal("Neither JSON nor a form body"),
    "422": _refusal("A field is missing or invalid; each error names it"),
    "429": _refusal("Too many requests (API Gateway throttling)"),
}


def _json_get(summary: str) -> dict[str, Any]:
    return {
        "get": {"summary": summary, "responses": {"200": {"description": "OK", "content": {"application/json": {}}}}}
    }


def _html_get(summary: str) -> dict[str, Any]:
    return {
        "get": {"summary": summary, "responses": {"200": {"description": "An HTML page", "content": {"text/html": {}}}}}
    }


def _create(model: str, summary: str) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "pattern": "^[!-~]{8,128}$"},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
            },
            "responses": {"200": {"description": "Updated"}, "201": {"description": "Stored"}} | _REFUSALS,
        }
    }


@cache
def openapi() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(CampaignRequest, "validation"), (VolunteerSignup, "validation")], ref_template="#/components/schemas/{model}"
    )
    token = [{"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 512}}]
    unsubscribe_responses = {"200": {"description": "A page"}, "404": {"description": "A forged or unknown link"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tech for Campaigns: public API",
            "version": "1",
            "description": "Campaign requests and volunteer sign-ups (JSON or the forms' urlencoded bodies), the "
            "menu, and one-click unsubscribe. Staff routes need x-api-key and are not part of this description.",
        },
        "paths": {
            "/health": _json_get("Liveness"),
            "/menu": _json_get("The project menu"),
            "/skills": _json_get("The skills taxonomy"),
            "/categories": _json_get("Project categories"),
            "/forms/campaign": _html_get("The campaign request form"),
            "/forms/volunteer": _html_get("The volunteer sign-up form"),
            "/campaigns": _create("CampaignRequest", "Request help for a campaign"),
            "/volunteers": {
                "post": _create("VolunteerSignup", "Sign up as a volunteer")["post"]
                | {
                    "description": "Nothing is stored or changed until the owner of the address presses the "
                    "button of the emailed link (a known address gets a link to review the changes). The "
                    "answer is the same whether or not the address is known.",
                    "responses": {"202": {"description": "Check your inbox"}} | _REFUSALS,
                }
            },
            "/unsubscribe/{token}": {
                "get": {
                    "summary": "Confirm page (never unsubscribes)",
                    "parameters": token,
                    "responses": unsubscribe_responses,
                },
                "post": {
                    "summary": "One-click unsubscribe (RFC 8058)",
                    "parameters": token,
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"type": "object", "properties": {"List-Unsubscribe": {"const": "One-Click"}}}
                            }
                        },
                    },
                    "responses": unsubscribe_responses | {"415": _REFUSALS["415"]},
                },
            },
        },
        "components": {"schemas": schemas.get("$defs", {}) | {"Errors": _ERRORS}},
    }
