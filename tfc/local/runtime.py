"""The whole system on one machine: the embedded AWS emulator (moto, server mode, 127.0.0.1),
every declared resource, the intake HTTP API, one poller per SQS event source, one ticker per
schedule. Everything runs as threads of this process, so stopping it leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from shared import caches
from shared.resources import RESOURCES, Function
from tfc.local import faults
from tfc.local.consumers import SqsPoller, Ticker, Trace
from tfc.local.faults import FaultPlan
from tfc.local.provision import ACCOUNT_ID, provision, read_parameter

STAGE = "local"
REGION = "us-east-1"
STATE_FILE = Path(".tfc") / "local.json"
log = logging.getLogger("tfc.local")


@dataclass
class RuntimeOptions:
    port: int = 8000
    host: str = "127.0.0.1"
    emulator_port: int = 0  # 0: any free port
    ops_key: str | None = None
    auto_approve: bool = False
    invitation_ttl_seconds: int | None = None
    # Compress time locally by one factor: every function's timeout (its context's remaining time,
    # which Powertools uses as the in-progress expiry), every queue's visibility timeout (6x the
    # consumer's timeout, as declared) and botocore's retry backoff, so their ratios, and hence
    # the retry behaviour, stay AWS's.
    time_scale: float = 1.0
    visibility_timeout: int | None = None  # one value for every queue: breaks the ratios (no-fault tests)
    schedule_seconds: dict[str, float] = field(default_factory=dict)  # by function name
    consumer_workers: int = 2
    schedules: bool = True
    results_files: list[Path] = field(default_factory=list)  # uploaded to the data bucket
    synthetic_results_seed: int | None = 7  # synthetic results when no files are given
    env: dict[str, str] = field(default_factory=dict)
    state_file: Path | None = STATE_FILE
    api_rate_limit: float = 50.0  # API Gateway stage throttling for public requests; 0: off
    api_burst_limit: int = 100
    faults: FaultPlan | None = None  # local fault injection (chaos runs); None: off


class _CompressedSleep:
    """botocore's retry backoff, compressed like every other local timeout and measured:
    botocore.endpoint sleeps between attempts with `time.sleep` and uses nothing else of `time`;
    this stands in for the module there while a runtime runs (restored on stop)."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.slept = 0.0  # seconds spent in backoff, all threads (after compression)
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept += seconds * self.scale
        time.sleep(seconds * self.scale)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _install_backoff_clock(clock: _CompressedSleep | None) -> None:
    import botocore.endpoint

    botocore.endpoint.time = clock or time


