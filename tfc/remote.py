"""How the CLI reaches a running system: the local runtime's state file, or a deployed stage's
API URL and ops key (TFC_API_URL / TFC_OPS_KEY, or --api / --ops-key)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx

from shared import caches
from tfc import retrying
from tfc.local.runtime import STATE_FILE


class NotRunning(RuntimeError):
    pass


def api_client(api: str | None = None, ops_key: str | None = None) -> httpx.Client:
    """A client that retries 429/5xx idempotently (tfc/retrying.py)."""
    url = api or os.environ.get("TFC_API_URL")
    key = ops_key or os.environ.get("TFC_OPS_KEY")
    if not url or not key:
        state = _state()
        url = url or state["api"]
        key = key or state["ops_key"]
    return retrying.client(url.rstrip("/"), headers={"x-api-key": key}, timeout=30)


def _state(path: Path = STATE_FILE) -> dict[str, Any]:
    if not path.exists():
        raise NotRunning(
            "no running system found: start one with `tfc up`, or give --api and "
            "--ops-key (or TFC_API_URL and TFC_OPS_KEY) for a deployed stage"
        )
    return json.loads(path.read_text())


def point_at_local_runtime(extra: dict[str, str] | None = None) -> dict[str, Any]:
    """Make this process's AWS clients talk to the running `tfc up` emulator (for commands that
    call a handler or read the table in-process, as the runtime's own scheduler does)."""
    state = _state()
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": state["endpoint"],
            "AWS_ENDPOINT_URL_DYNAMODB": state["dynamodb_endpoint"],
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_REGION": state["region"],
            "AWS_DEFAULT_REGION": state["region"],
            "TFC_STAGE": state["stage"],
        }
        | (extra or {})
    )
    caches.reset()
    return state


def check(response: httpx.Response) -> dict[str, Any]:
    """The JSON body, or an error that quotes the API's own field messages."""
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.is_success:
        return body
    messages = "; ".join(f"{e['field']}: {e['message']}" for e in body.get("errors", [])) or response.text
    raise RuntimeError(f"HTTP {response.status_code}: {messages}")
