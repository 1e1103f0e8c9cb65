"""`tfc notify ...`: staff tools for the notify service (no AWS needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

notify = typer.Typer(help="Notify: read replies the way the inbound handler does.", no_args_is_help=True)


@notify.command("classify-reply")
def classify_reply(
    paths: Annotated[list[Path], typer.Argument(help="Raw messages (.eml) or plain-text bodies.")],
) -> None:
    """Print one JSON object per file: {"path", "intent", "reply_text", "auto_reply"}.

    Runs the handler's own reading code (services/notify/domain/reading.py). An auto-reply is
    dropped by the handler whatever its text says; `auto_reply` shows that."""
    from services.notify.domain.reading import read_any

    failed = False
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            typer.echo(json.dumps({"path": str(path), "error": exc.strerror or str(exc)}), err=True)
            failed = True
            continue
        reading = read_any(data)
        typer.echo(
            json.dumps(
                {
                    "path": str(path),
                    "intent": reading.intent,
                    "reply_text": reading.reply_text,
                    "auto_reply": reading.auto_reply,
                },
                ensure_ascii=False,
            )
        )
    if failed:
        sys.exit(1)
