"""Read the two input schemas of `../shared/data/elections/`, refusing malformed files with a message
that names the file, the row and the column:

- district results (one row per district per year: votes, winner, contested, incumbency);
- statewide races tabulated by district (`va_statewide_by_hd_*`: one row per race per district).

`read_any` tells them apart by their header, so both can live under `results/` in the data bucket.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

REQUIRED = (
    "state",
    "chamber",
    "year",
    "district",
    "dem_votes",
    "rep_votes",
    "other_votes",
    "winner_party",
    "contested",
    "incumbent_party",
    "incumbent_running",
)
STATEWIDE_REQUIRED = ("state", "district_map", "year", "office", "district", "dem_votes", "rep_votes")
PARTIES = ("D", "R", "O")


class ResultsError(ValueError):
    pass


@dataclass(frozen=True)
class DistrictResult:
    state: str
    chamber: str
    year: int
    district: str
    district_map: str
    dem_votes: int
    rep_votes: int
    other_votes: int
    winner_party: str
    contested: bool
    incumbent_party: str
    incumbent_running: bool

    @property
    def dem_share(self) -> float | None:
        total = self.dem_votes + self.rep_votes
        return self.dem_votes / total if total else None

    @property
    def incumbency(self) -> int:
        """+1 a Democratic incumbent on the ballot, -1 a Republican one, 0 an open seat."""
        if not self.incumbent_running:
            return 0
        return {"D": 1, "R": -1}.get(self.incumbent_party, 0)


@dataclass(frozen=True)
class StatewideResult:
    """One statewide race's votes inside one legislative district (of `chamber`, on `district_map`)."""

    state: str
    chamber: str
    district_map: str
    year: int
    office: str
    district: str
    dem_votes: int
    rep_votes: int

    @property
    def dem_share(self) -> float | None:
        total = self.dem_votes + self.rep_votes
        return self.dem_votes / total if total else None


def _int(value: str | None, where: str, column: str) -> int:
    text = (value or "").strip()
    try:
        number = int(text)
    except ValueError:
        reason = "is blank" if not text else f"is {text!r}"
        raise ResultsError(f"{where}: {column} must be a whole number of votes, but {reason}") from None
    if number < 0:
        raise ResultsError(f"{where}: {column} must not be negative")
    return number


def _bool(value: str | None, where: str, column: str, blank: bool | None = None) -> bool:
    text = (value or "").strip().lower()
    if not text and blank is not None:
        return blank
    if text not in ("true", "false"):
        raise ResultsError(f"{where}: {column} must be true or false, not {value!r}")
    return text == "true"


def _year(value: str | None, where: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise ResultsError(f"{where}: year must be a number, not {value!r}") from None


def _reader(text: str, source: str, required: tuple[str, ...]) -> csv.DictReader[str]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ResultsError(f"{source}: missing columns {', '.join(missing)}")
    return reader


def read_results(text: str, source: str = "results") -> list[DistrictResult]:
    reader = _reader(text, source, REQUIRED)
    rows: list[DistrictResult] = []
    seen: set[tuple[str, str, int, str]] = set()
    maps: dict[tuple[str, str, int], str] = {}
    for number, raw in enumerate(reader, start=2):
        where = f"{source} row {number}"
        result = DistrictResult(
            state=(raw["state"] or "").strip().upper(),
            chamber=(raw["chamber"] or "").strip().lower(),
            year=_year(raw["year"], where),
            district=(raw["district"] or "").strip(),
            district_map=(raw.get("district_map") or "").strip(),
            dem_votes=_int(raw["dem_votes"], where, "dem_votes"),
            rep_votes=_int(raw["rep_votes"], where, "rep_votes"),
            other_votes=_int(raw["other_votes"] or "0", where, "other_votes"),  # blank: none reported
            winner_party=(raw["winner_party"] or "").strip().upper(),
            contested=_bool(raw["contested"], where, "contested"),
            incumbent_party=(raw["incumbent_party"] or "").strip().upper(),
            # blank: no sitting member (a new seat), so an open seat
            incumbent_running=_bool(raw["incumbent_running"], where, "incumbent_running", blank=False),
        )
        if not result.state or not result.district:
            raise ResultsError(f"{where}: state and district must not be blank")
        if result.chamber not in ("lower", "upper"):
            raise ResultsError(f"{where}: chamber must be lower or upper, not {result.chamber!r}")
        if result.winner_party not in PARTIES:
            raise ResultsError(f"{where}: winner_party must be D, R or O, not {result.winner_party!r}")
        if result.contested and not (result.dem_votes and result.rep_votes):
            raise ResultsError(f"{where}: contested is true but dem_votes or rep_votes is 0")
        key = (result.state, result.chamber, result.year, result.district)
        if key in seen:
            raise ResultsError(f"{where}: duplicate district {result.district} for {result.year}")
        seen.add(key)
        cycle = key[:3]
        if maps.setdefault(cycle, result.district_map) != result.district_map:
            raise ResultsError(
                f"{where}: mixes district maps within {result.year} ({maps[cycle]!r} and {result.district_map!r})"
            )
        rows.append(result)
    if not rows:
        raise ResultsError(f"{source}: no rows")
    return rows


def read_statewide(text: str, source: str = "statewide") -> list[StatewideResult]:
    reader = _reader(text, source, STATEWIDE_REQUIRED)
    rows: list[StatewideResult] = []
    seen: set[tuple[str, str, int, str, str]] = set()
    maps: dict[str, str] = {}
    for number, raw in enumerate(reader, start=2):
        where = f"{source} row {number}"
        row = StatewideResult(
            state=(raw["state"] or "").strip().upper(),
            chamber=(raw.get("chamber") or "lower").strip().lower(),  # the shared files are by House district
            district_map=(raw["district_map"] or "").strip(),
            year=_year(raw["year"], where),
            office=(raw["office"] or "").strip(),
            district=(raw["district"] or "").strip(),
            dem_votes=_int(raw["dem_votes"], where, "dem_votes"),
            rep_votes=_int(raw["rep_votes"], where, "rep_votes"),
        )
        if not row.state or not row.district or not row.office:
            raise ResultsError(f"{where}: state, office and district must not be blank")
        if row.chamber not in ("lower", "upper"):
            raise ResultsError(f"{where}: chamber must be lower or upper, not {row.chamber!r}")
        key = (row.state, row.chamber, row.year, row.office, row.district)
        if key in seen:
            raise ResultsError(f"{where}: duplicate district {row.district} for {row.year} {row.office}")
        seen.add(key)
        scope = f"{row.state} {row.chamber}"
        if maps.setdefault(scope, row.district_map) != row.district_map:
            raise ResultsError(
                f"{where}: mixes district maps ({maps[scope]!r} and {row.district_map!r}); "
                "give one file per map, for the map of the year you predict"
            )
        rows.append(row)
    if not rows:
        raise ResultsError(f"{source}: no rows")
    return rows


def is_statewide(text: str) -> bool:
    """A statewide-by-district file has an `office` column; a results file has `winner_party`."""
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    return "office" in header and "winner_party" not in header


def read_any(text: str, source: str) -> tuple[list[DistrictResult], list[StatewideResult]]:
    if is_statewide(text):
        return [], read_statewide(text, source)
    return read_results(text, source), []
