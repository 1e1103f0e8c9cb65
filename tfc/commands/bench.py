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
