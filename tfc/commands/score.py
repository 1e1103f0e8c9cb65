"""`tfc score ...`: predict and backtest from local files, or run the scoring function against the
running local system (`tfc up`) or a deployed stage."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

score = typer.Typer(help="District scoring: predict, backtest, run.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)  # file, row and column on one line
out = Console()

ResultsOpt = Annotated[list[Path], typer.Option("--results", help="District results CSV (repeatable)")]
StatewideOpt = Annotated[
    list[Path] | None, typer.Option("--statewide", help="Statewide races by district CSV (repeatable)")
]
StateOpt = Annotated[str, typer.Option("--state", help="Two-letter state code, e.g. VA")]
ChamberOpt = Annotated[str, typer.Option("--chamber", help="lower or upper")]
SwingOpt = Annotated[
    float | None, typer.Option(min=-0.5, max=0.5, help="Statewide environment shift in D share (polls), e.g. 0.02")
]
PriorOpt = Annotated[
    bool, typer.Option("--prior/--no-prior", help="Fundamentals prior on the environment (midterm/off-year penalty)")
]
SwingSdOpt = Annotated[
    float, typer.Option("--swing-sd", min=0.001, max=0.5, help="Uncertainty of --swing, weighed against the prior")
]


def _read(results: list[Path], statewide: list[Path] | None) -> tuple[list[Any], list[Any]]:
    from services.scoring.domain.results import read_results, read_statewide

    missing = [str(p) for p in [*results, *(statewide or [])] if not p.is_file()]
    if missing:
        raise _fail(f"file not found: {', '.join(missing)}")
    warnings: list[str] = []
    rows = [r for p in results for r in read_results(p.read_bytes(), p.name, warnings)]
    sw = [s for p in statewide or [] for s in read_statewide(p.read_bytes(), p.name)]
    for warning in warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    return rows, sw


def _fail(message: str) -> typer.Exit:
    err.print(message, style="red", markup=False, highlight=False)  # file text may hold [brackets]
    return typer.Exit(2)


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
        f.write(text)
    os.chmod(f.name, 0o644)  # a report for staff, not a secret
    os.replace(f.name, path)


@score.command()
def predict(
    results: ResultsOpt,
    state: StateOpt,
    year: Annotated[int, typer.Option(help="Election year to predict (only earlier rows are used)")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the predictions CSV")],
    statewide: StatewideOpt = None,
    chamber: ChamberOpt = "lower",
    swing: SwingOpt = None,
    prior: PriorOpt = False,
    swing_sd: SwingSdOpt = 0.03,
    runs: Annotated[int, typer.Option(min=100, max=1_000_000, help="Simulations")] = 10_000,
    seed: Annotated[int, typer.Option(help="Simulation seed")] = 0,
) -> None:
    """Predict every district of one chamber for YEAR and write one row per district. Calibration
    borrows from every other chamber in the files."""
    from services.scoring.domain.calibration import Pool
    from services.scoring.domain.report import to_csv
    from services.scoring.domain.results import ResultsError
    from services.scoring.domain.scoring import by_chamber, score_chamber

    try:
        rows, sw = _read(results, statewide)
        pool = Pool.build(by_chamber([r for r in rows if r.year < year]), by_chamber(sw))
        scored = score_chamber(
            rows,
            sw,
            state.upper(),
            chamber.lower(),
            year,
            swing=swing,
            runs=runs,
            seed=seed,
            prior=prior,
            swing_sd=swing_sd,
            pool=pool,
        )
    except ResultsError as exc:
        raise _fail(str(exc)) from exc
    _write_atomically(out_path, to_csv(scored.districts))
    s = scored.summary()
    err.print(
        f"{len(scored.districts)} districts -> {out_path}; P(Democratic majority) {s['p_dem_majority']:.1%}, "
        f"D seats {s['dem_seats_mean']} (80% of simulations: {s['dem_seats_p10']:.0f}-{s['dem_seats_p90']:.0f}); "
        f"pooled scales: {', '.join(scored.errors.pooled) or 'none'}",
        markup=False,
        highlight=False,
    )
    if scored.environment is not None and scored.environment.prior is not None:
        err.print(f"prior: {scored.environment.explanation}", markup=False, highlight=False)


@score.command()
def backtest(
    results: ResultsOpt,
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="State(s) to test (repeatable); default all in the files"),
    ] = None,
    year: Annotated[
        list[int] | None, typer.Option(help="Year(s) to test; default every cycle with two earlier ones")
    ] = None,
    statewide: StatewideOpt = None,
    chamber: Annotated[
        list[str] | None, typer.Option("--chamber", help="lower/upper (repeatable); default both")
    ] = None,
    runs: Annotated[int, typer.Option(min=100, max=1_000_000)] = 10_000,
    seed: int = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Train on earlier cycles, predict a later one: the model without and with the fundamentals
    prior beside the previous-share baseline. Calibration borrows from every chamber in the files."""
    from services.scoring.domain import backtest as bt
    from services.scoring.domain.calibration import Pool
    from services.scoring.domain.results import ResultsError
    from services.scoring.domain.scoring import by_chamber, chambers_in

    try:
        rows, sw = _read(results, statewide)
        states = {s.strip().upper() for s in state or []}
        chambers = {c.strip().lower() for c in chamber or []}
        wanted = [
            (st, ch)
            for st, ch in chambers_in(rows)
            if (not states or st in states) and (not chambers or ch in chambers)
        ]
        if not wanted:
            raise ResultsError(f"no results for {' '.join(sorted(states | chambers)) or 'any chamber'} in the files")
        rows_of, sw_of = by_chamber(rows), by_chamber(sw)
        pool = Pool.build(rows_of, sw_of)
        tests = []
        for st, ch in wanted:
            cycles = sorted({r.year for r in rows_of[(st, ch)]})
            years = [y for y in year if y in cycles] if year else cycles[2:]
            for y in years:
                if not any(c < y for c in cycles):
                    continue  # nothing earlier to train on
                tests.append(bt.backtest(rows_of[(st, ch)], sw_of.get((st, ch), []), st, ch, y, runs, seed, pool))
        if not tests:
            asked = f"--year {' '.join(map(str, year))}" if year else "a cycle with two earlier ones"
            raise ResultsError(f"nothing to backtest: no chamber has {asked} and an earlier cycle")
    except ResultsError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        print(json.dumps({"backtests": [t.as_dict() for t in tests]}))
        return
    for t in tests:
        _print_backtest(t, bt.TOP)


