"""A Lambda context object with the attributes handlers and Powertools read."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from tfc.local.provision import ACCOUNT_ID


@dataclass
class LocalContext:
    function_name: str
    timeout_seconds: float  # compressed locally (RuntimeOptions.time_scale)
    memory_limit_in_mb: int = 512
    region: str = "us-east-1"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        left = self.timeout_seconds - (time.monotonic() - self._started)
        return max(int(left * 1000), 0)
