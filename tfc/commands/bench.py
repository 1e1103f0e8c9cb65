"""`tfc bench ...`: benchmarks that print one JSON object each (logic in bench/)."""

from __future__ import annotations

import typer

bench = typer.Typer(help="Benchmarks: each prints one JSON object.", no_args_is_help=True)


# --- scoring (issue 5) ---------------------------------------------------------------------


@bench.command("scoring")
def bench_scoring(
    seed: int = 7,
    runs: int = typer.Option(10_000, min=100, help="Simulations per chamber"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (the only output)"),
) -> None:
    """Score ~6,700 synthetic districts (both chambers of every state); seconds and peak memory."""
    import json

    from bench.scoring import run

    result = run(seed=seed, runs=runs)
    print(json.dumps(result) if as_json else json.dumps(result, indent=2))


# --- packages (infra issue): sizes of the Lambda packages and layers, handler import times ------
@bench.command("packages")
def bench_packages(
    repeats: int = typer.Option(3, min=1, help="Fresh interpreters per handler (the median is reported)"),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Print one JSON object"),
) -> None:
    """Build every function's package and report zipped size and handler import time."""
    import json

    from bench.packages import run

    print(json.dumps(run(repeats), indent=None if as_json else 2))


# --- costs (infra issue): call counts per project from a demo run, priced per season -------------
@bench.command("costs")
def bench_costs(
    campaigns: int = typer.Option(20, min=1),
    volunteers: int = typer.Option(1200, min=10),
    seed: int = typer.Option(7),
    port: int = typer.Option(0, help="HTTP port of the demo's API (0: any free port)"),
) -> None:
    """Count every AWS call of a demo run per project and price a season at 50 and 500 projects."""
    import json
    import os

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    from bench.costs import run

    print(json.dumps(run(campaigns, volunteers, seed, port)))


# --- notify (issue 4) -------------------------------------------------------------------------


@bench.command("replies")
def bench_replies(rounds: int = typer.Option(50, help="Passes over the reply corpus.")) -> None:
    """Reply reading (MIME parse, quote cut, intent) over tests/fixtures/replies."""
    import json

    from bench.replies import run

    typer.echo(json.dumps(run(rounds)))
