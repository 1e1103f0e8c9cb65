"""Read district results in the elections schema (one row per district per year), refusing
malformed files with a message that names the row and column."""

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


def _int(value: str, row: int, column: str) -> int:
    try:
        number = int(value.strip() or "0")
    except ValueError:
        raise ResultsError(f"row {row}: {column} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ResultsError(f"row {row}: {column} must not be negative")
    return number


def read_results(text: str, source: str = "results") -> list[DistrictResult]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ResultsError(f"{source}: missing columns {', '.join(missing)}")
    rows: list[DistrictResult] = []
    seen: set[tuple[str, str, int, str]] = set()
    maps: dict[tuple[str, str, int], str] = {}
    for number, raw in enumerate(reader, start=2):
        try:
            year = int(raw["year"])
        except ValueError:
            raise ResultsError(f"{source} row {number}: year must be a number, not {raw['year']!r}") from None
        result = DistrictResult(
            state=raw["state"].strip().upper(),
            chamber=raw["chamber"].strip().lower(),
            year=year,
            district=raw["district"].strip(),
            district_map=(raw.get("district_map") or "").strip(),
            dem_votes=_int(raw["dem_votes"], number, "dem_votes"),
            rep_votes=_int(raw["rep_votes"], number, "rep_votes"),
            other_votes=_int(raw["other_votes"], number, "other_votes"),
            winner_party=raw["winner_party"].strip().upper(),
            contested=raw["contested"].strip().lower() == "true",
            incumbent_party=raw["incumbent_party"].strip().upper(),
            incumbent_running=raw["incumbent_running"].strip().lower() == "true",
        )
        if result.chamber not in ("lower", "upper"):
            raise ResultsError(f"{source} row {number}: chamber must be lower or upper")
        key = (result.state, result.chamber, result.year, result.district)
        if key in seen:
            raise ResultsError(f"{source} row {number}: district {result.district} appears twice for {year}")
        seen.add(key)
        cycle = key[:3]
        if maps.setdefault(cycle, result.district_map) != result.district_map:
            raise ResultsError(f"{source} row {number}: mixes district maps within {year}")
        rows.append(result)
    if not rows:
        raise ResultsError(f"{source}: no rows")
    return rows
