"""A page of one partition, read in sort-key order: what every console list asks of the store.

The cursor of a list is the sort key of the last row it showed (`after`): the adapters turn it
into DynamoDB's ExclusiveStartKey, the memory store compares it. Keys end in `#<id>`, so the base
key of an index row is known from its sort key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyRange:
    """One page of a partition (a directory facet, a pool, an index partition) in sort-key
    order: `begins` (sk prefix) or `at_least` (sk >= it), after the sk `after` (exclusive), at
    most `limit` rows, `descending` for the highest keys first."""

    limit: int
    begins: str = ""
    at_least: str = ""
    after: str | None = None
    descending: bool = False

    def admits(self, sk: str) -> bool:
        """Whether a row with this sk belongs to the page's range (the memory store's check)."""
        if self.begins and not sk.startswith(self.begins):
            return False
        if self.at_least and sk < self.at_least:
            return False
        if self.after is not None:
            return sk < self.after if self.descending else sk > self.after
        return True
