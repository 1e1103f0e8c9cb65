"""The volunteer directory: search entries that let staff find a person among 15,000 by the
patterns the console offers, each a Query of one partition (no Scan, no page-through).

Every entry is `VDIR#<facet>` / `<sort text>#<vid>` and carries the profile projection the pools
carry (DIRECTORY_FIELDS), so whatever facet drives a search, the other filters are checked on the
entry itself. Entries are derived from the volunteer alone (`entries`) and written in the same
transaction as the profile (volunteers.py), so they never disagree with it.

| Facet | pk | sk | Serves |
|---|---|---|---|
| everyone | `VDIR#all` | `<created_at>#<vid>` | no filter, newest first |
| who | `VDIR#who#<first letter>` | `<folded name>#<vid>`, `<later words>#<vid>`, `<email>#<vid>` | name, email prefix |
| city | `VDIR#city#<first letter>` | `<folded city>#<state or country>#<vid>` (home, current) | a city in any state |
| state | `VDIR#state#<ST>` | `<folded city>#<vid>` (home and current) | a state; a city in it |
| hours | `VDIR#hours` | `<hours, 2 digits>#<vid>` | at least N hours a week |
| paused | `VDIR#paused` | `<until>#<vid>` (only while paused) | paused volunteers |

The two largest facets are split by the text's first letter: a prefix search reads only its
letter's partition, and sign-ups' writes spread over many partitions instead of one.

Skills and lead training use the matching pools (`SKILL#<skill>`, `SKILL#_lead`), which already
hold the same projection.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from shared.models import Volunteer
from shared.storage import keys
from shared.storage.codec import to_dynamo

# The directory's partitions live with every other key in keys.py; these names read better here.
PREFIX, EVERYONE, HOURS, PAUSED = (
    keys.DIRECTORY_PREFIX,
    keys.DIRECTORY_EVERYONE,
    keys.DIRECTORY_HOURS,
    keys.DIRECTORY_PAUSED,
)
state_partition = keys.directory_state_partition
who_partition = keys.directory_who_partition
city_partition = keys.directory_city_partition

DIRECTORY_FIELDS = (
    "volunteer_id",
    "name",
    "email",
    "skills",
    "hours_per_week",
    "weeks_available",
    "lead_trained",
    "hometown",
    "current_location",
    "created_at",
    "paused_until",
)


def fold(text: str) -> str:
    """Search text: accents dropped, case folded, spaces collapsed, '#' (the key separator) removed:
    'María  GARCÍA' -> 'maria garcia'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("#", " ").split())


def paused_until(volunteer: Volunteer) -> date | None:
    """Until when a volunteer has paused matching (None: not paused). The pause itself is issue
    15's (the volunteer's own page); this reads its field when the model has it."""
    value = getattr(volunteer, "paused_until", None)
    return value if isinstance(value, date) else None


def who_texts(volunteer: Volunteer) -> list[str]:
    """The texts a name-or-email prefix is matched against: the whole name, the name from each
    later word on ('garcia' finds Maria Garcia), and the email address."""
    words = fold(volunteer.name).split()
    texts = [" ".join(words[i:]) for i in range(len(words))]
    return list(dict.fromkeys([*texts, volunteer.email.lower()]))


def _places(volunteer: Volunteer) -> list[tuple[str, str, str]]:
    """(folded city, state or country, state or '') of home and current place, each once."""
    seen: list[tuple[str, str, str]] = []
    for place in (volunteer.hometown, volunteer.current_location):
        key = (fold(place.city), place.state or place.country, place.state)
        if key not in seen:
            seen.append(key)
    return seen


def profile(volunteer: Volunteer) -> dict[str, Any]:
    """The projection every entry carries (DIRECTORY_FIELDS, JSON-shaped)."""
    body = volunteer.model_dump(mode="json")
    until = paused_until(volunteer)
    body["paused_until"] = until.isoformat() if until else None
    return {k: body[k] for k in DIRECTORY_FIELDS if body.get(k) is not None}


def entry_keys(volunteer: Volunteer) -> list[dict[str, str]]:
    """Every directory key of this volunteer (pk, sk), each once."""
    vid = volunteer.volunteer_id
    pairs = [(EVERYONE, f"{volunteer.created_at.isoformat()}#{vid}")]
    pairs += [(who_partition(text), f"{text}#{vid}") for text in who_texts(volunteer)]
    for city, where, state in _places(volunteer):
        pairs.append((city_partition(city), f"{city}#{where}#{vid}"))
        if state:
            pairs.append((state_partition(state), f"{city}#{vid}"))
    pairs.append((HOURS, f"{volunteer.hours_per_week:02d}#{vid}"))
    until = paused_until(volunteer)
    if until is not None:
        pairs.append((PAUSED, f"{until.isoformat()}#{vid}"))
    return [{"pk": pk, "sk": sk} for pk, sk in dict.fromkeys(pairs)]


def entries(volunteer: Volunteer) -> list[dict[str, Any]]:
    """The volunteer's directory items, ready to put (DynamoDB-typed)."""
    body = profile(volunteer)
    return [to_dynamo(body | key | {"type": "DirectoryEntry"}) for key in entry_keys(volunteer)]


def stale_keys(old: Volunteer, new: Volunteer) -> list[dict[str, str]]:
    """Keys of `old`'s entries that `new` no longer has (to delete when the profile changes)."""
    kept = {(k["pk"], k["sk"]) for k in entry_keys(new)}
    return [k for k in entry_keys(old) if (k["pk"], k["sk"]) not in kept]
