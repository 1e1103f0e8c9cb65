"""Builders of small results and statewide files for the scoring tests."""

from __future__ import annotations

RESULTS_HEADER = (
    "state,chamber,year,district,district_map,dem_votes,rep_votes,other_votes,"
    "winner_party,contested,incumbent_party,incumbent_running\n"
)
STATEWIDE_HEADER = "state,district_map,year,office,district,dem_votes,rep_votes\n"


def result(year: int, district: str, share: float | None, winner: str = "", incumbent: str = "", running=False) -> str:
    """One row; share None = uncontested for `winner`. Votes are share x 10,000."""
    if share is None:
        dem, rep = (10_000, 0) if winner == "D" else (0, 10_000)
    else:
        dem, rep = round(share * 10_000), round((1 - share) * 10_000)
        winner = winner or ("D" if dem > rep else "R")
    contested = "true" if share is not None else "false"
    return f"VA,lower,{year},{district},2011,{dem},{rep},0,{winner},{contested},{incumbent},{str(running).lower()}"


def results_csv(*lines: str) -> str:
    return RESULTS_HEADER + "\n".join(lines) + "\n"


def statewide_csv(*lines: str) -> str:
    return STATEWIDE_HEADER + "\n".join(lines) + "\n"
