"""`tfc volunteers import ROSTER.csv [--dry-run] [--json]`: the program's spreadsheets in.

Every row is checked locally with the sign-up form's rules first; then each valid row goes to
the running system (local `tfc up` or a deployed stage) through the sign-up endpoint, which merges
by email (an existing volunteer's profile is updated). Each row is one transaction on the
server: a refused row writes nothing, and an interrupted import leaves only whole rows, which a
re-run updates rather than duplicates.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

err = Console(stderr=True)
out = Console()
LOOKUP_BATCH = 1000
PARALLEL = 4


def import_roster(
    roster: Annotated[
        Path, typer.Argument(help="CSV with a header row (name, email, skills, home city/state, hours, weeks...)")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and report; change nothing")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"added", "updated", "refused": [{"row", "reason"}]}')
    ] = False,
    api: Annotated[
        str | None, typer.Option("--api", help="API URL of a deployed stage (default: the running `tfc up`)")
    ] = None,
    ops_key: Annotated[
        str | None, typer.Option("--ops-key", help="Ops API key (default: TFC_OPS_KEY or `tfc up`)")
    ] = None,
) -> None:
    """Import volunteers from a spreadsheet: validated like the form, merged by email."""
    from services.intake.domain.roster import RosterError, read_roster
    from tfc.remote import NotRunning, api_client, check

    if not roster.is_file():
        err.print(f"[red]roster: no such file {roster}")
        raise typer.Exit(2)
    try:
        parsed = read_roster(roster.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        err.print(f"[red]roster: not UTF-8 text ({exc.reason}); export the sheet as CSV UTF-8")
        raise typer.Exit(2) from exc
    except RosterError as exc:
        err.print(f"[red]roster: {exc}")
        raise typer.Exit(2) from exc
    try:
        client = api_client(api, ops_key)
    except NotRunning as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    refused = list(parsed.refused)
    added = updated = 0
    with (
        client,
        Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=as_json,
        ) as bar,
    ):
        if dry_run:
            task = bar.add_task("checking", total=len(parsed.valid))
            for start in range(0, len(parsed.valid), LOOKUP_BATCH):
                batch = parsed.valid[start : start + LOOKUP_BATCH]
                known = check(
                    client.post("/console/api/volunteers/known", json={"emails": [s.email for _, s in batch]})
                )["known"]
                updated += sum(known)
                added += len(known) - sum(known)
                bar.advance(task, len(batch))
        else:
            task = bar.add_task("importing", total=len(parsed.valid))

            def send(item: tuple[int, Any]) -> tuple[int, str]:
                row, signup = item
                response = client.post("/volunteers", json=signup.model_dump(mode="json"))
                if response.status_code == 201:
                    return row, "updated" if response.json().get("updated") else "added"
                try:
                    check(response)
                except RuntimeError as exc:
                    return row, str(exc)
                return row, "added"

            # Rows are independent (emails are unique in the file), so a few go at once.
            with ThreadPoolExecutor(PARALLEL) as pool:
                for row, outcome in pool.map(send, parsed.valid):
                    if outcome == "added":
                        added += 1
                    elif outcome == "updated":
                        updated += 1
                    else:
                        refused.append({"row": row, "reason": outcome})
                    bar.advance(task)
    refused.sort(key=lambda r: int(r["row"]))
    report = {"added": added, "updated": updated, "refused": refused}
    if as_json:
        print(json.dumps(report))
        return
    verb = "would be" if dry_run else "were"
    out.print(f"{added} volunteers {verb} added, {updated} {verb} updated, {len(refused)} rows refused.")
    for r in refused:
        out.print(f"  row {r['row']}: {r['reason']}", highlight=False, markup=False)