def _print_backtest(t: Any, top: int) -> None:
    s, env = t.score, t.score_prior.environment if t.score_prior else None
    pooled = ", ".join(s.errors.pooled) or "none (this chamber's own cycles and the fixed priors)"
    table = Table(
        title=f"{s.state} {s.chamber} {t.year}: trained on {list(s.cycles)}, {t.seats} seats; pooled scales: {pooled}"
    )
    for column in ("", "Brier", "log loss", "accuracy", f"flips in top {top}"):
        table.add_column(column, justify="right")
    named = [
        ("model", t.model),
        ("model + fundamentals prior", t.model_prior),
        ("baseline (previous share)", t.baseline),
    ]
    for name, m in named:
        if m is not None:
            table.add_row(
                name, f"{m.brier:.4f}", f"{m.log_loss:.4f}", f"{m.accuracy:.1%}", f"{m.flips_in_top} of {m.flips}"
            )
    out.print(table)
    if env is not None:
        out.print(f"prior: {env.explanation}", markup=False, highlight=False)
    calibration = Table(title="calibration by bucket: seats, mean P(D win), share Democrats won")
    calibration.add_column("P(D win)", justify="right")
    for name, m in named:
        if m is not None:
            calibration.add_column(name, justify="right")
    buckets = sorted({str(b["bucket"]) for _, m in named if m is not None for b in m.calibration})
    for bucket in buckets:
        cells = []
        for _, m in named:
            if m is None:
                continue
            found = next((b for b in m.calibration if b["bucket"] == bucket), None)
            cells.append(f"{found['seats']}: {found['mean_p']:.3f} / {found['dem_won']:.3f}" if found else "-")
        calibration.add_row(bucket, *cells)
    out.print(calibration)


