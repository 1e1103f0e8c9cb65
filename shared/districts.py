"""One district identity: every spelling of a state legislative district becomes one canonical id.

`canonical_district(state, chamber, text)` is the only place a district spelling is judged. Intake
(the campaign form), the scoring readers (`results/` files, `tfc score import`), the console and
matching's score look-up all call it, so a score is stored under the id a campaign in that district
is stored under.

Canonical ids:
- numbered chambers: the number without leading zeros ("11"), plus the sub-district letter where the
  state has them ("1A" in Minnesota); these are the ids stored before this module existed;
- Alaska's Senate: its letter ("K");
- named chambers (Massachusetts, the New Hampshire House, Vermont): the name as the table
  `named_districts.csv` spells it ("Barnstable, Dukes and Nantucket", "Coös 1", "Chittenden-6-1").

Accepted spellings of a number: "11", "011", "11th", "11th District", "District 11", "HD-011",
"House District 11", "SD 7", "Senate District 07", "Dist. 7", "No. 7", "#7". A chamber word that
contradicts the chamber ("Senate District 7" for a House seat) is refused. Names match case-, accent-,
punctuation- and whitespace-insensitively, with "and"/"&" and ordinals ("1st", "First") interchangeable
("barnstable dukes & nantucket", "Coos 1", "First Suffolk", "Coos County No. 1"), and by the codes
OpenElections' files use (New Hampshire's "CS 01 (2)", Vermont's "ADD-1").
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.geo import STATES, Chamber, State

TABLE = Path(__file__).with_name("named_districts.csv")


class DistrictError(ValueError):
    """A spelling that is not a district of the chamber; str() is the reason, for a person."""


# Lower-chamber sub-district letters, by state: (districts that have them or None for all, letters,
# whether a letter is required). Sources: Minnesota Constitution art. IV §3 (each Senate district
# holds two House districts, 1A-67B); South Dakota Codified Laws 2-2-35 (House districts 26A/26B and
# 28A/28B); North Dakota Century Code 54-03-01.13, 2021 plan (4A/4B, 9A/9B); Maryland's 2022 plan
# splits some delegate districts into A, B and C (which ones was not verified here: any letter A-C).
_LETTERS: dict[str, tuple[frozenset[int] | None, str, bool]] = {
    "MN": (None, "AB", True),
    "SD": (frozenset({26, 28}), "AB", False),
    "ND": (frozenset({4, 9}), "AB", False),
    "MD": (None, "ABC", False),
}

_LOWER_WORDS = {"house", "assembly", "delegate", "delegates", "representative", "hd", "ad"}
_UPPER_WORDS = {"senate", "senatorial", "senator", "sd"}
_FILLER = {"state", "legislative", "ld", "district", "dist", "no", "number", "num", "of", "the", "seat"}
_NUMBER = re.compile(r"^0*(\d{1,3})(st|nd|rd|th)?-?([a-z])?$")

_ONES = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
          "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40}


@cache
def _word_ordinals() -> dict[str, int]:
    words = {w: i + 1 for i, w in enumerate(_ONES)} | {w: i + 10 for i, w in enumerate(_TEENS)}
    for tens, value in _TENS.items():
        words[tens.removesuffix("y") + "ieth"] = value
        for i, one in enumerate(_ONES):
            words[f"{tens}-{one}"] = words[f"{tens} {one}"] = words[f"{tens}{one}"] = value + i + 1
    return words


def _fold(text: str) -> str:
    """Lowercase, accents dropped ("Coös" -> "coos"), whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def name_key(text: str) -> str:
    """The form two spellings of one named district share: "Barnstable, Dukes & Nantucket",
    "barnstable dukes and nantucket" -> "barnstable dukes nantucket"; "First Suffolk", "1st Suffolk"
    -> "1 suffolk"; "Coös County No. 01", "Coos-1" -> "coos 1"; "CS03 (2)F" -> "cs 3"."""
    text = _fold(text)
    text = re.sub(r"\(\d+\)\s*f?l?\s*$", " ", text)  # OpenElections NH: seats "(2)" and floterial "F"
    for words, number in sorted(_word_ordinals().items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{re.escape(words)}\b", str(number), text)
    text = re.sub(r"\b0*(\d+)(?:st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z]{2})", " ", text)  # "cs03" -> "cs 03"
    tokens = re.split(r"[\s,.;:&/#'\"()-]+", text.replace("&", " and "))
    kept = [t.lstrip("0") or "0" if t.isdigit() else t for t in tokens if t]
    return " ".join(t for t in kept if t not in ("and", "district", "county", "no", "the", "of"))


@dataclass(frozen=True)
class _Named:
    by_key: dict[str, str]  # name_key -> canonical name
    example: str


@cache
def _named_tables() -> dict[tuple[str, str], _Named]:
    """(state, chamber) -> its named districts, from `named_districts.csv` (sources in its header)."""
    keys: dict[tuple[str, str], dict[str, str]] = {}
    with TABLE.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines):
        table = keys.setdefault((row["state"], row["chamber"]), {})
        for spelling in [row["district"], *filter(None, row["code"].split(";"))]:
            key = name_key(spelling)
            if table.setdefault(key, row["district"]) != row["district"]:
                raise RuntimeError(f"{TABLE.name}: {spelling!r} is ambiguous ({table[key]!r}, {row['district']!r})")
    return {sc: _Named(table, next(iter(table.values()))) for sc, table in keys.items()}


def _chamber_name(state: State, chamber: Chamber) -> str:
    if chamber == "upper":
        return f"{state.name} Senate"
    return f"{state.name} {'Assembly' if state.code in ('CA', 'NV', 'NY', 'WI') else 'House'}"


