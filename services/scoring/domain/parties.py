"""Party names as election returns spell them, reduced to the three sides the model knows: D, R, O.

The spellings come from the party columns of OpenElections' state repositories (e.g. "DEM", "REP",
"Democratic", "Republican", "DFL", "Democratic/Progressive", "(Write-In)", "Unenrolled") and from
the parties' own names (Minnesota's Democratic-Farmer-Labor party; the Working Families and Progressive
lines that cross-nominate Democrats on fusion ballots in New York, Connecticut and Vermont).
"""

from __future__ import annotations

import re
import unicodedata

DEMOCRATIC = {
    "d", "dem", "dems", "democrat", "democratic", "democratic party", "democratic-npl", "dfl",
    "democratic-farmer-labor", "democratic farmer labor", "democratic-farmer labor", "democratic-nonpartisan league",
}  # fmt: skip
REPUBLICAN = {"r", "rep", "repub", "republican", "republican party", "gop", "grand old party"}
# Minor parties that often cross-nominate Democrats on a fusion line; on their own line they are "O".
_FUSION_DEMOCRATIC = {"working families", "wf", "wfp", "working families party", "progressive", "prog"}
OTHER_HINTS = (
    "independ", "libertarian", "lib", "green", "constitution", "unenrolled", "unaffiliated", "nonpartisan",
    "no party", "npa", "reform", "socialist", "liberty union", "conservative", "other", "ind",
)  # fmt: skip
WRITE_IN = {"w", "wi", "wri", "write-in", "write in", "writein", "write-ins", "(write-in)", "scattering"}


class PartyError(ValueError):
    pass


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def labels(text: str) -> list[str]:
    """A party cell's lines, folded: "Democratic/Progressive" -> ["democratic", "progressive"]."""
    return [p.strip(" .()") for p in re.split(r"\s*[/;|+]\s*|\s*,\s*", _fold(text)) if p.strip(" .()")]


def side(label: str) -> str:
    """One party label -> "D", "R" or "O" ("" for a blank label). Raises nothing: unknown names are "O"."""
    folded = _fold(label).strip(" .()")
    if not folded:
        return ""
    if folded in DEMOCRATIC:
        return "D"
    if folded in REPUBLICAN:
        return "R"
    return "O"


def candidate_side(party_cells: list[str]) -> str:
    """The side of a candidate from every line they appear on (fusion ballots list one candidate
    several times): a Democratic line makes them D, a Republican one R; both (cross-nominated):
    the first listed; neither: O, or "" when every cell is blank."""
    sides = [side(label) for cell in party_cells for label in labels(cell)]
    major = [s for s in sides if s in ("D", "R")]
    if major:
        return major[0]
    return "O" if sides else ""


def party_code(value: str) -> str:
    """A party column of a district results file -> "D", "R", "O" or "" (blank).

    Accepts the codes and the names ("Democratic", "DFL", "GOP", "Independent", ...). Raises
    PartyError for a value that names no party (e.g. "yes", "12").
    """
    folded = _fold(value).strip(" .()")
    if not folded:
        return ""
    code = candidate_side([value])
    if code in ("D", "R"):
        return code
    known = folded in ("o", "i") or folded in _FUSION_DEMOCRATIC or "party" in folded
    if known or any(folded.startswith(h) for h in OTHER_HINTS):
        return "O"
    raise PartyError(f"{value!r} is not a party (use D, R, O or a party name such as Democratic)")
