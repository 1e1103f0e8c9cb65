"""The one resource declaration obeys the rules every queue and function must follow."""

import importlib
import re

from shared.events import QUEUE_EVENTS
from shared.resources import RESOURCES, VISIBILITY_TIMEOUT_FACTOR


def test_every_queue_has_a_dlq_a_sane_receive_count_and_a_consumer():
    for queue in RESOURCES.queues:
        assert 3 <= queue.max_receive_count <= 5
        assert queue.dlq_name == f"{queue.name}-dlq"
        consumer = RESOURCES.consumer_of(queue.name)
        assert consumer.sqs is not None and consumer.sqs.report_batch_item_failures


def test_visibility_timeout_is_at_least_six_times_the_consumer_timeout():
    for function in RESOURCES.functions:
        if function.sqs:
            assert (
                RESOURCES.visibility_timeout(function.sqs.queue) >= VISIBILITY_TIMEOUT_FACTOR * function.timeout_seconds
            )


def test_every_handler_imports_the_way_lambda_will():
    for function in RESOURCES.functions:
        module, _, attribute = function.handler.partition(":")
        assert callable(getattr(importlib.import_module(module), attribute)), function.name


def test_schedules_are_valid_eventbridge_expressions():
    for schedule, _ in RESOURCES.schedules:
        assert re.match(r"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$", schedule.expression)


def test_queues_with_our_events_have_schemas_and_topics_feed_declared_queues():
    names = {q.name for q in RESOURCES.queues}
    assert set(QUEUE_EVENTS) <= names
    for topic in RESOURCES.topics:
        assert set(topic.subscribers) <= names


def test_tables_have_ttl_and_the_main_table_has_its_indexes():
    main = RESOURCES.table("main")
    assert [i.name for i in main.indexes] == ["gsi1", "gsi2", "gsi3"]
    assert all(t.ttl_attribute for t in RESOURCES.tables)
