"""Benchmark: score a synthetic national set of state legislative districts (both chambers of
every state, about 7,000 districts, four cycles of history each) with 10,000 simulations per
chamber, in one process as the scoring Lambda would. Reports seconds and peak memory."""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

from services.scoring.domain.results import read_results
from services.scoring.domain.scoring import by_chamber, score_chamber
from shared.geo import STATES
from tfc.demo.synthetic import election_results

YEARS = (2018, 2020, 2022, 2024)


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def synthetic_files(seed: int) -> dict[str, str]:
    files = {}
    for code, state in sorted(STATES.items()):
        for chamber, count in (("lower", state.lower), ("upper", state.upper)):
            if count:
                files[f"{code}_{chamber}.csv"] = election_results(seed, code, chamber, districts=count, years=YEARS)
    return files


def run(seed: int = 7, runs: int = 10_000) -> dict[str, Any]:
    started = time.perf_counter()
    files = synthetic_files(seed)
    generated = time.perf_counter() - started
    rss_before = _peak_rss_mb()
    t0 = time.perf_counter()
    results = [r for name, text in files.items() for r in read_results(text, name)]
    read_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    groups = by_chamber(results)
    chambers = [
        score_chamber(rows, [], state, chamber, 2026, runs=runs, seed=seed)
        for (state, chamber), rows in sorted(groups.items())
    ]
    score_s = time.perf_counter() - t1
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
        "seconds_generate_input": round(generated, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "peak_rss_mb_before_scoring": round(rss_before, 1),
        "target": {"seconds": 5.0, "peak_rss_mb": 512},
        "ok": read_s + score_s <= 5.0 and _peak_rss_mb() <= 512,
    }
