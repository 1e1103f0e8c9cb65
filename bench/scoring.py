"""Benchmark: score a synthetic national set of state legislative districts (both chambers of
every state, about 7,000 districts, four cycles of history each) with 10,000 simulations per
chamber, in one process as the scoring Lambda would (calibration pooled over every chamber).
Reports wall and CPU seconds (CPU time is what to compare on a loaded machine) and peak memory."""

from __future__ import annotations

import csv
import io
import resource
import sys
import time
from typing import Any

from services.scoring.domain.calibration import Pool
from services.scoring.domain.results import read_results
from services.scoring.domain.scoring import by_chamber, score_chamber
from shared.districts import districts_of
from shared.geo import STATES, Chamber
from tfc.demo.synthetic import election_results

YEARS = (2018, 2020, 2022, 2024)
# 1.5 x the CPU time main's code took before pooled calibration (median of five runs: 2.86 s,
# README "Performance"); memory target from issue 19.
CPU_TARGET_S = 4.3
RSS_TARGET_MB = 256


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _named(text: str, names: list[str]) -> str:
    """The generator numbers districts 1..n; lettered and named chambers (the Alaska Senate,
    Minnesota's House, Massachusetts, New Hampshire, Vermont) need their own ids, or the reader
    rightly refuses the file."""
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("district")
    for row in rows[1:]:
        row[column] = names[int(row[column]) - 1]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def synthetic_files(seed: int) -> dict[str, str]:
    files = {}
    for code, state in sorted(STATES.items()):
        chambers: tuple[tuple[Chamber, int | None], ...] = (("lower", state.lower), ("upper", state.upper))
        for chamber, count in chambers:
            if count:
                text = election_results(seed, code, chamber, districts=count, years=YEARS)
                names = districts_of(code, chamber)
                files[f"{code}_{chamber}.csv"] = text if names[:2] == ["1", "2"] else _named(text, names)
    return files


def run(seed: int = 7, runs: int = 10_000) -> dict[str, Any]:
    started = time.perf_counter()
    files = synthetic_files(seed)
    generated = time.perf_counter() - started
    rss_before = _peak_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    results = [r for name, text in files.items() for r in read_results(text, name)]
    read_s, read_cpu = time.perf_counter() - t0, time.process_time() - c0
    t1, c1 = time.perf_counter(), time.process_time()
    groups = by_chamber(results)
    pool = Pool.build(groups, {})
    chambers = [
        score_chamber(rows, [], state, chamber, 2026, runs=runs, seed=seed, pool=pool)
        for (state, chamber), rows in sorted(groups.items())
    ]
    score_s, score_cpu = time.perf_counter() - t1, time.process_time() - c1
    districts = sum(len(c.districts) for c in chambers)
    return {
        "benchmark": "scoring",
        "chambers": len(chambers),
        "districts": districts,
        "history_rows": len(results),
        "runs_per_chamber": runs,
        "seconds": round(read_s + score_s, 3),
        "seconds_read": round(read_s, 3),
        "seconds_score": round(score_s, 3),
        "cpu_seconds": round(read_cpu + score_cpu, 3),
        "cpu_seconds_read": round(read_cpu, 3),
        "cpu_seconds_score": round(score_cpu, 3),
        "pooled_chambers": sum(1 for c in chambers if c.errors.pooled),
        "seconds_generate_input": round(generated, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "peak_rss_mb_before_scoring": round(rss_before, 1),
        "target": {"cpu_seconds": CPU_TARGET_S, "peak_rss_mb": RSS_TARGET_MB},
        "ok": read_cpu + score_cpu <= CPU_TARGET_S and _peak_rss_mb() <= RSS_TARGET_MB,
    }
