"""Rate limits at the local gateway, as WAF's rate-based rules apply them in AWS: requests
counted over a sliding window per client (or from everyone), refused with 429 and Retry-After
once a limit is reached. The limits come from shared/throttles.py."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from shared.throttles import RateLimit


class EdgeLimits:
    """Sliding-window counters for a set of RateLimits. Only admitted requests are counted, so a
    client that waits out its Retry-After gets in."""

    def __init__(self, limits: Iterable[RateLimit], clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = tuple(limits)
        self._clock = clock
        self._seen: dict[tuple[str, str], deque[float]] = {}  # (rule, client or "") -> admitted times
        self._lock = threading.Lock()

    def retry_after(self, method: str, path: str, client: str) -> int | None:
        """None (and the request counted) when every limit on (method, path) admits `client`;
        otherwise the whole seconds until the fullest limit would admit it (>= 1)."""
        path = path.split("?", 1)[0]
        matching = [limit for limit in self.limits if limit.method == method and limit.path == path]
        if not matching:
            return None
        with self._lock:
            now = self._clock()
            windows = []
            wait = 0.0
            for limit in matching:
                seen = self._seen.setdefault((limit.name, client if limit.per == "client" else ""), deque())
                while seen and seen[0] <= now - limit.window_seconds:
                    seen.popleft()
                if len(seen) >= limit.requests:
                    wait = max(wait, seen[0] + limit.window_seconds - now)
                windows.append(seen)
            if wait > 0:
                return max(1, math.ceil(wait))
            for seen in windows:
                seen.append(now)
            if len(self._seen) > 10_000:  # forget clients whose windows emptied (a spread-out flood)
                self._seen = {k: v for k, v in self._seen.items() if v}
            return None
