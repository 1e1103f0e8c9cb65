"""`tfc bench ...`: benchmarks that print one JSON object each (logic in bench/)."""

from __future__ import annotations

import typer

from tfc.commands import options

bench = typer.Typer(help="Benchmarks: each prints one JSON object.", no_args_is_help=True)


# --- scoring ---------------------------------------------------------------------------


@bench.command("scoring")
def bench_scoring(
    seed: options.Seed = 7,
    runs: int = typer.Option(10_000, min=100, help="Simulations per chamber"),
    as_json: options.Json = False,
) -> None:
    """Score ~6,700 synthetic districts (both chambers of every state); seconds and peak memory."""
    import json

    from bench.scoring import run

    result = run(seed=seed, runs=runs)
    print(json.dumps(result) if as_json else json.dumps(result, indent=2))


# --- the staff console at a season's size (issue 16) ----------------------------------------------
@bench.command("console")
def bench_console(
    campaigns: int = typer.Option(500, min=1, help="Campaigns to load (about two projects each, every status)"),
    volunteers: options.Volunteers = 15_000,
    seed: options.Seed = 7,
    repeats: int = typer.Option(20, min=1, help="Requests of each page (p50/p95 over them)"),
    as_json: options.Json = False,
) -> None:
    """Time every console page and list over HTTP; DynamoDB calls per page (no Scan)."""
    import json
    import os

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    from bench.console import run

    result = run(campaigns, volunteers, seed, repeats)
    print(json.dumps(result) if as_json else json.dumps(result, indent=2))


# --- packages (infra issue): sizes of the Lambda packages and layers, handler import times ------
@bench.command("packages")
def bench_packages(
    repeats: int = typer.Option(3, min=1, help="Fresh interpreters per handler (the median is reported)"),
    as_json: options.Json = True,
) -> None:
    """Build every function's package and report zipped size and handler import time."""
    import json

    from bench.packages import run

    print(json.dumps(run(repeats), indent=None if as_json else 2))


# --- costs (infra issue): call counts per project from a demo run, priced per season -------------
@bench.command("costs")
def bench_costs(
    campaigns: options.Campaigns = 20,
    volunteers: options.Volunteers = 1200,
    seed: options.Seed = 7,
    port: int = typer.Option(0, help="HTTP port of the demo's API (0: any free port)"),
) -> None:
    """Count every AWS call of a demo run per project and price a season at 50 and 500 projects."""
    import json
    import os

    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    from bench.costs import run

    print(json.dumps(run(campaigns, volunteers, seed, port)))


# --- notify --------------------------------------------------------------------------------


@bench.command("replies")
def bench_replies(rounds: int = typer.Option(50, help="Passes over the reply corpus.")) -> None:
    """Reply reading (MIME parse, quote cut, intent) over tests/fixtures/replies."""
    import json

    from bench.replies import run

    typer.echo(json.dumps(run(rounds)))


@bench.command("emulator")
def bench_emulator(calls: int = typer.Option(300, help="Calls of each kind.")) -> None:
    """Milliseconds per DynamoDB call on the embedded emulator (bounds the demo's throughput)."""
    import json

    from bench.emulator import run

    typer.echo(json.dumps(run(calls)))


# --- matching ------------------------------------------------------------------------------


@bench.command("matching")
def bench_matching(
    volunteers: options.Volunteers = 15000,
    projects: int = typer.Option(500, min=1, help="Open projects competing for them"),
    seed: options.Seed = 1,
    exact: bool = typer.Option(True, help="Also solve the wave exactly (HiGHS LP; about a minute, 2 GB)"),
    storage_volunteers: int = typer.Option(3000, min=0, help="Pool for the storage-call count (moto)"),
    storage_projects: int = typer.Option(100, min=0, help="Projects for the storage-call count (0: skip)"),
    json_out: options.Json = False,
) -> None:
    """One full wave: time, memory, objective vs the exact optimum, fairness, storage calls."""
    import json

    from bench.matching import run

    result = run(volunteers, projects, seed, exact, storage_volunteers, storage_projects)
    typer.echo(json.dumps(result) if json_out else json.dumps(result, indent=2))


