"""`tfc volunteers import ROSTER.csv [--dry-run] [--clear-blank] [--json]`: the program's spreadsheets in.

Every row is read locally first (columns mapped from the exports organisers have, skills
resolved, values checked with the sign-up form's rules); then the rows go to the running system
(local `tfc up` or a deployed stage) through the ops import endpoint, which merges each row into
the profile with the same email: only what the row gives changes, everything else stored is
kept. Each row is one transaction on the server: a refused row writes nothing, and an
interrupted import leaves only whole rows, which a re-run finds unchanged.
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
BATCH = 50  # the endpoint's limit per request (services/intake/routes/ops.py ROSTER_BATCH)
PARALLEL = 4


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path.name}: not UTF-8 text (byte {exc.start}: {exc.reason}); export the sheet as 'CSV UTF-8'"
        ) from exc


def import_roster(
    roster: Annotated[
        Path,
        typer.Argument(
            help="CSV with a header row: email plus any of name, phone, skills, home/current city and "
            "state, hours, weeks (Google Forms, Action Network, Mobilize and VAN column names work)"
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and show what would change; change nothing")
    ] = False,
    clear_blank: Annotated[
        bool,
        typer.Option(
            "--clear-blank",
            help="Blank cells in phone, SMS consent and current city/state columns clear the stored value "
            "(default: a blank cell, like a missing column, keeps it)",
        ),
    ] = False,
    send_confirmation: Annotated[
        bool,
        typer.Option(
            "--send-confirmation",
            help="Email new people the sign-up's confirmation link: they join only when they press it "
            "(default: staff vouch for every row, and new people are added confirmed)",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print {"file", "added", "updated", "unchanged", "rows": [{"row", "status", "changes"}], '
            '"refused": [{"file", "row", "column", "reason"}], "columns": {...}}',
        ),
    ] = False,
    api: Annotated[
        str | None, typer.Option("--api", help="API URL of a deployed stage (default: the running `tfc up`)")
    ] = None,
    ops_key: Annotated[
        str | None, typer.Option("--ops-key", help="Ops API key (default: TFC_OPS_KEY or `tfc up`)")
    ] = None,
) -> None:
    """Import volunteers from a spreadsheet: merged by email, never erasing what a row leaves out."""
    from services.intake.domain.roster import RosterError, read_roster
    from tfc.remote import NotRunning, api_client, check

    if not roster.is_file():
        err.print(f"[red]roster: no such file {roster}")
        raise typer.Exit(2)
    try:
        parsed = read_roster(_decode(roster), file=roster.name, clear_blank=clear_blank)
    except (ValueError, RosterError) as exc:
        err.print(f"[red]roster: {roster.name}: {exc}" if isinstance(exc, RosterError) else f"[red]roster: {exc}")
        raise typer.Exit(2) from exc
    try:
        client = api_client(api, ops_key)
    except NotRunning as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    refused = list(parsed.refused)
    done: list[dict[str, Any]] = []
    batches = [parsed.rows[i : i + BATCH] for i in range(0, len(parsed.rows), BATCH)]

    def send(batch: list[Any]) -> list[dict[str, Any]]:
        body = {
            "dry_run": dry_run,
            "send_confirmation": send_confirmation,
            "rows": [{"row": r.row, "patch": r.patch.model_dump(mode="json", exclude_unset=True)} for r in batch],
        }
        try:
            return check(client.post("/volunteers/import", json=body))["results"]
        except (RuntimeError, ValueError, KeyError) as exc:  # the whole batch failed: say so per row
            return [
                {"row": r.row, "status": "refused", "errors": [{"field": "row", "message": str(exc)}]} for r in batch
            ]

    with (
        client,
        Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("checking" if dry_run else "importing", total=len(parsed.rows))
        # Rows are independent (emails are unique in the file), so a few batches go at once.
        with ThreadPoolExecutor(PARALLEL) as pool:
            for results in pool.map(send, batches):
                for result in results:
                    if result["status"] == "refused":
                        for e in result.get("errors", []):
                            parsed.refuse(int(result["row"]), e["field"], e["message"])
                    else:
                        done.append({k: result[k] for k in ("row", "status", "changes")})
                bar.advance(task, len(results))
    refused = sorted(parsed.refused, key=lambda r: int(r["row"]))
    done.sort(key=lambda r: int(r["row"]))
    counts = {s: sum(r["status"] == s for r in done) for s in ("added", "confirmation_sent", "updated", "unchanged")}
    report = {
        "file": parsed.file,
        "dry_run": dry_run,
        **counts,
        "rows": done,
        "refused": refused,
        "columns": {
            "mapped": parsed.header.names,
            "not_imported": parsed.header.not_imported,
            "unknown": parsed.header.unknown,
        },
    }
    if as_json:
        print(json.dumps(report))
    else:
        _print(report)


def _print(report: dict[str, Any]) -> None:
    verb = "would be" if report["dry_run"] else "were"
    columns = report["columns"]
    if columns["unknown"]:
        out.print(f"Unknown columns, not imported: {', '.join(columns['unknown'])}", highlight=False, markup=False)
    if columns["not_imported"]:
        out.print(
            f"Columns a profile does not hold, not imported: {', '.join(columns['not_imported'])}",
            highlight=False,
            markup=False,
        )
    for r in report["rows"]:
        if r["status"] == "unchanged":
            continue
        out.print(
            f"row {r['row']}: {r['status'] if r['status'] != 'added' else 'new volunteer'}",
            highlight=False,
            markup=False,
        )
        for c in r["changes"]:
            if r["status"] == "updated":
                out.print(f"  {c['field']}: {_text(c['from'])} -> {_text(c['to'])}", highlight=False, markup=False)
            else:
                out.print(f"  {c['field']}: {_text(c['to'])}", highlight=False, markup=False)
    out.print(
        f"{report['added']} volunteers {verb} added, {report['updated']} {verb} updated, "
        f"{report['unchanged']} unchanged, {len(report['refused'])} rows refused.",
        highlight=False,
    )
    for r in report["refused"]:
        out.print(f"  {r['file']} row {r['row']}, column {r['column']}: {r['reason']}", highlight=False, markup=False)


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)
