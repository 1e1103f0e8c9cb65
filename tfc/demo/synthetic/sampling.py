"""Seeded drawing helpers shared by the generators. Precomputed cumulative weights keep 15k volunteers
well under 1 s."""

from __future__ import annotations

import hashlib
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed weighted distribution; `pick` is one bisect on precomputed cumulative weights."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self._items = [item for item, _ in pairs]
        self._cum = list(accumulate(w for _, w in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: Random) -> T:
        return self._items[bisect(self._cum, rng.random() * self._total)]


def sample_weighted(rng: Random, weights: dict[str, float], k: int) -> list[str]:
    """k distinct keys drawn with probability proportional to weight (no replacement)."""
    pool = dict(weights)
    chosen: list[str] = []
    for _ in range(min(k, len(pool))):
        key = Weighted(list(pool.items())).pick(rng)
        chosen.append(key)
        del pool[key]
    return chosen


def unit(*parts: str) -> float:
    """A uniform number in [0, 1) determined only by `parts` (SHA-256: the same in every process)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
