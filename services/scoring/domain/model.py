"""A first, simple district model (the scoring issue replaces it with a calibrated simulation).

Expected Democratic two-party share: the mean of the district's contested results, with an
uncontested seat counted as a 30/70 lean toward its winner rather than 0% or 100%. Win
probability: Normal CDF of (share - 0.5) / SD with SD = 0.06 (typical cycle-to-cycle miss).
Target score = 4 p (1 - p): 1 for a toss-up, near 0 for a safe seat.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from services.scoring.domain.results import DistrictResult

UNCONTESTED_LEAN = 0.30
SD = 0.06


@dataclass(frozen=True)
class Scored:
    state: str
    chamber: str
    district: str
    year: int
    dem_share: float
    p_dem_win: float
    target_score: float
    target_rank: int


def _share(result: DistrictResult) -> float:
    if result.contested and result.dem_share is not None:
        return result.dem_share
    return 1 - UNCONTESTED_LEAN if result.winner_party == "D" else UNCONTESTED_LEAN


def score(results: list[DistrictResult]) -> list[Scored]:
    by_district: dict[tuple[str, str, str], list[DistrictResult]] = defaultdict(list)
    for r in results:
        by_district[(r.state, r.chamber, r.district)].append(r)
    scored = []
    for (state, chamber, district), rows in by_district.items():
        share = sum(_share(r) for r in rows) / len(rows)
        p = 0.5 * (1 + math.erf((share - 0.5) / (SD * math.sqrt(2))))
        scored.append((state, chamber, district, max(r.year for r in rows), share, p, 4 * p * (1 - p)))
    scored.sort(key=lambda s: (-s[6], s[0], s[1], s[2]))
    return [
        Scored(s[0], s[1], s[2], s[3], round(s[4], 4), round(s[5], 4), round(s[6], 4), rank)
        for rank, s in enumerate(scored, start=1)
    ]
