"""Read the two input schemas of `../shared/data/elections/`, refusing malformed files with a message
that names the file, the row and the column:

- district results (one row per district per year: votes, winner, contested, incumbency);
- statewide races tabulated by district (`va_statewide_by_hd_*`: one row per race per district).

`read_any` tells them apart by their header, so both can live under `results/` in the data bucket.

Every reader takes the file's bytes or text: bytes are decoded by `decode` (UTF-8 with or without a
byte-order mark, or UTF-16 with one; anything else is refused naming the file and the first bad
byte). Any line ending works (CR from Excel for Mac, LF, CRLF). Districts go through
`shared.districts.canonical_district`, so "11th District" is stored as "11"; party columns take codes
or names ("D", "Democratic", "DFL", "GOP"). A row whose vote and winner cells are all blank is a race
with no result (moved to a special election, not yet certified): it is left out with a warning and
the rest of the file is used. Every refusal names the file, row and column and says why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from services.scoring.domain.parties import PartyError, party_code
from shared.districts import DistrictError, canonical_district

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


MAX_PROBLEMS = 20  # a refusal lists at most this many row problems, then counts the rest


class ResultsError(ValueError):
    """A refused file (or run): str() names the file, row and column of each problem, for a person."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message)


def decode(data: bytes | str, source: str) -> str:
    """A file's bytes as text with LF line endings. UTF-8 (a BOM is dropped) or BOM-marked UTF-16;
    raises ResultsError naming the file, the row and the byte for anything else."""
    if isinstance(data, str):
        text = data
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            row = data[: exc.start].count(b"\n") + data[: exc.start].count(b"\r") - data[: exc.start].count(b"\r\n")
            raise ResultsError(
                f"{source}: is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {row + 1} cannot be read); "
                'save it as "CSV UTF-8" and upload it again'
            ) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ResultsError(f"{source}: is not a text file (it contains NUL bytes); export it as CSV")
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
    text = (value or "").strip().replace(",", "")  # "12,345" as spreadsheets format counts
    try:
        number = int(text)
    except ValueError:
        reason = "is blank" if not text else f"is {text!r}"
        raise ResultsError(f"{where}, column {column}: must be a whole number of votes, but it {reason}") from None
    if number < 0:
        raise ResultsError(f"{where}, column {column}: must not be negative")
    return number


def _bool(value: str | None, where: str, column: str, blank: bool | None = None) -> bool:
    text = (value or "").strip().lower()
    if not text and blank is not None:
        return blank
    if text in ("true", "yes", "y", "1", "t"):
        return True
    if text in ("false", "no", "n", "0", "f"):
        return False
    raise ResultsError(f"{where}, column {column}: must be true or false, not {value!r}")


