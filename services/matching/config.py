"""Matching's own settings, from the environment, validated (a bad value names the variable)."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field, ValidationError

from services.matching.domain.pool import Rules
from shared import caches
from shared.settings import ConfigError, Settings


class MatchingConfig(BaseModel):
    max_waves: int = Field(default=5, ge=1)  # then a project still short is flagged needs_attention
    max_invites_14d: int = Field(default=6, ge=1)
    acceptance_rate: float | None = Field(default=None, gt=0.0, le=1.0)  # None: 1 / invites_per_slot
    max_invites_per_slot: int = Field(default=4, ge=1)
    reminder_seconds: int = Field(default=24 * 3600, ge=0)  # remind this long before expiry (0: never)
    write_threads: int = Field(default=8, ge=1, le=64)
    # A wave stops writing after this long (between chunks of invitations); what it did not write the
    # next tick plans again, with projects that have nothing out first (usecases/wave.py).
    wave_write_seconds: float = Field(default=60.0, gt=0.0)

    def rules(self, settings: Settings) -> Rules:
        return Rules(
            max_pending=settings.max_pending_invitations,
            max_invites_14d=self.max_invites_14d,
            acceptance_rate=self.acceptance_rate or 1.0 / settings.invites_per_slot,
            max_invites_per_slot=self.max_invites_per_slot,
        )

    def reminder_window(self, invitation_ttl_seconds: int) -> int:
        """Never more than a third of the invitation's life (compressed demo time stays sensible)."""
        return min(self.reminder_seconds, invitation_ttl_seconds // 3)


_ENV = {
    "max_waves": "TFC_MATCHING_MAX_WAVES",
    "max_invites_14d": "TFC_MATCHING_MAX_INVITES_14D",
    "acceptance_rate": "TFC_MATCHING_ACCEPTANCE_RATE",
    "max_invites_per_slot": "TFC_MATCHING_MAX_INVITES_PER_SLOT",
    "reminder_seconds": "TFC_MATCHING_REMINDER_SECONDS",
    "write_threads": "TFC_MATCHING_WRITE_THREADS",
    "wave_write_seconds": "TFC_MATCHING_WAVE_WRITE_SECONDS",
}


@cache
def matching_config() -> MatchingConfig:
    values = {field: os.environ[var] for field, var in _ENV.items() if os.environ.get(var)}
    try:
        return MatchingConfig(**values)
    except ValidationError as exc:
        bad = ", ".join(f"{_ENV.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"bad matching configuration: {bad}") from exc


caches.register(matching_config.cache_clear)
