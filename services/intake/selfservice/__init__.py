"""The self-service pages (issue 15): confirm a sign-up or change, "My volunteering", a new link,
the campaign's status. Server-rendered, no script, the forms' look (they extend the forms' base
template), every value escaped by autoescape."""

from __future__ import annotations

from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

_env = Environment(
    loader=ChoiceLoader(
        [PackageLoader("services.intake.selfservice", "templates"), PackageLoader("services.intake.forms", "templates")]
    ),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    """`template` (a file of templates/) with `context`; `errors` defaults to none."""
    context.setdefault("errors", [])
    context.setdefault("has_errors", bool(context["errors"]))
    return _env.get_template(template).render(**context)


def message(
    title: str, *lines: str, link: dict[str, str] | None = None, errors: list[dict[str, str]] | None = None
) -> str:
    return render("message.html", title=title, lines=list(lines), link=link, errors=errors or [])
