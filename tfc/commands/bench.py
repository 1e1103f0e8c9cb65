"""`tfc bench ...`: benchmarks that print one JSON object each (logic in bench/)."""

from __future__ import annotations

import typer

bench = typer.Typer(help="Benchmarks: each prints one JSON object.", no_args_is_help=True)


# --- notify (issue 4) -------------------------------------------------------------------------


@bench.command("replies")
def bench_replies(rounds: int = typer.Option(50, help="Passes over the reply corpus.")) -> None:
    """Reply reading (MIME parse, quote cut, intent) over tests/fixtures/replies."""
    import json

    from bench.replies import run

    typer.echo(json.dumps(run(rounds)))