class LocalRuntime:
    def __init__(self, options: RuntimeOptions | None = None) -> None:
        self.options = options or RuntimeOptions()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.pollers: dict[str, list[SqsPoller]] = {}
        self.tickers: dict[str, Ticker] = {}
        self.stats: dict[str, dict[str, int]] = {}
        self.queue_urls: dict[str, str] = {}
        self.emulator: Any = None
        self.dynamodb_emulator: Any = None
        self.gateway: Any = None
        self.ops_key = ""
        self.fault_injector: faults.FaultInjector | None = None
        self.trace: Trace | None = None  # every delivery, while a fault plan runs
        self.backoff: _CompressedSleep | None = None  # botocore's retry sleeps, compressed and counted

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> LocalRuntime:
        from shared.settings import Settings
        from tfc.local.emulator import EmulatorProcess

        origination = self.options.env.get("TFC_SMS_ORIGINATION", Settings(stage="local").sms_origination)
        # Two emulator processes, so they use both cores: DynamoDB in one, everything else (SQS,
        # SNS, S3, SES, SSM, which talk to each other inside moto) in the other.
        self.emulator = EmulatorProcess("127.0.0.1", self.options.emulator_port, ACCOUNT_ID, REGION, origination)
        self.dynamodb_emulator = EmulatorProcess("127.0.0.1", 0, ACCOUNT_ID, REGION, origination, "dynamodb")
        # Started side by side: each spends seconds importing moto before it listens.
        with ThreadPoolExecutor(2, thread_name_prefix="emulator-start") as pool:
            starting = [pool.submit(e.start) for e in (self.emulator, self.dynamodb_emulator)]
        try:
            self.endpoint, self.dynamodb_endpoint = (s.result() for s in starting)
        except OSError:
            for emulator in (self.emulator, self.dynamodb_emulator):
                emulator.stop()  # the one that did start would otherwise outlive us until we exit
            raise
        self._configure_environment()
        session = boto3.session.Session(region_name=REGION)
        settings = self._settings()
        self.queue_urls = provision(
            session,
            STAGE,
            sender=settings.sender,
            reply_domain=settings.reply_domain,
            parameters={"ops-api-key": self.options.ops_key} if self.options.ops_key else None,
            visibility_timeout=self.options.visibility_timeout,
            time_scale=self.options.time_scale,
        )
        self.ops_key = read_parameter(session, STAGE, "ops-api-key")
        self.backoff = _CompressedSleep(self.options.time_scale)
        _install_backoff_clock(self.backoff)
        self._upload_results(session)
        if self.options.faults is not None:  # after provisioning: set-up is not under test
            self.fault_injector = faults.install(self.options.faults)
            self.trace = Trace()
        self._start_gateway()
        self._start_consumers(session)
        if self.options.schedules:
            self._start_schedules()
        self._write_state()
        return self

    def _configure_environment(self) -> None:
        env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "TFC_STAGE": STAGE,
            "TFC_SMS_ADAPTER": "sns",
            "TFC_EMAIL_RATE_PER_SECOND": "200",  # the emulator has no SES quota; AWS uses the default
            "TFC_PUBLIC_URL": f"http://{self.options.host}:{self.options.port}",
            "TFC_AUTO_APPROVE": "1" if self.options.auto_approve else "",
        }
        if self.options.invitation_ttl_seconds:
            env["TFC_INVITATION_TTL_SECONDS"] = str(self.options.invitation_ttl_seconds)
        os.environ.update(env | self.options.env)
        caches.reset()  # every cache made from the previous environment

    @staticmethod
    def _settings() -> Any:
        from shared.settings import get_settings

        return get_settings()

    def _upload_results(self, session: boto3.session.Session) -> None:
        s3 = session.client("s3")
        bucket = self._settings().bucket("data")
        for path in self.options.results_files:
            s3.put_object(Bucket=bucket, Key=f"results/{path.name}", Body=path.read_bytes())
        if not self.options.results_files and self.options.synthetic_results_seed is not None:
            from tfc.demo.synthetic import election_results

            body = election_results(seed=self.options.synthetic_results_seed).encode()
            s3.put_object(Bucket=bucket, Key="results/synthetic_va_lower.csv", Body=body)

    def _start_gateway(self) -> None:
        from services.intake.app import app
        from tfc.local.gateway import Gateway
        from tfc.local.routes import local

        if "/_local/outbox" not in app.routes:
            app.register_blueprint(local)
        self.gateway = Gateway(
            app,
            self.options.host,
            self.options.port,
            self.options.api_rate_limit,
            self.options.api_burst_limit,
            staff_key=self.ops_key,
        )
        self.gateway.start()

    def _start_consumers(self, session: boto3.session.Session) -> None:
        sqs = session.client("sqs")
        for function in RESOURCES.functions:
            if function.sqs is None:
                continue
            stats = self.stats.setdefault(function.name, {})
            workers = max(1, min(self.options.consumer_workers, function.sqs.max_concurrency))
            self.pollers[function.name] = []
            for worker in range(workers):
                poller = SqsPoller(
                    sqs,
                    self.queue_urls[function.sqs.queue],
                    function,
                    REGION,
                    self._stop,
                    stats,
                    worker,
                    time_scale=self.options.time_scale,
                    trace=self.trace,
                )
                poller.start()
                self.pollers[function.name].append(poller)
                self._threads.append(poller)

    def _start_schedules(self) -> None:
        for schedule, function in RESOURCES.schedules:
            interval = self.options.schedule_seconds.get(function.name, schedule.local_seconds)
            ticker = Ticker(function, interval, REGION, self._stop, fire_at_start=function.service == "scoring")
            ticker.time_scale = self.options.time_scale
            ticker.start()
            self.tickers[function.name] = ticker
            self._threads.append(ticker)

    def _write_state(self) -> None:
        if self.options.state_file is None:
            return
        path = self.options.state_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "api": self.url,
                    "endpoint": self.endpoint,
                    "dynamodb_endpoint": self.dynamodb_endpoint,
                    "ops_key": self.ops_key,
                    "stage": STAGE,
                    "region": REGION,
                    "pid": os.getpid(),
                }
            )
        )
        path.chmod(0o600)

    def stop(self) -> None:
        self._stop.set()
        for ticker in self.tickers.values():
            ticker.wake()  # out of its period's wait now, not at its end
        _install_backoff_clock(None)
        if self.fault_injector is not None:
            faults.uninstall()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.gateway is not None:
            self.gateway.stop()
        for emulator in (self.emulator, self.dynamodb_emulator):
            if emulator is not None:
                emulator.stop()
        if self.options.state_file is not None and self.options.state_file.exists():
            self.options.state_file.unlink()

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- helpers for the CLI, the demo and tests --------------------------------------------

    @property
    def url(self) -> str:
        return self.gateway.url if self.gateway else ""

    def function(self, name: str) -> Function:
        return RESOURCES.function(name)

    def fire(self, function_name: str) -> Any:
        """Run a scheduled function now (tests and the demo do not wait for its interval)."""
        ticker = self.tickers.get(function_name) or Ticker(self.function(function_name), 0, REGION, self._stop)
        return ticker.fire()

    def queue_depths(self) -> dict[str, int]:
        sqs = boto3.session.Session(region_name=REGION).client("sqs")
        depths = {}
        for name, url in self.queue_urls.items():
            attributes = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
            )["Attributes"]
            depths[name] = int(attributes["ApproximateNumberOfMessages"]) + int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            )
        return depths
