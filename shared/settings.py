"""Runtime settings, read from the environment once and validated: missing config fails closed."""

from __future__ import annotations

import os
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator

from shared import caches
from shared.resources import parameter_path, physical_name


class ConfigError(RuntimeError):
    """The environment is missing or has a bad setting; the function refuses to run."""


class Settings(BaseModel):
    stage: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    region: str = "us-east-1"
    sender: str = "Tech for Campaigns <team@mail.techforcampaigns.test>"
    reply_domain: str = "reply.techforcampaigns.test"
    postal_address: str = "Tech for Campaigns, PO Box 0000, Washington, DC 20000"
    public_url: str = "http://127.0.0.1:8000"
    sms_origination: str = "+12025550100"
    auto_approve: bool = False
    invitation_ttl_seconds: int = Field(default=72 * 3600, ge=10)
    invites_per_slot: int = Field(default=2, ge=1, le=5)
    max_pending_invitations: int = Field(default=3, ge=1)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Console sessions end after this long without a request, and this long after log-in whatever
    # happens (OWASP's session guidance: minutes idle, hours absolute, for a high-value app).
    console_idle_seconds: int = Field(default=30 * 60, ge=60)
    console_session_seconds: int = Field(default=8 * 3600, ge=300)
    # Issue 15: an unconfirmed sign-up (or change) is deleted after this long; CTIA and the usual
    # double opt-in practice give a day or two. Personal page links last 30 days, then a new one
    # is a click away on the public page.
    signup_ttl_seconds: int = Field(default=48 * 3600, ge=10)
    personal_link_seconds: int = Field(default=30 * 86400, ge=60)
    # The zone staff read times in (the console shows dates to the minute in it).
    program_time_zone: str = "America/New_York"

    @field_validator("program_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a tz database zone (e.g. America/Chicago)") from exc
        return value

    def table(self, name: str) -> str:
        return physical_name(self.stage, name)

    def queue(self, name: str) -> str:
        return physical_name(self.stage, name)

    def bucket(self, name: str) -> str:
        return physical_name(self.stage, name)

    def topic(self, name: str) -> str:
        return physical_name(self.stage, name)

    def parameter(self, name: str) -> str:
        return parameter_path(self.stage, name)


_ENV = {
    "stage": "TFC_STAGE",
    "region": "AWS_REGION",
    "sender": "TFC_SENDER",
    "reply_domain": "TFC_REPLY_DOMAIN",
    "postal_address": "TFC_POSTAL_ADDRESS",
    "public_url": "TFC_PUBLIC_URL",
    "sms_origination": "TFC_SMS_ORIGINATION",
    "auto_approve": "TFC_AUTO_APPROVE",
    "invitation_ttl_seconds": "TFC_INVITATION_TTL_SECONDS",
    "invites_per_slot": "TFC_INVITES_PER_SLOT",
    "max_pending_invitations": "TFC_MAX_PENDING_INVITATIONS",
    "max_body_bytes": "TFC_MAX_BODY_BYTES",
    "console_idle_seconds": "TFC_CONSOLE_IDLE_SECONDS",
    "console_session_seconds": "TFC_CONSOLE_SESSION_SECONDS",
    "signup_ttl_seconds": "TFC_SIGNUP_TTL_SECONDS",
    "personal_link_seconds": "TFC_PERSONAL_LINK_SECONDS",
    "program_time_zone": "TFC_PROGRAM_TIME_ZONE",
}


@cache
def get_settings() -> Settings:
    values = {field: os.environ[var] for field, var in _ENV.items() if os.environ.get(var)}
    if "region" not in values and os.environ.get("AWS_DEFAULT_REGION"):
        values["region"] = os.environ["AWS_DEFAULT_REGION"]
    if "stage" not in values:
        raise ConfigError("TFC_STAGE is not set: refusing to guess which stage's resources to use")
    try:
        return Settings(**values)
    except ValidationError as exc:
        bad = ", ".join(f"{_ENV.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"bad configuration: {bad}") from exc


@caches.register
def reset_settings() -> None:
    """Forget cached settings (tests and the local runtime change the environment)."""
    get_settings.cache_clear()
