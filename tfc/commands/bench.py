"""`tfc bench ...`: benchmarks that print one JSON object each (logic in bench/)."""

from __future__ import annotations

import typer

bench = typer.Typer(help="Benchmarks: each prints one JSON object.", no_args_is_help=True)
