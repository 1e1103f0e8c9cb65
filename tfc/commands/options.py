"""Options the demo and the benches share, declared once: the synthetic scenario (volunteers,
campaigns, seed, compressed invitation time) and the JSON switch. Each command gives its own
default (a bench's scale is not the demo's); name, help and bounds live here."""

from __future__ import annotations

from typing import Annotated

import typer

Volunteers = Annotated[int, typer.Option("--volunteers", min=10, help="Volunteers in the synthetic pool")]
Campaigns = Annotated[int, typer.Option("--campaigns", min=1, help="Campaign requests sent")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the synthetic pool, requests and answers")]
InvitationTtl = Annotated[
    int, typer.Option("--invitation-ttl", min=5, help="Seconds an invitation stays open (compressed time)")
]
Json = Annotated[bool, typer.Option("--json/--no-json", help="Print one JSON object (the only output on stdout)")]
