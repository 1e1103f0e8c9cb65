"""`tfc volunteers export EMAIL` and `tfc volunteers forget EMAIL`: a person's data out, or erased
(opt-outs kept as hashes), through the ops API of the running `tfc up` or a deployed stage."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tfc.remote import api_client, check


def export(
    email: str,
    api: Annotated[str | None, typer.Option(help="API URL (default: the running tfc up)")] = None,
    ops_key: Annotated[str | None, typer.Option(help="Ops key (default: the running tfc up's)")] = None,
) -> None:
    """Print everything stored about the volunteer with this address, as JSON."""
    with api_client(api, ops_key) as client:
        print(json.dumps(check(client.post("/volunteers/export", json={"email": email})), indent=2))


def forget(
    email: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    api: Annotated[str | None, typer.Option(help="API URL (default: the running tfc up)")] = None,
    ops_key: Annotated[str | None, typer.Option(help="Ops key (default: the running tfc up's)")] = None,
) -> None:
    """Erase the volunteer everywhere they are stored; their opt-outs stay, as hashes."""
    if not yes:
        typer.confirm(f"Erase every record of {email}? This cannot be undone", abort=True)
    with api_client(api, ops_key) as client:
        print(json.dumps(check(client.post("/volunteers/forget", json={"email": email}))))
