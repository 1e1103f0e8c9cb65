"""`tfc`: the project's command line. Local runtime, demo, and staff operations."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from tfc.commands import options, privacy
from tfc.commands.bench import bench
from tfc.commands.dlq import dlq
from tfc.commands.export import export
from tfc.commands.lifecycle import register as register_lifecycle
from tfc.commands.notify import notify
from tfc.commands.ops import ops
from tfc.commands.report import report
from tfc.commands.roster import import_roster
from tfc.commands.score import score

app = typer.Typer(
    help="Tech for Campaigns: the volunteer program's platform.", no_args_is_help=True, add_completion=False
)
projects = typer.Typer(help="Staff operations on projects.", no_args_is_help=True)
volunteers = typer.Typer(help="Staff operations on volunteers.", no_args_is_help=True)
campaigns = typer.Typer(help="Look at campaigns.", no_args_is_help=True)
app.add_typer(projects, name="projects")
app.add_typer(volunteers, name="volunteers")
app.add_typer(campaigns, name="campaigns")
app.add_typer(bench, name="bench")  # command groups beyond these live in tfc/commands/
app.add_typer(score, name="score")
app.add_typer(dlq, name="dlq")
app.add_typer(notify, name="notify")
app.add_typer(report, name="report")
app.add_typer(ops, name="ops")
register_lifecycle(projects)  # tfc projects kickoff|complete|cancel|leave|resume
app.add_typer(export, name="export")
volunteers.command("import")(import_roster)
volunteers.command("export")(privacy.export)  # personal data: a person's data out
volunteers.command("forget")(privacy.forget)  # personal data: and erased, opt-outs kept as hashes

err = Console(stderr=True)
out = Console()

ApiOpt = Annotated[
    str | None, typer.Option("--api", help="API URL of a deployed stage (default: the running `tfc up`)")
]
KeyOpt = Annotated[
    str | None, typer.Option("--ops-key", help="Ops API key (default: TFC_OPS_KEY or the running `tfc up`)")
]


def _log_level(level: str) -> None:
    os.environ["POWERTOOLS_LOG_LEVEL"] = level.upper()


def _check_ops_key(ops_key: str | None) -> None:
    """Refuse, before anything starts, a key the API would refuse (shared/secrets.py's rule)."""
    from shared.secrets import secret_problem

    problem = secret_problem(ops_key) if ops_key is not None else None
    if problem:
        err.print(f"[red]--ops-key (or TFC_OPS_KEY) {problem}: the API would refuse every staff request with it.")
        err.print("Give a longer key, or none and one is generated.")
        raise typer.Exit(2)


@app.command()
def up(
    port: Annotated[int, typer.Option(envvar="PORT", help="HTTP port of the API")] = 8000,
    ops_key: Annotated[str | None, typer.Option(envvar="TFC_OPS_KEY", help="Ops key (default: generated)")] = None,
    auto_approve: Annotated[bool, typer.Option(envvar="TFC_AUTO_APPROVE", help="Approve projects on arrival")] = False,
    results: Annotated[list[Path] | None, typer.Option(help="Election results CSV to score (repeatable)")] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING")] = "INFO",
) -> None:
    """Start the whole system on this machine (embedded AWS emulator); Ctrl-C stops it."""
    _log_level(log_level)
    from tfc.local.runtime import LocalRuntime, RuntimeOptions

    missing = [p for p in results or [] if not p.is_file()]
    if missing:
        err.print(f"[red]results file not found: {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    _check_ops_key(ops_key)
    runtime = LocalRuntime(
        RuntimeOptions(port=port, ops_key=ops_key, auto_approve=auto_approve, results_files=list(results or []))
    )
    try:
        runtime.start()
    except OSError as exc:
        err.print(f"[red]could not start: {exc} (is port {port} in use? try --port)")
        raise typer.Exit(1) from exc
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    err.print(f"[bold green]tfc is up[/] on {runtime.url}  (AWS emulator at {runtime.endpoint})")
    err.print(f"  forms:   {runtime.url}/forms/campaign   {runtime.url}/forms/volunteer")
    err.print(f"  outbox:  {runtime.url}/_local/outbox")
    err.print(f"  ops key: {runtime.ops_key}   (send as x-api-key)")
    err.print("  Ctrl-C to stop")
    stop.wait()
    err.print("stopping...")
    runtime.stop()


@app.command()
def demo(
    volunteers_count: options.Volunteers = 3000,
    campaigns_count: options.Campaigns = 50,
    seed: options.Seed = 7,
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds")] = 1200.0,
    invitation_ttl: options.InvitationTtl = 180,
    simulated_time: Annotated[
        bool,
        typer.Option(
            "--simulated-time/--real-time",
            help="Invitations last 72 h and the clock jumps to the next reminder or expiry when the"
            " system is quiet (default); --real-time waits out --invitation-ttl seconds instead",
        ),
    ] = True,
    as_json: options.Json = False,
) -> None:
    """Run the program end to end on the embedded emulator and report what happened."""
    _log_level("WARNING")
    from tfc.demo.run import DemoOptions, run_demo

    options = DemoOptions(
        volunteers=volunteers_count,
        campaigns=campaigns_count,
        seed=seed,
        port=port,
        timeout_seconds=timeout,
        invitation_ttl_seconds=invitation_ttl,
        simulated_time=simulated_time,
    )
    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=as_json,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            result = run_demo(options, progress)
        except OSError as exc:
            err.print(f"[red]demo could not start: {exc} (is port {port} in use? try --port)")
            raise typer.Exit(1) from exc
    summary = result.to_dict()
    if as_json:
        print(json.dumps(summary))
    else:
        out.print(f"\n[bold]Demo finished in {result.seconds:.0f} s[/]")
        out.print(
            f"  campaigns {result.campaigns}, projects {result.projects}, approved "
            f"{result.projects_approved}, [bold]staffed {result.projects_staffed}[/] "
            f"({result.staffed_fraction:.0%})"
        )
        out.print(
            f"  volunteers {result.volunteers}, invitations {result.invitations}, opt-ins "
            f"{result.opt_ins} (replies: {result.replies_yes} yes, {result.replies_no} no, "
            f"{result.never_answered} never)"
        )
        out.print(
            f"  emails sent {result.emails_sent}, texts sent {result.sms_sent}, dead letters {result.dead_letters}"
        )
    if not result.ok:
        err.print("[red]demo failed:[/] " + "; ".join(result.problems))
        raise typer.Exit(1)


@projects.command("approve")
def approve(project_id: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """Approve a scoped project so matching starts staffing it."""
    from tfc.remote import api_client, check

    with api_client(api, ops_key) as client:
        body = _call(lambda: check(client.post(f"/projects/{project_id}/approve")))
    out.print(f"project {body['project_id']} is now {body['status']}")


@volunteers.command("mark-lead")
def mark_lead(email: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """Mark a volunteer (by email) as a trained team lead."""
    from tfc.remote import api_client, check

    with api_client(api, ops_key) as client:
        body = _call(lambda: check(client.post("/volunteers/lead-trained", json={"email": email})))
    out.print(f"volunteer {body['volunteer_id']} is lead-trained")


@campaigns.command("show")
def show_campaign(campaign_id: str, api: ApiOpt = None, ops_key: KeyOpt = None) -> None:
    """Print a campaign with its projects, their status and teams (JSON)."""
    from tfc.remote import api_client, check

    with api_client(api, ops_key) as client:
        print(json.dumps(_call(lambda: check(client.get(f"/campaigns/{campaign_id}"))), indent=2))


def _call(fn):
    from tfc.remote import NotRunning

    try:
        return fn()
    except (NotRunning, RuntimeError) as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    except OSError as exc:
        err.print(f"[red]could not reach the API: {exc}")
        raise typer.Exit(1) from exc


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
