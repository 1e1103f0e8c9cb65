"""The pipeline's counting (shared/pipeline_counts.py): what a move adds, how the figures read
back, and that applying every move's deltas lands where a recount of the projects does."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from shared.ids import derived_id, new_id
from shared.models import Project
from shared.pipeline_counts import (
    OPT_INS,
    PipelineCounts,
    counts_from_counters,
    creation_deltas,
    recount,
    transition_deltas,
    wait_bucket,
)
from shared.storage import keys
from shared.storage.counters import SHARDS, counter_shard, counter_update
from shared.storage.memory import memory_store
from tests.aws.builders import approved_project

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_a_move_takes_one_from_the_status_it_leaves_and_gives_one_to_the_next():
    assert transition_deltas("matching", "staffed") == {"status:matching": -1, "status:staffed": 1}


def test_a_move_to_the_same_status_counts_nothing_but_a_staffing_still_records_its_wait():
    assert transition_deltas("matching", "matching") == {}
    assert transition_deltas("matching", "matching", waited_hours=3.25) == {"wait:3.2": 1}


def test_a_second_staffing_replaces_the_projects_earlier_wait():
    deltas = transition_deltas("matching", "staffed", waited_hours=30.0, replaced_wait=2.0)
    assert deltas == {"status:matching": -1, "status:staffed": 1, "wait:30.0": 1, "wait:2.0": -1}
    same_bucket = transition_deltas("matching", "staffed", waited_hours=2.04, replaced_wait=2.01)
    assert same_bucket == {"status:matching": -1, "status:staffed": 1}  # +1 -1 in one bucket: no zero delta


@pytest.mark.parametrize(
    ("hours", "bucket"),
    [(-1.0, "0.0"), (0.0, "0.0"), (0.19, "0.1"), (9.99, "9.9"), (10.0, "10.0"), (99.9, "99.0"), (123.0, "120.0")],
)
def test_waits_fall_in_tenths_then_hours_then_tens_of_hours(hours, bucket):
    assert wait_bucket(hours) == bucket


def test_the_wait_histogram_has_a_bounded_number_of_buckets():
    buckets = {wait_bucket(h / 100) for h in range(0, 100 * 24 * 60)}  # every 36 s over 60 days
    assert len(buckets) <= 100 + 90 + 144


def test_creating_a_campaign_counts_it_and_each_project_in_its_status():
    assert creation_deltas(["pending_review", "pending_review"], campaigns=1) == {
        "status:pending_review": 2,
        "campaigns": 1,
    }


def test_the_median_is_read_from_the_histogram():
    assert PipelineCounts().median_wait_hours() is None
    assert PipelineCounts(waits={1.0: 1, 5.0: 1, 40.0: 1}).median_wait_hours() == 5.0
    assert PipelineCounts(waits={1.0: 2, 5.0: 1}).median_wait_hours() == 1.0
    assert PipelineCounts(waits={1.0: 1, 5.0: 0, 8.0: 1}).median_wait_hours() == 1.0  # lower middle of two


def test_figures_survive_the_round_trip_through_the_counter_record():
    counts = PipelineCounts(
        by_status={"matching": 3, "done": 1}, campaigns=2, opt_ins=5, waits={2.5: 1, 30.0: 2}, invitations_out=7
    )
    record = counts.as_counters() | {"pk": "COUNTERS", "sk": "PIPELINE", "type": "PipelineCounters"}
    assert counts_from_counters({k: v for k, v in record.items() if isinstance(v, int)}) == counts


def test_a_counter_shard_is_a_stable_hash_of_the_entity_spread_over_every_shard():
    ids = [derived_id("p", str(n)) for n in range(1000)] + [new_id("p") for _ in range(1000)]
    assert [counter_shard(i) for i in ids] == [counter_shard(i) for i in ids]  # a retry lands where it did
    assert counter_shard("p_fixed") == 8  # crc32, not the salted hash(): the same on every process
    for sample in (ids[:1000], ids[1000:]):  # derived ids and random ones alike
        per_shard = Counter(counter_shard(i) for i in sample)
        assert set(per_shard) == set(range(SHARDS))
        assert max(per_shard.values()) <= 2 * len(sample) / SHARDS


def test_a_counter_update_adds_to_its_entitys_shard_and_shard_0_is_the_old_single_record():
    assert keys.pipeline_counters(0) == {"pk": "COUNTERS", "sk": "PIPELINE"}  # a stage's record before shards
    assert len({keys.pipeline_counters(s)["pk"] for s in range(SHARDS)}) == SHARDS  # a partition key each
    [action] = counter_update("p_fixed", {"status:matching": 1, "campaigns": -1})
    assert action["Update"]["Key"] == keys.pipeline_counters(8)
    assert action["Update"]["UpdateExpression"] == "ADD #c0 :c0, #c1 :c1"
    assert counter_update("p_fixed", {}) == []


def staffed(p: Project, after: timedelta, filled: int) -> Project:
    return p.model_copy(update={"status": "staffed", "approved_at": T0, "staffed_at": T0 + after, "filled": filled})


def test_the_deltas_of_a_season_of_moves_add_up_to_a_recount_of_its_projects():
    """Two campaigns, three projects: created, approved, staffed (one twice after a leave),
    closed; the counters summed from each step's deltas equal the recount of where they ended."""
    made = approved_project(store=memory_store(), publish=lambda *_: None)
    a, b, c = (made.model_copy(update={"project_id": f"p{n}", "campaign_id": cid}) for n, cid in enumerate("112"))
    total: Counter[str] = Counter()
    total.update(creation_deltas(["pending_review", "pending_review"], campaigns=1))
    total.update(creation_deltas(["pending_review"], campaigns=1))
    for _ in (a, b, c):
        total.update(transition_deltas("pending_review", "matching"))
    total.update({OPT_INS: 2})  # two opt-ins on a
    total.update(transition_deltas("matching", "staffed", waited_hours=4.0))
    total.update(transition_deltas("staffed", "matching") | {OPT_INS: -1})  # a member of a leaves
    total.update({OPT_INS: 1})
    total.update(transition_deltas("matching", "staffed", waited_hours=50.0, replaced_wait=4.0))
    total.update(transition_deltas("matching", "cancelled"))  # c
    ended = [staffed(a, timedelta(hours=50), filled=2), b.model_copy(update={"status": "matching", "filled": 0})]
    ended.append(c.model_copy(update={"status": "cancelled", "filled": 0}))
    assert counts_from_counters(total) == recount(ended)
    assert recount(ended).median_wait_hours() == 50.0 and recount(ended).campaigns == 2


def test_the_pipeline_page_lists_the_oldest_25_needing_attention_and_links_to_all():
    from services.intake.console import pages, views
    from shared.models import utcnow

    store = memory_store()
    for _ in range(26):
        made = approved_project(store=store, publish=lambda *_: None)
        store.campaigns.transition_project(
            made, "needs_attention", from_statuses=["matching"], now=utcnow(), reason="nobody left to ask"
        )
    shown = views.pipeline(store, {"matching-dlq": 0})
    assert dict(shown.by_status)["needs_attention"] == shown.attention_total == 26
    assert len(shown.attention) == views.ATTENTION_SHOWN == 25
    html = pages.render("pipeline", p=shown)
    assert html.count("nobody left to ask") == 25
    assert 'href="/console/projects?status=needs_attention">All 26 projects needing attention' in html
