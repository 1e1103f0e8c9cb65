"""Cursor paging over one ordered source with filters checked in memory, with a bounded read.

A list reads its source (an index partition, a directory facet) in batches and keeps the rows
its filters accept until the page is full. So that one rare filter can never make a request read
a whole table, at most `budget` batches are read per page: a page may then come back short, with
a cursor to go on from and `searched` saying how many rows were looked at (the page says so).

The cursor is the sort key of the last row looked at (kept or not), wrapped with the list's own
position (e.g. which status partition) in URL-safe base64 JSON; a cursor that does not decode is
refused naming the `cursor` field.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
PAGE_SIZE = 25  # rows a page shows
BATCH = 100  # rows read per Query: the page size a filter usually needs, one DynamoDB call
BUDGET = 5  # Queries per page at most (500 rows looked at): a bound on a request's reads


class BadCursor(ValueError):
    """The `cursor` parameter is not one this console wrote."""


def encode(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str) -> dict[str, Any]:
    """The position a cursor carries; {} for none. BadCursor when it is not ours."""
    if not cursor:
        return {}
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("cursor: is not a page this console made; go back to the first page") from exc
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise BadCursor("cursor: is not a page this console made; go back to the first page")
    return value


@dataclass
class Page(Generic[T]):
    """A page of a list: rows, the position to go on from (None: this was the end), how many
    source rows were looked at, and whether the read bound stopped it early."""

    rows: list[T] = field(default_factory=list)
    next: dict[str, str] | None = None
    searched: int = 0
    stopped_early: bool = False

    @property
    def next_cursor(self) -> str:
        return encode(self.next) if self.next else ""


Fetch = Callable[[str | None, int], Sequence[tuple[str, Any]]]
"""(after sort key, limit) -> rows as (sort key, row), in order; fewer than `limit` = the end."""


def fill(
    sources: Sequence[tuple[str, Fetch]],
    keep: Callable[[Any], bool],
    position: dict[str, str],
    *,
    size: int | None = None,
    batch: int | None = None,
    budget: int | None = None,
) -> Page[Any]:
    """One page from `sources` read one after another (each named, e.g. a status), starting at
    `position` ({"source": name, "after": sort key} or {}), keeping rows `keep` accepts. `size`,
    `batch` and `budget` default to the module's PAGE_SIZE, BATCH and BUDGET."""
    size, batch, budget = size or PAGE_SIZE, batch or BATCH, budget or BUDGET
    names = [name for name, _ in sources]
    start = names.index(position["source"]) if position.get("source") in names else 0
    after: str | None = position.get("after") if position.get("source") in names else None
    page: Page[Any] = Page()
    reads = 0
    for index in range(start, len(sources)):
        name, fetch = sources[index]
        while True:
            if reads == budget:
                page.stopped_early = True
                page.next = {"source": name} | ({"after": after} if after is not None else {})
                return page
            rows = fetch(after, batch)
            reads += 1
            for key, row in rows:
                page.searched += 1
                after = key
                if keep(row):
                    page.rows.append(row)
                    if len(page.rows) == size:
                        more = len(rows) == batch or index + 1 < len(sources) or key != rows[-1][0]
                        page.next = {"source": name, "after": key} if more else None
                        return page
            if len(rows) < batch:
                break
        after = None
    return page
