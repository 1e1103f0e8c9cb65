"""Candidate-level election returns -> the district results file the scoring reads.

The layout is OpenElections' (github.com/openelections, e.g. openelections-data-nh
`2020/20201103__nh__general__precinct.csv`): one row per candidate per county, town or precinct, with
the columns `office`, `district`, `party`, `candidate` and `votes`; geography columns (`county`, `town`,
`ward`, `precinct`) vary by state and are optional. `import_returns` keeps the rows of one chamber's
office, sums them per district and candidate, and writes one district row per race:

- parties are reduced to D/R/O by `parties.candidate_side` (a candidate on a fusion line, e.g.
  Democratic and Working Families, counts wholly for their major party);
- write-in rows ("Write-ins", "Scattering", "All Others", party "(Write-In)") go to `writein_votes`;
- over/under votes and blanks, and total rows ("Total Votes Cast", "Registered Voters", "Ballots
  Cast", precinct "Total", a county subtotal equal to the sum of its precincts) are dropped and counted;
- a district with candidates but no votes at all (moved to a special election, not yet certified)
  is a missing result: reported, not written;
- a district with a single major party is written with contested false (uncontested seat).

Nothing here reads incumbency: `incumbent_party` and `incumbent_running` are left blank (an open
seat) unless the caller passes them per district.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from services.scoring.domain.parties import WRITE_IN, candidate_side, labels
from services.scoring.domain.results import ResultsError, decode, numbered_rows, refuse_rows
from shared.districts import DistrictError, canonical_district, districts_of

REQUIRED = ("office", "district", "candidate", "votes")
OFFICES = {
    "lower": (
        "state house", "state representative", "state rep", "state house of representatives",
        "house of representatives", "house of delegates", "state assembly", "assembly", "general assembly",
        "state house of delegates", "representative in general court", "state legislature",
    ),
    "upper": ("state senate", "state senator", "senate", "senator in general court", "state senator district"),
}  # fmt: skip
# Candidate cells that are not candidates (OpenElections keeps the state's own wording).
OVER_UNDER = {
    "over votes", "overvotes", "over vote", "overvote", "under votes", "undervotes", "under vote", "undervote",
    "blank", "blanks", "blank votes", "blank ballots", "void", "invalid", "spoiled", "rejected",
}  # fmt: skip
TOTALS = {
    "total", "totals", "total votes", "total votes cast", "votes cast", "ballots cast", "total ballots cast",
    "registered voters", "total registered voters", "times cast", "times counted", "turnout", "voters",
}  # fmt: skip
WRITE_IN_CANDIDATES = {
    "write-in", "write-ins", "write in", "write ins", "writein", "writeins", "write-in totals",
    "write-in votes", "scattering", "scattered", "scatter", "all others", "other write-ins",
    "uncertified write-ins", "write-in (miscellaneous)",
}  # fmt: skip
HEADER = (
    "state", "chamber", "year", "district", "district_map", "dem_votes", "rep_votes", "other_votes",
    "writein_votes", "total_votes", "winner_party", "winner_name", "contested", "dem_candidate", "rep_candidate",
    "incumbent_party", "incumbent_running", "source", "notes",
)  # fmt: skip


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@dataclass
class Race:
    district: str
    votes: Counter[str] = field(default_factory=Counter)  # candidate (as first spelled) -> votes
    parties: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    writein: int = 0
    blank_cells: int = 0
    rows: int = 0


@dataclass
class ImportReport:
    """What an import kept and dropped; `lines()` is what `tfc score import` prints."""

    rows_read: int = 0
    rows_used: int = 0
    other_offices: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> rows
    writein_rows: int = 0
    uncontested: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"read {self.rows_read} rows; used {self.rows_used} candidate rows"]
        if self.other_offices:
            top = ", ".join(f"{o or '(blank)'} ({n})" for o, n in self.other_offices.most_common(5))
            more = " ..." if len(self.other_offices) > 5 else ""
            out.append(f"ignored {sum(self.other_offices.values())} rows of other offices: {top}{more}")
        out += [f"dropped {n} rows: {reason}" for reason, n in sorted(self.dropped.items())]
        if self.writein_rows:
            out.append(f"counted {self.writein_rows} write-in rows as writein_votes (not in other_votes)")
        if self.uncontested:
            out.append(f"uncontested (one major party): districts {', '.join(self.uncontested)}")
        out += [f"warning: {w}" for w in self.warnings]
        return out


@dataclass
class Imported:
    rows: list[dict[str, str]]
    report: ImportReport

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return buffer.getvalue()


def _votes(cell: str | None, where: str) -> int | None:
    text = (cell or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ResultsError(f"{where}, column votes: must be a whole number of votes, but it is {cell!r}") from None
    if number < 0 or number != int(number):
        raise ResultsError(f"{where}, column votes: must be a whole number of votes, not {cell!r}")
    return int(number)


def _is_office(office: str, chamber: str, wanted: str | None) -> bool:
    folded = _fold(office)
    if wanted is not None:
        return folded == _fold(wanted)
    return folded in OFFICES[chamber]


def _total_row(raw: dict[str, str]) -> bool:
    precinct = _fold(raw.get("precinct") or "")
    return precinct in TOTALS or precinct.endswith(" total") or precinct.startswith("total ")


def import_returns(
    data: str | bytes,
    source: str,
    state: str,
    chamber: str,
    year: int,
    office: str | None = None,
    district_map: str = "",
) -> Imported:
    """Sum one chamber's candidate rows per district. Raises ResultsError naming file, row, column.

    office: the exact office label when the file's is not one of OFFICES (e.g. "State Rep").
    """
    text = decode(data, source)
    reader = csv.DictReader(io.StringIO(text))
    header = [(c or "").strip().lower() for c in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ResultsError(
            f"{source}: missing columns {', '.join(missing)} (OpenElections layout: {', '.join(REQUIRED)})"
        )
    report = ImportReport()
    races: dict[str, Race] = {}
    problems: list[str] = []
    county_rows: list[tuple[str, dict[str, str], str, int]] = []  # possible subtotals, judged after
    precinct_sums: Counter[tuple[str, str, str]] = Counter()
    for number, raw in numbered_rows(reader, source):
        where = f"{source} row {number}"
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        report.rows_read += 1
        if not _is_office(raw.get("office") or "", chamber, office):
            report.other_offices[(raw.get("office") or "").strip()] += 1
            continue
        candidate = " ".join((raw.get("candidate") or "").split())
        folded = _fold(candidate)
        if folded in TOTALS or _total_row(raw):
            report.dropped["total rows (Total Votes Cast, Registered Voters, Ballots Cast, precinct Total)"] += 1
            continue
        if folded in OVER_UNDER:
            report.dropped["over votes, under votes and blanks"] += 1
            continue
        try:
            district = canonical_district(state, chamber, raw.get("district") or "")
            votes = _votes(raw.get("votes"), where)
        except DistrictError as exc:
            problems.append(f"{where}, column district: {exc}")
            continue
        except ResultsError as exc:
            problems.append(str(exc))
            continue
        race = races.setdefault(district, Race(district))
        race.rows += 1
        if votes is None:
            race.blank_cells += 1
            continue
        county, precinct = _fold(raw.get("county") or ""), _fold(raw.get("precinct") or raw.get("town") or "")
        if county and precinct == county:
            county_rows.append((district, raw, candidate, votes))  # a subtotal, or a town named as its county
            continue
        if county:
            precinct_sums[(district, county, _fold(candidate))] += votes
        _add(race, raw, candidate, votes, report)
    if problems:
        raise refuse_rows(problems)
    for district, raw, candidate, votes in county_rows:
        county = _fold(raw.get("county") or "")
        if precinct_sums.get((district, county, _fold(candidate))) == votes:
            report.dropped["county subtotal rows (equal to the sum of their precincts)"] += 1
        else:
            _add(races[district], raw, candidate, votes, report)
    absent = [d for d in districts_of(state, chamber) if d not in races]  # type: ignore[arg-type]
    if absent and len(absent) < len(districts_of(state, chamber)):  # type: ignore[arg-type]
        shown = ", ".join(absent[:15]) + (f" and {len(absent) - 15} more" if len(absent) > 15 else "")
        report.warnings.append(f"no rows for districts {shown} (not up this year, or missing from the file)")
    rows = []
    for district in sorted(races, key=_order):
        row = _district_row(races[district], state, chamber, year, district_map, source, report)
        if row is not None:
            rows.append(row)
    if not rows:
        raise ResultsError(f"{source}: no {state} {chamber} results for {year} (offices seen: "
                           f"{', '.join(sorted(o for o in report.other_offices if o)[:8]) or 'none'}); "
                           "give --office with the file's office label")  # fmt: skip
    return Imported(rows, report)


def _add(race: Race, raw: dict[str, str], candidate: str, votes: int, report: ImportReport) -> None:
    party = raw.get("party") or ""
    if _fold(candidate) in WRITE_IN_CANDIDATES or any(label in WRITE_IN for label in labels(party)):
        race.writein += votes
        report.writein_rows += 1
        report.rows_used += 1
        return
    key = next((c for c in race.votes if _fold(c) == _fold(candidate)), candidate)
    race.votes[key] += votes
    race.parties[key].append(party)
    report.rows_used += 1


def _order(district: str) -> tuple[int, str]:
    match = re.match(r"\d+", district)
    return (int(match.group()) if match else 10**6, district)


def _district_row(
    race: Race, state: str, chamber: str, year: int, district_map: str, source: str, report: ImportReport
) -> dict[str, str] | None:
    if sum(race.votes.values()) + race.writein == 0:
        report.missing.append(race.district)
        report.warnings.append(
            f"district {race.district}: no votes in the file (a race moved to a special election or not yet "
            f"certified): left out, a missing result for {year}"
        )
        return None
    if race.blank_cells:
        report.warnings.append(f"district {race.district}: {race.blank_cells} blank vote cells counted as 0")
    sides = {c: candidate_side(race.parties[c]) for c in race.votes}
    total = {s: sum(v for c, v in race.votes.items() if sides[c] == s) for s in ("D", "R")}
    other = sum(v for c, v in race.votes.items() if sides[c] not in ("D", "R"))
    winner = max(race.votes, key=lambda c: race.votes[c])
    contested = total["D"] > 0 and total["R"] > 0
    if not contested:
        report.uncontested.append(race.district)

    def names(side: str) -> str:
        return "; ".join(c for c in sorted(race.votes, key=lambda c: -race.votes[c]) if sides[c] == side)

    return {
        "state": state,
        "chamber": chamber,
        "year": str(year),
        "district": race.district,
        "district_map": district_map,
        "dem_votes": str(total["D"]),
        "rep_votes": str(total["R"]),
        "other_votes": str(other),
        "writein_votes": str(race.writein),
        "total_votes": str(total["D"] + total["R"] + other + race.writein),
        "winner_party": sides[winner] or "O",
        "winner_name": winner,
        "contested": "true" if contested else "false",
        "dem_candidate": names("D"),
        "rep_candidate": names("R"),
        "incumbent_party": "",
        "incumbent_running": "",
        "source": source,
        "notes": "",
    }
