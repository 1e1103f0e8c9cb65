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
    invited: Annotated[
        str | None,
        typer.Option("--invited", help="The invited volunteer's address: adds sender_ok (is the sender them?)."),
    ] = None,
) -> None:
    """Print one JSON object per file: {"path", "intent", "reply_text", "auto_reply"} (+ "sender_ok"
    with --invited).

    Runs the handler's own reading code (services/notify/domain/reading.py). An auto-reply or a
    bounce (a delivery status notification) is dropped by the handler whatever its text says;
    `auto_reply` shows that. With
    `--invited`, `sender_ok` is the handler's own sender check: false means the reply would go to
    the staff queue as "from another address", never applied."""
    from services.notify.domain.addresses import same_mailbox
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
                }
                | ({"sender_ok": same_mailbox(reading.sender, invited)} if invited is not None else {}),
                ensure_ascii=False,
            )
        )
    if failed:
        sys.exit(1)


@notify.command("classify-sms")
def classify_sms(texts: Annotated[list[str], typer.Argument(help="Inbound texts, each one argument.")]) -> None:
    """Print one JSON object per text: {"text", "keyword": stop|start|help|yes|no|unclear, "code"}.

    Runs the inbound handler's own reading (services/notify/domain/sms.py `read`). A reaction
    ('Liked "..."') is `unclear` and the handler sends nothing back to it."""
    from services.notify.domain.sms import read

    for text in texts:
        reply = read(text)
        typer.echo(json.dumps({"text": text, "keyword": reply.keyword, "code": reply.code}, ensure_ascii=False))
