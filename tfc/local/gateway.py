"""Serve the intake chalice app over HTTP as API Gateway would (payload limit included)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer

API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024
log = logging.getLogger("tfc.local.http")


class _Handler(ChaliceRequestHandler):
    def _generic_handle(self) -> None:
        try:
            length = int(self.headers.get("content-length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > API_GATEWAY_MAX_PAYLOAD:
            # API Gateway refuses such bodies before the function runs; so do we, unread.
            self._send_http_response(
                413,
                {"Content-Type": "application/json", "Connection": "close"},
                '{"errors": [{"field": "body", "message": "is too large"}]}',
            )
            self.close_connection = True
            return
        super()._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class Gateway:
    def __init__(self, app: Any, host: str, port: int) -> None:
        config = Config.create(chalice_stage="local", app_name=app.app_name)
        if not isinstance(app, CustomLocalChalice):  # what chalice.local.create_local_server does,
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)  # but safe to repeat
            app.__class__ = CustomLocalChalice
        server = LocalDevServer(app, config, host, port, handler_cls=_Handler)
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
