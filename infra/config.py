"""Per-stage settings, from CDK context (`-c stage=prod`, or `cdk.json`'s `stages` block).

Only what differs between stages lives here; the resources themselves come from
shared/resources.py. Values a function reads at run time become its environment variables under
the names shared/settings.py reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The environment variable each Settings field is read from (shared/settings.py's _ENV), minus
# AWS_REGION, which Lambda sets itself and refuses as a user variable.
DEFAULTS: dict[str, Any] = {
    "account": "123456789012",  # a placeholder: synth never contacts AWS; `make deploy` passes the real one
    "region": "us-east-1",
    "sender": "Tech for Campaigns <team@mail.techforcampaigns.test>",
    "reply_domain": "reply.techforcampaigns.test",
    "postal_address": "Tech for Campaigns, PO Box 0000, Washington, DC 20000",
    "public_url": "",  # empty: the API's own URL
    "sms_origination": "+12025550100",
    "alarm_email": "",
    "api_rate_limit": 50,  # requests per second, stage-wide (API Gateway stage throttling)
    "api_burst_limit": 100,
    "waf_rate_limit": 300,  # requests per 5 minutes from one IP before WAF blocks it
    "log_retention_days": 30,
    "retain_data": False,  # tables and buckets survive `cdk destroy` (on for prod)
    "oldest_message_alarm_seconds": 900,
}

STAGE_OVERRIDES: dict[str, dict[str, Any]] = {
    "dev": {},
    "staging": {"log_retention_days": 60},
    "prod": {
        "retain_data": True,
        "log_retention_days": 365,
        "api_rate_limit": 200,
        "api_burst_limit": 400,
        "waf_rate_limit": 1000,
    },
}


@dataclass(frozen=True)
class StageConfig:
    stage: str
    account: str
    region: str
    sender: str
    reply_domain: str
    postal_address: str
    public_url: str
    sms_origination: str
    alarm_email: str
    api_rate_limit: int
    api_burst_limit: int
    waf_rate_limit: int
    log_retention_days: int
    retain_data: bool
    oldest_message_alarm_seconds: int

    @property
    def sender_domain(self) -> str:
        return self.sender.split("<")[-1].strip(" >").rsplit("@", 1)[-1]

    def function_environment(self) -> dict[str, str]:
        """What shared/settings.py reads, for every function of this stage."""
        env = {
            "TFC_STAGE": self.stage,
            "TFC_SENDER": self.sender,
            "TFC_REPLY_DOMAIN": self.reply_domain,
            "TFC_POSTAL_ADDRESS": self.postal_address,
            "TFC_SMS_ORIGINATION": self.sms_origination,
            "TFC_SMS_ADAPTER": "eum",  # AWS End User Messaging SMS (SNS publish is the local stand-in)
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        if self.public_url:
            env["TFC_PUBLIC_URL"] = self.public_url
        return env


def stage_config(stage: str, context: dict[str, Any] | None = None) -> StageConfig:
    """DEFAULTS, then the stage's overrides, then anything given as context (`-c key=value`)."""
    if stage not in STAGE_OVERRIDES and not (context or {}).get("allow_custom_stage"):
        raise ValueError(f"stage: {stage!r} is not one of {sorted(STAGE_OVERRIDES)}")
    values = DEFAULTS | STAGE_OVERRIDES.get(stage, {})
    for key, value in (context or {}).items():
        if key in values and value is not None:
            values[key] = type(DEFAULTS[key])(value) if not isinstance(DEFAULTS[key], bool) else _bool(value)
    return StageConfig(stage=stage, **values)


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
