"""`tfc export campaigns|projects|volunteers|invitations --out FILE.csv`: the console's CSV
downloads, fetched from the running system (local `tfc up` or a deployed stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from services.intake.console.exports import KINDS

export = typer.Typer(help="Export records as CSV (Google Sheets and Parsons ready).", no_args_is_help=True)
err = Console(stderr=True)


def _command(kind: str) -> None:
    def run(
        out: Annotated[Path, typer.Option("--out", help="Where to write the CSV")],
        api: Annotated[str | None, typer.Option("--api", help="API URL of a deployed stage")] = None,
        ops_key: Annotated[str | None, typer.Option("--ops-key", help="Ops API key")] = None,
        bom: Annotated[bool, typer.Option(help="Begin with a UTF-8 BOM (for Excel on Windows)")] = True,
    ) -> None:
        from tfc.remote import NotRunning, api_client

        try:
            client = api_client(api, ops_key)
        except NotRunning as exc:
            err.print(f"[red]{exc}")
            raise typer.Exit(1) from exc
        with client:
            response = client.get(f"/console/export/{kind}.csv", params={} if bom else {"bom": "0"})
        if response.status_code != 200 or not response.headers.get("content-type", "").startswith("text/csv"):
            err.print(f"[red]export failed: HTTP {response.status_code} {response.text[:300]}")
            raise typer.Exit(1)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(response.content)
        tmp.replace(out)  # never a half-written file at --out
        rows = max(response.text.count("\r\n") - 1, 0)
        err.print(f"{rows} {kind} written to {out}")

    run.__doc__ = f"Export every {kind[:-1]} as one CSV row."
    export.command(kind)(run)


for _kind in KINDS:
    _command(_kind)
