"""Synthetic election results: simulated from scratch, matching only the real files' columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from random import Random

from shared.geo import STATES
from tfc.demo.synthetic.people import person

ELECTION_RESULTS_HEADER: tuple[str, ...] = (
    "state", "chamber", "year", "district", "district_map", "dem_votes", "rep_votes",
    "other_votes", "writein_votes", "total_votes", "dem_share_2party", "winner_party",
    "winner_name", "contested", "dem_candidate", "rep_candidate", "incumbent_party",
    "incumbent_running", "prev_winner_party", "source", "notes",
)  # fmt: skip


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _candidate(rng: Random, party: str, votes: int, incumbent: tuple[str, str], running: bool) -> str:
    """The party's nominee: the sitting member if running, else a fresh name; '' if none."""
    if votes == 0:
        return ""
    return incumbent[1] if running and incumbent[0] == party else person(rng)[0]


def election_results(
    seed: int,
    state: str = "VA",
    chamber: str = "lower",
    districts: int = 100,
    years: Sequence[int] = (2019, 2021, 2023),
) -> str:
    """CSV text, one row per district per year, with the columns of the real results files.

    Each district has a latent Democratic lean ~ N(0.47, 0.15); every cycle adds one statewide
    swing plus local noise and an incumbency bonus. Lopsided seats are often uncontested.
    """
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    if chamber not in ("lower", "upper"):
        raise ValueError("chamber must be 'lower' or 'upper'")
    count = STATES[state].lower if chamber == "lower" else STATES[state].upper
    if count is None or not 1 <= districts <= count:
        raise ValueError(f"{state} {chamber} has {count} districts; cannot make {districts}")
    cycles = sorted(years)
    if not cycles or len(set(cycles)) != len(cycles):
        raise ValueError("years must be non-empty and distinct")

    rng = Random(f"elections:{seed}:{state}:{chamber}")
    lean = [_clip(rng.gauss(0.47, 0.15), 0.05, 0.95) for _ in range(districts)]
    turnout = [rng.uniform(11_000, 30_000) for _ in range(districts)]
    holder = [("D" if lean[d] + rng.gauss(0, 0.05) > 0.5 else "R", person(rng)[0]) for d in range(districts)]
    prev_winner: list[str] = [""] * districts

    buf = io.StringIO()
    writer = csv.writer(buf)  # default \r\n line ends, like the real files
    writer.writerow(ELECTION_RESULTS_HEADER)
    for year in cycles:
        swing = rng.gauss(0, 0.035)
        year_turnout = rng.uniform(0.8, 1.2)
        for d in range(districts):
            inc_party = holder[d][0]
            running = rng.random() < 0.85  # the rest retire or lose a primary
            bonus = (0.03 if inc_party == "D" else -0.03) if running else 0.0
            expected = lean[d] + swing + bonus + rng.gauss(0, 0.025)
            p_uncontested = _clip(0.06 + 2.2 * abs(expected - 0.5), 0.03, 0.95)
            contested = rng.random() >= p_uncontested
            two_party = round(turnout[d] * year_turnout * rng.uniform(0.9, 1.1))
            if contested:
                dem = round(two_party * _clip(expected, 0.02, 0.98))
                rep = two_party - dem
                if dem == rep:  # no ties: real ones are settled by lot, not worth simulating
                    dem += 1
            else:
                alone = inc_party if running else ("D" if expected > 0.5 else "R")
                if not running and rng.random() < 0.05:
                    alone = "R" if alone == "D" else "D"  # the favoured party failed to file
                votes = round(two_party * 0.8)  # no race: some voters skip the line
                dem, rep = (votes, 0) if alone == "D" else (0, votes)
            other = round((dem + rep) * rng.uniform(0.01, 0.06)) if rng.random() < 0.15 else 0
            dem_name = _candidate(rng, "D", dem, holder[d], running)
            rep_name = _candidate(rng, "R", rep, holder[d], running)
            other_name = person(rng)[0] if other else ""
            winner, winner_name = max((dem, "D", dem_name), (rep, "R", rep_name), (other, "O", other_name))[1:]
            writer.writerow(
                [
                    state, chamber, year, d + 1, cycles[0], dem, rep, other, "",
                    dem + rep + other, f"{dem / (dem + rep):.4f}", winner, winner_name,
                    _flag(dem > 0 and rep > 0), dem_name, rep_name, inc_party, _flag(running),
                    prev_winner[d], "synthetic", "",
                ]
            )  # fmt: skip
            if winner != inc_party or not running:
                holder[d] = (winner, winner_name)
            prev_winner[d] = winner
    return buf.getvalue()