@score.command("import")
def import_(
    returns: Annotated[Path, typer.Argument(help="Candidate-level returns CSV (OpenElections layout)")],
    state: StateOpt,
    year: Annotated[int, typer.Option(help="Election year of the returns")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the district results CSV")],
    chamber: ChamberOpt = "lower",
    office: Annotated[
        str | None, typer.Option(help="The file's office label, when not a usual one (e.g. 'State Rep')")
    ] = None,
    district_map: Annotated[str, typer.Option("--map", help="District map id to record, e.g. 2022")] = "",
) -> None:
    """Sum candidate-level returns (one row per candidate per county or precinct) into the district
    results file `predict`, `backtest` and `run` read; print what was dropped and why."""
    from services.scoring.domain.results import ResultsError
    from services.scoring.domain.returns import import_returns
    from shared.districts import DistrictError
    from shared.geo import STATES

    code = state.strip().upper()
    if code not in STATES or chamber.lower() not in ("lower", "upper"):
        raise _fail(f"--state must be a state with a legislature and --chamber lower or upper (got {state} {chamber})")
    if not returns.is_file():
        raise _fail(f"file not found: {returns}")
    try:
        imported = import_returns(
            returns.read_bytes(), returns.name, code, chamber.lower(), year, office=office, district_map=district_map
        )
    except (ResultsError, DistrictError) as exc:
        raise _fail(str(exc)) from exc
    _write_atomically(out_path, imported.csv())
    for line in imported.report.lines():
        err.print(line, markup=False, highlight=False)
    err.print(f"{len(imported.rows)} districts -> {out_path}", markup=False, highlight=False)


@score.command("run")
def run(
    state: Annotated[list[str] | None, typer.Option("--state", help="State(s) to score; default all")] = None,
    chamber: Annotated[list[str] | None, typer.Option("--chamber", help="lower/upper; default both")] = None,
    year: Annotated[int | None, typer.Option(help="Election year; default each chamber's next")] = None,
    swing: SwingOpt = None,
    prior: PriorOpt = False,
    swing_sd: SwingSdOpt = 0.03,
    runs: Annotated[int, typer.Option(min=100, max=200_000)] = 10_000,
    results: Annotated[
        list[Path] | None, typer.Option("--results", help="Upload this CSV under results/ first (repeatable)")
    ] = None,
    stage: Annotated[str | None, typer.Option(help="A deployed stage (default: the running `tfc up`)")] = None,
    report: Annotated[Path | None, typer.Option(help="Save the run's HTML report here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Run the scoring function now: locally against `tfc up`, or a deployed stage's Lambda."""
    from shared.ids import new_id

    missing = [str(p) for p in results or [] if not p.is_file()]
    if missing:
        raise _fail(f"file not found: {', '.join(missing)}")
    event = {
        "source": "tfc.cli",
        "state": [s.upper() for s in state or []],
        "chamber": [c.lower() for c in chamber or []],
        "year": year,
        "swing": swing,
        "prior": prior,
        "swing_sd": swing_sd,
        "runs": runs,
        "run_id": new_id("run"),
    }
    try:
        answer, fetch = _invoke_deployed(stage, event, results) if stage else _invoke_local(event, results)
    except Exception as exc:  # a stopped runtime, no credentials, an unreachable endpoint
        raise _fail(f"scoring run failed: {exc}") from exc
    if answer.get("status") == "scored" and report is not None:
        _write_atomically(report, fetch(answer["report_html"]))
    if as_json:
        print(json.dumps(answer))
    elif answer.get("status") == "scored":
        for c in answer["chambers"]:
            out.print(
                f"{c['state']} {c['chamber']} {c['year']}: {c['districts']} districts, P(Democratic majority) "
                f"{c['p_dem_majority']:.1%}, D seats {c['dem_seats_mean']}; pooled scales: "
                f"{', '.join(c.get('pooled_scales') or []) or 'none'}",
                markup=False,
                highlight=False,
            )
            environment = c.get("environment") or {}
            if environment.get("prior_mean") is not None:
                out.print(f"  prior: {environment['explanation']}", markup=False, highlight=False)
        out.print(f"run {answer['run_id']}: report s3://{answer['bucket']}/{answer['report_html']}")
    if not as_json:
        for warning in answer.get("warnings", []):
            err.print(f"warning: {warning}", markup=False, highlight=False)
        for refused in answer.get("refused_files", []):
            err.print(
                f"refused {refused['file']} (moved to rejected/, report beside it):\n{refused['reason']}",
                markup=False,
                highlight=False,
            )
        if report is not None:
            out.print(f"report saved to {report}")
    if answer.get("status") != "scored":
        err.print(f"scoring {answer.get('status')}: {answer.get('error', 'no results files')}", markup=False)
        raise typer.Exit(1)


def _invoke_local(event: dict[str, Any], results: list[Path] | None) -> tuple[dict[str, Any], Any]:
    """Call the declared handler in this process against the running emulator, as the local
    runtime's scheduler would (moto cannot run Lambda code)."""
    from shared.resources import RESOURCES
    from tfc.local.invoke import invoke
    from tfc.remote import point_at_local_runtime

    state = point_at_local_runtime({"POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING")})
    from shared.aws import client
    from shared.settings import get_settings

    bucket = get_settings().bucket("data")
    s3 = client("s3")
    for path in results or []:
        s3.put_object(Bucket=bucket, Key=f"results/{path.name}", Body=path.read_bytes())
    answer = invoke(RESOURCES.function("scoring-run"), event, state["region"])

    def fetch(key: str) -> str:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")

    return answer, fetch


def _invoke_deployed(stage: str, event: dict[str, Any], results: list[Path] | None) -> tuple[dict[str, Any], Any]:
    import boto3

    from shared.resources import physical_name

    session = boto3.session.Session()
    s3 = session.client("s3")
    bucket = physical_name(stage, "data")
    for path in results or []:
        s3.put_object(Bucket=bucket, Key=f"results/{path.name}", Body=path.read_bytes())
    response = session.client("lambda").invoke(
        FunctionName=physical_name(stage, "scoring-run"), Payload=json.dumps(event).encode()
    )
    answer = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError"):
        answer = {"status": "failed", "error": answer.get("errorMessage", "the function failed")}

    def fetch(key: str) -> str:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")

    return answer, fetch
