"""`tfc projects kickoff|complete|cancel|leave|resume|follow-on`: staff moves a project through its life.

Each posts to the ops API (`POST /projects/{id}/lifecycle`); matching applies it from its queue,
so the answer is "queued" and `tfc campaigns show` shows the result a moment later."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)
ApiOpt = Annotated[
    str | None, typer.Option("--api", help="API URL of a deployed stage (default: the running `tfc up`)")
]
KeyOpt = Annotated[
    str | None, typer.Option("--ops-key", help="Ops API key (default: TFC_OPS_KEY or the running `tfc up`)")
]


def _post(project_id: str, body: dict[str, Any], api: str | None, ops_key: str | None) -> None:
    from tfc.remote import NotRunning, api_client, check

    try:
        with api_client(api, ops_key) as client:
            answer = check(client.post(f"/projects/{project_id}/lifecycle", json=body))
    except (NotRunning, RuntimeError, OSError) as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    out.print(f"project {answer['project_id']}: {answer['action']} queued")


def kickoff(
    project_id: str,
    at: Annotated[datetime | None, typer.Option(help="Kickoff time, ISO with zone (default: now)")] = None,
    api: ApiOpt = None,
    ops_key: KeyOpt = None,
) -> None:
    """staffed -> active; the phase end is fixed now: kickoff + weeks, at most 8."""
    body: dict[str, Any] = {"action": "kickoff"}
    if at is not None:
        if at.tzinfo is None:
            err.print("[red]--at: needs a time zone, e.g. 2026-03-02T15:00:00+00:00")
            raise typer.Exit(2)
        body["kickoff_at"] = at.isoformat()
    _post(project_id, body, api, ops_key)


def complete(project_id: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """active -> done before the phase end; every member is released."""
    _post(project_id, {"action": "complete"}, api, ops_key)


def cancel(
    project_id: str,
    reason: Annotated[str, typer.Option(help="Why (told to the team and the campaign)")] = "",
    api: ApiOpt = None,
    ops_key: KeyOpt = None,
) -> None:
    """Any open status -> cancelled; every member is released, pending invitations withdrawn."""
    _post(project_id, {"action": "cancel", "reason": reason}, api, ops_key)


def leave(project_id: str, volunteer_id: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """Take a volunteer off a team: the seat reopens (a lead leaving needs staff)."""
    _post(project_id, {"action": "leave", "volunteer_id": volunteer_id}, api, ops_key)


def resume(project_id: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """needs_attention -> matching (a seat is empty) or back to active/staffed."""
    _post(project_id, {"action": "resume"}, api, ops_key)


def follow_on(project_id: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """After a done project: a new phase, linked to it, offered first to the same team."""
    _post(project_id, {"action": "follow_on"}, api, ops_key)


def register(projects: typer.Typer) -> None:
    for command in (kickoff, complete, cancel, leave, resume, follow_on):
        projects.command(command.__name__.replace("_", "-"))(command)
