"""`tfc report season`: program figures for staff and funders, and a CSV of closed projects.

Reads the running `tfc up`'s table (or a deployed stage's with --stage and AWS credentials)."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

report = typer.Typer(help="Program reports.", no_args_is_help=True)


def _point_at_local() -> None:
    from tfc.remote import point_at_local_runtime

    point_at_local_runtime()


@report.command("season")
def season(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Write one row per closed project here")] = None,
    stage: Annotated[str | None, typer.Option(help="A deployed stage (default: the running `tfc up`)")] = None,
) -> None:
    """Projects completed per category, volunteer hours, campaigns helped, repeat volunteers, median rating."""
    from tfc.remote import NotRunning

    try:
        if stage:
            os.environ["TFC_STAGE"] = stage
        else:
            _point_at_local()
        from services.matching.usecases.season import CSV_FIELDS, season_report
        from shared.storage import main_store

        figures, rows = season_report(main_store())
    except NotRunning as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    if csv_path is not None:
        tmp = csv_path.with_suffix(csv_path.suffix + ".tmp")
        with tmp.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        tmp.replace(csv_path)  # atomically: never a half-written export
    if as_json:
        json.dump(figures, sys.stdout)
        sys.stdout.write("\n")
        return
    for name, value in figures.items():
        typer.echo(f"{name.replace('_', ' ')}: {value}")
