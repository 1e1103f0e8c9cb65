"""The fundamentals prior on the environment: the target year's statewide swing from a public,
documented regularity, the president's party losing ground in midterms and off-year elections.

Every election year is either a presidential year (no penalty) or a midterm / off-year, in which
the president's party's share moves against it by the historical mean penalty `p` with spread
`s` (their mean and sample standard deviation over the midterms in `fundamentals.toml`). In D
two-party share, a year's penalty term is

    pen(y) = 0 in a presidential year, else -p under a Democratic president and +p under a Republican

A forecast moves every district from the latest training cycle L's environment to the target
year Y's, so the prior on the swing is

    mean   = pen(Y) - pen(L) = c * p     c in {-2, -1, 0, 1, 2}: how many penalties the swing holds
    sd     = |c| * s / sqrt(n)           the prior's own uncertainty: that of its estimate of p,
                                         from n midterms (0 when the penalties cancel: c = 0)
    spread = s * sqrt(k)                 how far realised penalties stray from p; k of Y and L
                                         are not presidential years

With the prior on, the calibrated statewide error is measured on misses net of the prior
(calibration.py), so it already holds how far realised penalties stray; `sd` is added on top, in
quadrature, so the prior widens the statewide error whenever it moves the forecast. `spread` is
the prior's weight against a staff-given swing (polls) in `environment`. Off-year elections
(Virginia and New Jersey in odd years) are assumed to carry the midterm penalty: the table has no
separate off-year history. Data and sources: `fundamentals.toml`.
"""

from __future__ import annotations

import math
import statistics
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from services.scoring.domain.results import ResultsError

TABLE = Path(__file__).with_name("fundamentals.toml")
DEFAULT_SWING_SD = 0.03  # assumed uncertainty of a staff-given swing (polls) when none is given


@dataclass(frozen=True)
class EnvironmentPrior:
    """The prior on the swing from `latest_year` to `target_year`, in D two-party share."""

    target_year: int
    latest_year: int
    mean: float
    sd: float  # of the mean penalty: the prior's own uncertainty
    spread: float  # of one year's realised penalties around the mean
    explanation: str

    @property
    def informative(self) -> bool:
        """False between two presidential years: the regularity says nothing then."""
        return self.spread > 0


