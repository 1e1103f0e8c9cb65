"""Serve the intake chalice app over HTTP as API Gateway would (payload limit included)."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from typing import Any

from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    ThreadedHTTPServer,
)

from shared.throttles import LOGIN_LIMITS, REFUSAL, RateLimit
from tfc.local import faults
from tfc.local.throttle import EdgeLimits

API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024
DRAIN_BEFORE_CLOSE = 64 * 1024  # bytes of a refused request's body read before closing (forms, JSON)
# API Gateway's stage throttling (infra/config.py: api_rate_limit, api_burst_limit), applied here
# to public requests (without the ops key): the forms are where bursts come from, and the demo's staff
# calls are not rate-limited clients.
RATE_PER_SECOND = 50.0
BURST = 100
log = logging.getLogger("tfc.local.http")
TOO_MANY = '{"errors": [{"field": "request", "message": "too many requests: slow down and retry"}]}'


class Throttle:
    """A token bucket that refuses rather than waits (429, as API Gateway answers)."""

    def __init__(self, rate: float, burst: int, clock: Any = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, float(burst), clock
        self._tokens, self._last = float(burst), clock()
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True


class _Handler(ChaliceRequestHandler):
    throttle: Throttle | None = None
    edge_limits: EdgeLimits | None = None
    staff_key: str = ""

    def _refuse(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        """Answer before the app runs, and close the connection. A small request body is read
        first: closing a socket with unread bytes sends a reset, which can reach the client before
        the answer does (it would see "connection reset" instead of the 429)."""
        try:
            length = int(self.headers.get("content-length", "0"))
        except ValueError:
            length = -1
        if 0 < length <= DRAIN_BEFORE_CLOSE:
            self.rfile.read(length)
        headers = {"Content-Type": "application/json", "Connection": "close"} | (headers or {})
        self._send_http_response(status, headers, body)
        self.close_connection = True

    def _generic_handle(self) -> None:
        # A keep-alive connection's thread serves many requests: decide for each one. /_local/
        # plays AWS's own side (SES receiving mail, the outbox) and is never under test.
        injector = faults.active()
        faults.exempt_this_thread(injector is None or not injector.plan.http or self.path.startswith("/_local/"))
        if self.edge_limits is not None:  # the log-in throttle (WAF's rate rules in AWS)
            wait = self.edge_limits.retry_after(self.command, self.path, self.client_address[0])
            if wait is not None:
                self._refuse(429, REFUSAL, {"Retry-After": str(wait)})
                return
        key = self.headers.get("x-api-key") or ""
        staff = bool(self.staff_key) and hmac.compare_digest(key.encode(), self.staff_key.encode())
        public = not self.path.startswith("/_local/") and not staff
        if public and self.throttle is not None and not self.throttle.allow():
            self._refuse(429, TOO_MANY, {"Retry-After": "1"})
            return
        try:
            length = int(self.headers.get("content-length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > API_GATEWAY_MAX_PAYLOAD:
            # API Gateway refuses such bodies before the function runs; so do we, unread.
            self._refuse(413, '{"errors": [{"field": "body", "message": "is too large"}]}')
            return
        super()._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _send_http_response_with_body(self, code: int, headers: Any, body: str | bytes) -> None:
        if self.command == "HEAD":  # never a body after HEAD, whatever the answer (405 included)
            headers["Content-Length"] = "0"
            self.send_response(code)
            self._send_headers(headers)
            return
        super()._send_http_response_with_body(code, headers, body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class _Server(ThreadedHTTPServer):
    # socketserver's default listen backlog is 5: a burst of simultaneous connections (sixteen
    # replies at once, a page's parallel asset requests) overflowed it and a client saw
    # "connection reset by peer". API Gateway accepts them all; 128 is werkzeug's and nginx's default.
    request_queue_size = 128


class Gateway:
    def __init__(
        self,
        app: Any,
        host: str,
        port: int,
        rate: float = RATE_PER_SECOND,
        burst: int = BURST,
        staff_key: str = "",
        limits: tuple[RateLimit, ...] = LOGIN_LIMITS,
    ) -> None:
        throttle = Throttle(rate, burst) if rate > 0 else None
        attributes = {"throttle": throttle, "edge_limits": EdgeLimits(limits), "staff_key": staff_key}
        handler = type("Handler", (_Handler,), attributes)
        config = Config.create(chalice_stage="local", app_name=app.app_name)
        if not isinstance(app, CustomLocalChalice):  # what chalice.local.create_local_server does,
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)  # but safe to repeat
            app.__class__ = CustomLocalChalice
        server = LocalDevServer(app, config, host, port, handler_cls=handler, server_cls=_Server)
        self.server = server
        self.host, self.port = server.server.server_address[:2]
        self._thread = threading.Thread(target=server.server.serve_forever, name="http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.server.shutdown()
        self.server.server.server_close()
        self._thread.join(timeout=5)