def _year(value: str | None, where: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise ResultsError(f"{where}, column year: must be a number, not {value!r}") from None


def _party(value: str | None, where: str, column: str) -> str:
    try:
        return party_code(value or "")
    except PartyError as exc:
        raise ResultsError(f"{where}, column {column}: {exc}") from None


def _district(state: str, chamber: str, value: str | None, where: str) -> str:
    try:
        return canonical_district(state, chamber, value or "")
    except DistrictError as exc:
        raise ResultsError(f"{where}, column district: {exc}") from None


def _reader(text: str, source: str, required: tuple[str, ...]) -> csv.DictReader[str]:
    reader = csv.DictReader(io.StringIO(decode(text, source)))
    header = [(c or "").strip().lower() for c in reader.fieldnames or []]
    reader.fieldnames = header  # " Dem_Votes" is dem_votes
    missing = [c for c in required if c not in header]
    if missing:
        raise ResultsError(f"{source}: missing columns {', '.join(missing)}")
    return reader


def numbered_rows(reader: csv.DictReader[str], source: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, row); a CSV syntax error becomes a ResultsError naming
    the row (e.g. a cell over the csv module's 128 KiB limit)."""
    rows, number = iter(reader), 1
    while True:
        number += 1
        try:
            raw = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ResultsError(f"{source} row {number}: is not valid CSV ({exc})") from None
        yield number, raw


def refuse_rows(problems: list[str]) -> ResultsError:
    """One refusal for a file's row problems: the first MAX_PROBLEMS, one a line, then a count."""
    shown = problems[:MAX_PROBLEMS]
    more = f"\n(and {len(problems) - len(shown)} more)" if len(problems) > len(shown) else ""
    return ResultsError("\n".join(shown) + more if len(problems) > 1 else problems[0], problems)


_VOTE_CELLS = ("dem_votes", "rep_votes", "other_votes", "winner_party")


def read_results(text: str | bytes, source: str = "results", warnings: list[str] | None = None) -> list[DistrictResult]:
    """District results rows; races with no result are left out and described in `warnings`.
    Raises ResultsError listing every refused row (file, row, column, reason)."""
    reader = _reader(decode(text, source), source, REQUIRED)
    rows: list[DistrictResult] = []
    problems: list[str] = []
    seen: set[tuple[str, str, int, str]] = set()
    maps: dict[tuple[str, str, int], str] = {}
    for number, raw in numbered_rows(reader, source):
        where = f"{source} row {number}"
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # a blank line (spreadsheets leave them at the end)
        try:
            result = _row(raw, where)
        except ResultsError as exc:
            problems.append(str(exc))
            continue
        if result is None:
            if warnings is not None:
                warnings.append(
                    f"{where}: {raw['state']} {raw['chamber']} district {raw['district']} has no result for "
                    f"{raw['year']} (blank votes and winner): left out of that cycle"
                )
            continue
        key = (result.state, result.chamber, result.year, result.district)
        if key in seen:
            problems.append(f"{where}, column district: duplicate district {result.district} for {result.year}")
            continue
        seen.add(key)
        cycle = key[:3]
        if maps.setdefault(cycle, result.district_map) != result.district_map:
            problems.append(
                f"{where}, column district_map: mixes district maps within {result.year} "
                f"({maps[cycle]!r} and {result.district_map!r})"
            )
            continue
        rows.append(result)
    if problems:
        raise refuse_rows(problems)
    if not rows:
        raise ResultsError(f"{source}: no rows")
    return rows


def _row(raw: dict[str, str], where: str) -> DistrictResult | None:
    """One row, or None for a race with no result (every vote cell and the winner blank)."""
    state = (raw["state"] or "").strip().upper()
    chamber = (raw["chamber"] or "").strip().lower()
    if not state:
        raise ResultsError(f"{where}, column state: must not be blank")
    if chamber not in ("lower", "upper"):
        raise ResultsError(f"{where}, column chamber: must be lower or upper, not {raw['chamber']!r}")
    year = _year(raw["year"], where)
    if not (raw["district"] or "").strip():
        raise ResultsError(f"{where}, column district: must not be blank")
    district = _district(state, chamber, raw["district"], where)
    if not any((raw.get(c) or "").strip() for c in _VOTE_CELLS):
        return None
    result = DistrictResult(
        state=state,
        chamber=chamber,
        year=year,
        district=district,
        district_map=(raw.get("district_map") or "").strip(),
        dem_votes=_int(raw["dem_votes"], where, "dem_votes"),
        rep_votes=_int(raw["rep_votes"], where, "rep_votes"),
        other_votes=_int(raw["other_votes"] or "0", where, "other_votes"),  # blank: none reported
        winner_party=_party(raw["winner_party"], where, "winner_party"),
        contested=_bool(raw["contested"], where, "contested"),
        incumbent_party=_party(raw["incumbent_party"], where, "incumbent_party"),
        # blank: no sitting member (a new seat), so an open seat
        incumbent_running=_bool(raw["incumbent_running"], where, "incumbent_running", blank=False),
    )
    if result.winner_party not in PARTIES:
        raise ResultsError(f"{where}, column winner_party: must be D, R or O (or a party name), not blank")
    if result.contested and not (result.dem_votes and result.rep_votes):
        raise ResultsError(f"{where}, column contested: is true but dem_votes or rep_votes is 0")
    return result


def read_statewide(text: str | bytes, source: str = "statewide") -> list[StatewideResult]:
    """Statewide races by district. Raises ResultsError listing every refused row."""
    reader = _reader(decode(text, source), source, STATEWIDE_REQUIRED)
    rows: list[StatewideResult] = []
    problems: list[str] = []
    seen: set[tuple[str, str, int, str, str]] = set()
    maps: dict[str, str] = {}
    for number, raw in numbered_rows(reader, source):
        where = f"{source} row {number}"
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        try:
            row = _statewide_row(raw, where)
        except ResultsError as exc:
            problems.append(str(exc))
            continue
        key = (row.state, row.chamber, row.year, row.office, row.district)
        if key in seen:
            problems.append(f"{where}, column district: duplicate district {row.district} for {row.year} {row.office}")
            continue
        seen.add(key)
        scope = f"{row.state} {row.chamber}"
        if maps.setdefault(scope, row.district_map) != row.district_map:
            problems.append(
                f"{where}, column district_map: mixes district maps ({maps[scope]!r} and {row.district_map!r}); "
                "give one file per map, for the map of the year you predict"
            )
            continue
        rows.append(row)
    if problems:
        raise refuse_rows(problems)
    if not rows:
        raise ResultsError(f"{source}: no rows")
    return rows


def _statewide_row(raw: dict[str, str], where: str) -> StatewideResult:
    state = (raw["state"] or "").strip().upper()
    chamber = (raw.get("chamber") or "lower").strip().lower()  # the shared files are by House district
    for column, value in (("state", state), ("office", raw["office"]), ("district", raw["district"])):
        if not (value or "").strip():
            raise ResultsError(f"{where}, column {column}: must not be blank")
    if chamber not in ("lower", "upper"):
        raise ResultsError(f"{where}, column chamber: must be lower or upper, not {chamber!r}")
    return StatewideResult(
        state=state,
        chamber=chamber,
        district_map=(raw["district_map"] or "").strip(),
        year=_year(raw["year"], where),
        office=(raw["office"] or "").strip(),
        district=_district(state, chamber, raw["district"], where),
        dem_votes=_int(raw["dem_votes"], where, "dem_votes"),
        rep_votes=_int(raw["rep_votes"], where, "rep_votes"),
    )


def is_statewide(text: str) -> bool:
    """A statewide-by-district file has an `office` column; a results file has `winner_party`."""
    header = [c.strip().lower() for c in next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])]
    return "office" in header and "winner_party" not in header


def read_any(
    data: str | bytes, source: str, warnings: list[str] | None = None
) -> tuple[list[DistrictResult], list[StatewideResult]]:
    """Either schema, told apart by the header. Raises ResultsError (decoding or rows)."""
    text = decode(data, source)
    if is_statewide(text):
        return [], read_statewide(text, source)
    return read_results(text, source, warnings), []
