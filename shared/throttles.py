"""The one declaration of the log-in throttle: how many console log-in attempts are admitted per
client and from everyone together. The local gateway enforces it (tfc/local/throttle.py) and
infra/api.py turns each limit into a WAF rate-based rule, so the two cannot drift.

Why these numbers: staff are a handful of people who type the key rarely, sometimes from one office
address; 20 tries in 5 minutes per address leaves room for typos, reloads and colleagues, while a
guesser from one address gets 5,760 a day, and 100 in 5 minutes from everyone caps a spread-out
guesser at 28,800 a day, against a random key of 16 or more characters (tfc up refuses shorter
ones): the key's length is the defence, the throttle keeps guessing slow and visible. The window
and the floor are WAF's: a rate-based rule counts over 60, 120, 300 or 600 seconds, and its
smallest limit is 10 requests (AWS WAF developer guide, "Rate-based rule statement").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WAF_WINDOWS = (60, 120, 300, 600)
WAF_MIN_LIMIT = 10


@dataclass(frozen=True)
class RateLimit:
    name: str  # the WAF rule's name
    method: str
    path: str  # the route as the app declares it (API Gateway's stage prefix is not part of it)
    requests: int  # admitted per window
    window_seconds: int
    per: Literal["client", "everyone"]  # counted per source address, or all together

    def __post_init__(self) -> None:
        if self.window_seconds not in WAF_WINDOWS:
            raise ValueError(f"{self.name}: window_seconds must be one of {WAF_WINDOWS} (what WAF can count over)")
        if self.requests < WAF_MIN_LIMIT:
            raise ValueError(f"{self.name}: requests must be at least {WAF_MIN_LIMIT} (WAF's smallest limit)")


# What a throttled log-in is answered (our refusal shape), by the local gateway and by WAF alike.
REFUSAL = '{"errors": [{"field": "ops_key", "message": "too many log-in attempts: wait and try again"}]}'

LOGIN_PER_CLIENT = RateLimit("login-per-client", "POST", "/console/login", 20, 300, "client")
LOGIN_OVERALL = RateLimit("login-overall", "POST", "/console/login", 100, 300, "everyone")
LOGIN_LIMITS = (LOGIN_PER_CLIENT, LOGIN_OVERALL)