def canonical_district(state: str | State, chamber: str, district: str) -> str:
    """The canonical id of `district` in (state, chamber), or DistrictError saying why it is none.

    state: a two-letter code or a `State`; chamber: "lower" or "upper"; district: any common
    spelling (see the module docstring). District counts come from `shared.geo.STATES`; named
    districts from `named_districts.csv`.
    """
    st = state if isinstance(state, State) else STATES.get(state.strip().upper())
    if st is None:
        raise DistrictError(f"{state!r} is not a state with a legislature")
    if chamber not in ("lower", "upper"):
        raise DistrictError(f"chamber must be lower or upper, not {chamber!r}")
    text = " ".join(district.split())
    if not text:
        raise DistrictError("is required")
    side: Chamber = "lower" if chamber == "lower" else "upper"  # checked above: the Literal, typed
    count = st.lower if side == "lower" else st.upper
    if count is None:
        raise DistrictError(f"{st.name} has a single chamber; use chamber 'upper'")
    if (st.code, side) in _named_tables():
        return _named(st, side, text)
    if side == "upper" and st.lettered_upper:
        return _lettered_senate(st, count, text)
    return _numbered(st, side, count, text)


def _named(state: State, chamber: Chamber, text: str) -> str:
    table = _named_tables()[(state.code, chamber)]
    found = table.by_key.get(name_key(text))
    if found is None:
        found = table.by_key.get(name_key(_strip_chamber_words(text)))
    if found is not None:
        return found
    raise DistrictError(
        f"'{text}' is not a {_chamber_name(state, chamber)} district; "
        f"{state.name} names its districts, e.g. '{table.example}'"
    )


def _strip_chamber_words(text: str) -> str:
    words = [w for w in re.split(r"\s+", text) if _fold(w) not in _LOWER_WORDS | _UPPER_WORDS | {"state"}]
    return " ".join(words)


def _lettered_senate(state: State, count: int, text: str) -> str:
    last = chr(ord("A") + count - 1)
    words = [w for w in re.split(r"[\s#.-]+", _fold(text)) if w and w not in _FILLER | _UPPER_WORDS]
    if len(words) == 1 and len(words[0]) == 1 and "a" <= words[0] <= last.lower():
        return words[0].upper()
    raise DistrictError(f"{state.name} Senate districts are letters A to {last}, not '{text}'")


def _numbered(state: State, chamber: Chamber, count: int, text: str) -> str:
    folded = _fold(text)
    words = [w for w in re.split(r"[\s#.,:]+|(?<=[a-z])-(?=\d)", folded) if w]
    said_lower = any(w in _LOWER_WORDS for w in words)
    said_upper = any(w in _UPPER_WORDS for w in words)
    if (said_lower and chamber == "upper") or (said_upper and chamber == "lower"):
        other: Chamber = "upper" if chamber == "lower" else "lower"
        raise DistrictError(
            f"'{text}' names a {_chamber_name(state, other)} district, "
            f"but the chamber is the {_chamber_name(state, chamber)}"
        )
    rest = [w for w in words if w not in _LOWER_WORDS | _UPPER_WORDS | _FILLER]
    joined = "".join(rest)
    match = _NUMBER.match(joined)
    if not rest or match is None:
        raise DistrictError(
            f"'{text}' is not a district number; {_chamber_name(state, chamber)} districts are 1 to {count}"
        )
    number, suffix, letter = int(match.group(1)), match.group(2), (match.group(3) or "").upper()
    if suffix and suffix != _right_suffix(number):
        raise DistrictError(f"'{text}' is not a district number (did you mean {number}{_right_suffix(number)}?)")
    if not 1 <= number <= count:
        raise DistrictError(f"{_chamber_name(state, chamber)} has {count} districts; {number} is not one of them")
    if chamber == "lower" and state.code in _LETTERS:
        which, letters, required = _LETTERS[state.code]
        if letter and (letter not in letters or (which is not None and number not in which)):
            raise DistrictError(f"{_chamber_name(state, chamber)} has no district {number}{letter}")
        if not letter and required and (which is None or number in which):
            raise DistrictError(
                f"{_chamber_name(state, chamber)} districts are a number and a letter, e.g. {number}A or {number}B"
            )
        return f"{number}{letter}"
    if letter:
        raise DistrictError(f"{_chamber_name(state, chamber)} districts have no letters: '{text}' is not one")
    return str(number)


def _right_suffix(number: int) -> str:
    return "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def districts_of(state: str | State, chamber: Chamber) -> list[str]:
    """Every canonical id of (state, chamber), in the chamber's order (for generated data and pickers).

    Named chambers list their table's names (both plans, see `named_districts.csv`); Minnesota's
    House lists 1A..67B; states with optional letters list the plain numbers only.
    """
    st = state if isinstance(state, State) else STATES[state.upper()]
    count = st.lower if chamber == "lower" else st.upper
    if count is None:
        return []
    named = _named_tables().get((st.code, chamber))
    if named is not None:
        return list(dict.fromkeys(named.by_key.values()))
    if chamber == "upper" and st.lettered_upper:
        return [chr(ord("A") + i) for i in range(count)]
    letters = _LETTERS.get(st.code) if chamber == "lower" else None
    if letters is not None and letters[2]:
        return [f"{n}{letter}" for n in range(1, count + 1) for letter in letters[1]]
    return [str(n) for n in range(1, count + 1)]


def stored_district_key(state: str, chamber: str, district: str) -> str:
    """The canonical id for joining stored records (a campaign's district with a score's): records
    stored before this module existed may hold "11th District" or "Coos 1"; they join under "11" and
    "Coös 1". Text that is no district of the chamber is returned unchanged (it matches only itself)."""
    try:
        return canonical_district(state, chamber, district)
    except DistrictError:
        return district
