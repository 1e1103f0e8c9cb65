"""The log-in throttle as the local gateway applies it (tfc/local/throttle.py) from the one
declaration (shared/throttles.py): per client, from everyone, with the wait it answers."""

from __future__ import annotations

import pytest

from shared.throttles import LOGIN_LIMITS, LOGIN_OVERALL, LOGIN_PER_CLIENT, RateLimit
from tfc.local.throttle import EdgeLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_client_gets_its_share_then_waits_while_others_still_log_in():
    clock = Clock()
    limits = EdgeLimits(LOGIN_LIMITS, clock)
    for _ in range(LOGIN_PER_CLIENT.requests):
        assert limits.retry_after("POST", "/console/login", "10.0.0.1") is None
        clock.now += 1
    wait = limits.retry_after("POST", "/console/login?next=/console", "10.0.0.1")
    assert wait == LOGIN_PER_CLIENT.window_seconds - LOGIN_PER_CLIENT.requests  # until the first try ages out
    assert limits.retry_after("POST", "/console/login", "10.0.0.2") is None  # another client
    assert limits.retry_after("GET", "/console/login", "10.0.0.1") is None  # the page itself
    assert limits.retry_after("POST", "/campaigns", "10.0.0.1") is None  # other routes
    clock.now += wait
    assert limits.retry_after("POST", "/console/login", "10.0.0.1") is None  # waited out: admitted


def test_everyone_together_is_capped_too():
    clock = Clock()
    limits = EdgeLimits(LOGIN_LIMITS, clock)
    clients = LOGIN_OVERALL.requests // LOGIN_PER_CLIENT.requests
    for n in range(clients):
        for _ in range(LOGIN_PER_CLIENT.requests):
            assert limits.retry_after("POST", "/console/login", f"10.0.1.{n}") is None
    assert limits.retry_after("POST", "/console/login", "10.0.2.1") == LOGIN_OVERALL.window_seconds
    clock.now += LOGIN_OVERALL.window_seconds
    assert limits.retry_after("POST", "/console/login", "10.0.2.1") is None


def test_a_limit_waf_cannot_count_is_refused_at_declaration():
    with pytest.raises(ValueError, match="window_seconds"):
        RateLimit("x", "POST", "/console/login", 10, 90, "client")
    with pytest.raises(ValueError, match="at least 10"):
        RateLimit("x", "POST", "/console/login", 5, 300, "client")
