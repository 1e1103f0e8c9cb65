"""`tfc bench ...`: benchmarks that print one JSON object each (logic in bench/)."""

from __future__ import annotations

import typer

bench = typer.Typer(help="Benchmarks: each prints one JSON object.", no_args_is_help=True)


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