@dataclass(frozen=True)
class Environment:
    """What a forecast uses: the swing added to every district and the extra statewide error
    (combined in quadrature with the calibrated scale). `prior` is None when it was off."""

    swing: float
    extra_sd: float
    prior: EnvironmentPrior | None
    explanation: str

    def as_dict(self) -> dict[str, object]:
        return {
            "swing": round(self.swing, 4),
            "extra_sd": round(self.extra_sd, 4),
            "prior_mean": round(self.prior.mean, 4) if self.prior else None,
            "prior_sd": round(self.prior.sd, 4) if self.prior else None,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Fundamentals:
    presidency: dict[int, str]  # election year -> "D" / "R"
    penalties: tuple[tuple[int, float], ...]  # (midterm year, the president's party's loss in share)

    @property
    def penalty_mean(self) -> float:
        return statistics.fmean(p for _, p in self.penalties)

    @property
    def penalty_sd(self) -> float:
        return statistics.stdev(p for _, p in self.penalties)

    def term(self, year: int) -> tuple[float, bool]:
        """(pen(year), whether the year carries a penalty). Raises ResultsError for a year the
        table has no president for."""
        if year % 4 == 0:
            return 0.0, False
        party = self.presidency.get(year)
        if party is None:
            known = f"{min(self.presidency)}-{max(self.presidency)}"
            raise ResultsError(
                f"the fundamentals prior knows who held the presidency in {known} only, not in {year}; "
                f"add the term to {TABLE.name} or run without --prior"
            )
        return (-self.penalty_mean if party == "D" else self.penalty_mean), True

    def prior(self, target_year: int, latest_year: int) -> EnvironmentPrior:
        target, target_penalized = self.term(target_year)
        latest, latest_penalized = self.term(latest_year)
        terms = int(target_penalized) + int(latest_penalized)
        mean = target - latest
        count = round(mean / self.penalty_mean) if self.penalty_mean else 0  # c above
        spread = self.penalty_sd * math.sqrt(terms)
        sd = abs(count) * self.penalty_sd / math.sqrt(len(self.penalties))

        def say(year: int, value: float, penalized: bool) -> str:
            if not penalized:
                return f"{year} a presidential year (0)"
            return f"{year} a midterm/off-year under a {self.presidency[year]} president ({value:+.3f})"

        explanation = (
            f"fundamentals prior {mean:+.3f} (its own sd {sd:.3f}): {say(target_year, target, target_penalized)} "
            f"minus {say(latest_year, latest, latest_penalized)}; penalty {self.penalty_mean:.3f} +/- "
            f"{self.penalty_sd:.3f} from {len(self.penalties)} midterms"
        )
        return EnvironmentPrior(target_year, latest_year, mean, sd, spread, explanation)

    def cycle_prior_mean(self, year: int, latest_year: int) -> float:
        """The prior's mean for a calibration cycle; 0 for a year outside the table."""
        try:
            return self.prior(year, latest_year).mean
        except ResultsError:
            return 0.0


@cache
def load(path: Path = TABLE) -> Fundamentals:
    """The shipped table (see the module docstring). Raises ValueError when it is malformed."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    presidency: dict[int, str] = {}
    for row in data["presidency"]:
        if row["party"] not in ("D", "R"):
            raise ValueError(f"{path.name}: presidency party must be D or R, not {row['party']!r}")
        for year in range(int(row["from"]), int(row["to"]) + 1):
            presidency[year] = row["party"]
    penalties = []
    for row in data["midterm"]:
        year = int(row["year"])
        change = float(row["dem_share"]) - float(row["dem_share_previous_presidential"])
        penalties.append((year, -change if presidency[year] == "D" else change))
    if len(penalties) < 2:
        raise ValueError(f"{path.name}: the penalty's spread needs at least two midterms")
    return Fundamentals(presidency, tuple(penalties))


def environment(
    target_year: int,
    latest_year: int,
    use_prior: bool,
    swing: float | None,
    swing_sd: float = DEFAULT_SWING_SD,
    table: Fundamentals | None = None,
) -> Environment:
    """The swing and extra statewide error for a forecast.

    - no prior: the staff's `swing` (0 without one) as given, no extra error (as before);
    - prior alone: its mean, and its own sd added to the statewide error;
    - prior and `swing`: their precision-weighted mean, the prior weighted by its spread and the
      swing by `swing_sd` (the polls' uncertainty), and the prior's own sd still added.
    An uninformative prior (two presidential years) leaves the swing as given.
    Raises ResultsError for a year the table has no president for, ValueError for swing_sd <= 0.
    """
    if not use_prior:
        return Environment(swing or 0.0, 0.0, None, f"swing {swing or 0.0:+.3f} (no prior)")
    prior = (table or load()).prior(target_year, latest_year)
    if not prior.informative:
        return Environment(swing or 0.0, 0.0, prior, f"{prior.explanation}; swing {swing or 0.0:+.3f} as given")
    if swing is None:
        return Environment(prior.mean, prior.sd, prior, prior.explanation)
    if swing_sd <= 0:
        raise ValueError("swing_sd must be above 0")
    w_prior, w_swing = 1 / prior.spread**2, 1 / swing_sd**2
    mean = (w_prior * prior.mean + w_swing * swing) / (w_prior + w_swing)
    return Environment(
        mean,
        prior.sd,
        prior,
        f"{prior.explanation}; combined with --swing {swing:+.3f} (sd {swing_sd:.3f}) against the prior's spread "
        f"{prior.spread:.3f}: {mean:+.3f}",
    )
