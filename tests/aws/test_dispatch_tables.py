"""Each consumer's dispatch table routes exactly the events its queue carries, each to a handler
written for that class: a new event (or a V2) without a handler, or two rows crossed, fails here
rather than in production."""

from __future__ import annotations

import typing

from services.matching import handlers as matching
from services.matching.usecases.lifecycle import Lifecycle
from services.notify import handlers as notify
from services.notify.usecases.outbound import Outbound
from shared.batch import Routes
from shared.events import QUEUE_SCHEMAS
from shared.publisher import publish
from shared.settings import get_settings
from shared.storage import main_store
from shared.storage.contact import contact_state


def handled_class(handler: typing.Callable[..., None]) -> type:
    hints = typing.get_type_hints(handler)
    hints.pop("return", None)
    [(_, cls)] = hints.items()  # one parameter: the event
    return cls


def assert_routes(routes: Routes, queue: str) -> None:
    assert sorted(c.__name__ for c in routes) == sorted(c.__name__ for c in QUEUE_SCHEMAS[queue])
    crossed = {c.__name__: handled_class(h).__name__ for c, h in routes.items() if handled_class(h) is not c}
    assert not crossed, f"handlers written for another event: {crossed}"


def test_notify_routes_every_notify_event_to_its_sender(aws):
    out = Outbound(main_store(), get_settings(), notify.logger, contact_state(), notify.defer)
    assert_routes(notify.send_routes(out), "notify")


def test_matching_routes_every_matching_event_to_its_use_case(aws):
    lifecycle = Lifecycle(main_store(), publish, matching.logger)
    assert_routes(matching.routes(matching._staffing(), lifecycle), "matching")