@bench.command("season")
def bench_season(
    volunteers: options.Volunteers = 15000,
    projects: int = typer.Option(500, min=1, help="Projects approved over the season"),
    seed: options.Seed = 1,
    yes: float = typer.Option(0.30, min=0.0, max=1.0, help="Share of invitations answered yes"),
    no: float = typer.Option(0.20, min=0.0, max=1.0, help="Share answered no (the rest stay silent)"),
    wave_hours: float = typer.Option(6.0, min=0.05, help="Hours between waves (simulated)"),
    json_out: options.Json = False,
) -> None:
    """500 projects through waves with a seeded acceptance model: how many get staffed, how fast."""
    import json

    from bench.season import simulate

    if yes + no > 1.0:
        raise typer.BadParameter("--yes plus --no must be at most 1", param_hint="--no")
    result = simulate(volunteers, projects, seed, yes=yes, no=no, wave_hours=wave_hours)
    typer.echo(json.dumps(result) if json_out else json.dumps(result, indent=2))


# --- chaos: the demo scenario with and without injected faults, checked on invariants ----
@bench.command("chaos")
def bench_chaos(
    volunteers: options.Volunteers = 400,
    campaigns: options.Campaigns = 4,
    seed: options.Seed = 7,
    invitation_ttl: options.InvitationTtl = 30,
    scale: float = typer.Option(1.0, min=0.0, help="Multiplies every fault rate"),
    time_scale: float = typer.Option(
        0.1, min=0.01, max=1.0, help="Compresses every function and visibility timeout by this factor"
    ),
    timeout: float = typer.Option(300.0, min=30.0, help="Seconds of each run's faulty phase, at most"),
    heal_timeout: float = typer.Option(240.0, min=30.0, help="Seconds of each run's heal and redrive, at most"),
    settle: float = typer.Option(20.0, min=1.0, help="Stop waiting for staffing after this long without progress"),
    clean: bool = typer.Option(True, "--clean/--no-clean", help="Also run without faults and compare"),
    steady: bool = typer.Option(True, "--steady/--no-steady", help="Also run the steady low-rate plan, never healed"),
    enforce_targets: bool = typer.Option(
        True, "--enforce-targets/--report-targets", help="Exit 1 when a working-through-faults target is missed"
    ),
    as_on_main: bool = typer.Option(
        False,
        "--as-before-issue-20",
        help="Refused calls fail outright, 2 s visibility for every queue, no faults at the API (to compare)",
    ),
    as_json: options.Json = True,
) -> None:
    """Seeded fault injection through the local runtime; exits 1 when an invariant is broken or a
    target is missed (at least 80% of the clean run's staffing while faults are on, at most 1 dead
    letter per 1,000 messages; the steady low rate: everything staffed, no dead letter)."""
    import contextlib
    import json
    import os
    import sys

    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    from bench.chaos import ChaosOptions, run

    options = ChaosOptions(
        volunteers=volunteers,
        campaigns=campaigns,
        seed=seed,
        invitation_ttl_seconds=invitation_ttl,
        timeout_seconds=timeout,
        heal_timeout_seconds=heal_timeout,
        settle_seconds=settle,
        time_scale=1.0 if as_on_main else time_scale,
        visibility_timeout=2 if as_on_main else None,
        http_faults=not as_on_main,
    )
    # Chalice and Powertools write their log lines to stdout (CloudWatch's input in AWS): here they go
    # to stderr, so that stdout is the one JSON object.
    with contextlib.redirect_stdout(sys.stderr):
        result = run(options, scale=scale, clean=clean, steady=steady, exhausted=as_on_main)
    print(json.dumps(result, indent=None if as_json else 2))
    missed = enforce_targets and not result["targets_met"]
    raise typer.Exit(0 if result["ok"] and not missed else 1)


# --- pipeline: campaigns and volunteers through the whole local runtime ------------------
@bench.command("pipeline")
def bench_pipeline(
    campaigns: options.Campaigns = 500,
    volunteers: options.Volunteers = 15000,
    seed: options.Seed = 7,
    invitation_ttl: options.InvitationTtl = 60,
    settle: float = typer.Option(120.0, min=5.0, help="Stop after this long without a newly staffed project"),
    timeout: float = typer.Option(1800.0, min=30.0),
    simulated_time: bool = typer.Option(
        False,
        "--simulated-time/--real-time",
        help="Move the clock to the next reminder or expiry when the system is quiet (tfc/local/simtime.py);"
        " give --invitation-ttl 259200 for invitations' real 72 h",
    ),
    as_json: options.Json = True,
) -> None:
    """Throughput, approval-to-first-invitation p50/p95, AWS calls per staffed project, zero lost."""
    import json
    import os

    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    from bench.pipeline import run

    result = run(campaigns, volunteers, seed, invitation_ttl, settle, timeout, simulated_time)
    print(json.dumps(result, indent=None if as_json else 2))
    raise typer.Exit(0 if result["zero_lost"] else 1)
