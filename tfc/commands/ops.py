"""`tfc ops recount`: upkeep of a stage's derived records (the running `tfc up`, or a deployed
stage with --stage and AWS credentials)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

ops = typer.Typer(help="Upkeep of a stage's derived records.", no_args_is_help=True)


@ops.command("recount")
def recount(
    stage: Annotated[str | None, typer.Option(help="A deployed stage (default: the running `tfc up`)")] = None,
    backfill: Annotated[
        bool, typer.Option(help="Also give older campaigns and volunteers the console's list keys")
    ] = True,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the recount; write nothing")] = False,
) -> None:
    """Recompute the pipeline's counters from the projects (gsi3 Queries, no Scan) and store them;
    print the counters before and after as one JSON object. Run it while the stage is quiet: a
    move counted while it runs is overwritten."""
    from tfc.remote import NotRunning, point_at_local_runtime

    try:
        if stage:
            os.environ["TFC_STAGE"] = stage
        else:
            point_at_local_runtime()
        from services.intake.usecases.recount import recount_pipeline
        from shared.storage import main_store

        result = recount_pipeline(main_store(), backfill=backfill, write=not dry_run)
    except NotRunning as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(result.as_json(), sort_keys=True))
