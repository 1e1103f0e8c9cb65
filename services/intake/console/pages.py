"""Renders the console's templates. Autoescaped: every value staff or the public typed is escaped."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from services.intake.console import words
from services.intake.forms import STATUS_LABELS

_env = Environment(
    loader=PackageLoader("services.intake.console", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(words.FILTERS)


def render(
    name: str, *, csrf: str = "", notice: str = "", errors: list[dict[str, str]] | None = None, **ctx: Any
) -> str:
    return _env.get_template(f"{name}.html").render(
        csrf=csrf, notice=notice, errors=errors or [], status_labels=STATUS_LABELS, **ctx
    )
