"""The pipeline's counters against moto: counted in the transactions that change them, so after
duplicated deliveries, a lost status guard and a move from a stale read they still equal a
recount of the projects; spread over shards, they read back as their sum; `recount_pipeline`
repairs them (its totals in shard 0, the other shards deleted) and backfills the console's list
keys; a stage's single record from before the shards is shard 0 and still counts."""

from __future__ import annotations

from typing import get_args

from services.intake.usecases.recount import recount_pipeline
from shared.events import InvitationAnsweredV1, dump
from shared.ids import derived_id
from shared.models import ProjectStatus, utcnow
from shared.pipeline_counts import INVITATIONS_OUT, PipelineCounts, recount
from shared.storage import keys, main_store, main_table
from shared.storage.counters import SHARDS, counter_shard, counter_update
from shared.storage.pages import KeyRange
from tests.aws.builders import approved_project, signup
from tests.aws.test_lifecycle import command, staffed
from tests.aws.test_matching_handlers import run, wave


def counted_equals_recounted() -> None:
    store = main_store()
    counted = store.counters.pipeline()
    pending = store.invitations.count_pending()
    assert counted == recount(store.campaigns.all_projects(get_args(ProjectStatus)), invitations_out=pending)
    assert recount_pipeline(store, write=False).after == counted


def shard_records() -> dict[int, dict[str, object]]:
    """The counter shards that exist, by shard number."""
    table = main_table()
    return {s: found for s in range(SHARDS) if (found := table.get(keys.pipeline_counters(s)))}


def entity_off(shard: int) -> str:
    """An id whose counter shard is not `shard`."""
    return next(i for n in range(100) if counter_shard(i := derived_id("p", str(n))) != shard)


def forget_counters() -> None:
    """As a stage written before the counters: no shard at all."""
    main_table().batch_write(deletes=[keys.pipeline_counters(s) for s in range(SHARDS)])


def test_counts_spread_over_shards_read_back_as_their_sum_and_equal_a_recount(aws):
    projects = [approved_project() for _ in range(6)]  # each campaign's creation and approval counted
    assert len(shard_records()) > 1  # 12 entities (6 campaigns, 6 projects) over 16 shards
    counts = main_store().counters.pipeline()
    assert counts.campaigns == 6 and counts.status("matching") == 6 and counts.status("pending_review") == 0
    counted_equals_recounted()

    # An invitation counted out on another shard than the one it was counted in: that shard goes
    # negative, the sum stays right.
    one = derived_id("p", "0")
    other = entity_off(counter_shard(one))
    main_table().transact(counter_update(one, {INVITATIONS_OUT: 3}))
    main_table().transact(counter_update(other, {INVITATIONS_OUT: -1}))
    assert shard_records()[counter_shard(other)][INVITATIONS_OUT] <= -1
    assert main_store().counters.pipeline().invitations_out == 2
    assert recount_pipeline(main_store(), write=False).after.invitations_out == 0  # none is really out
    assert all(p.status == "matching" for p in projects)


def test_counters_equal_a_recount_after_duplicates_a_lost_guard_and_a_stale_read(aws):
    record = staffed(aws)  # a campaign created, approved, three opt-ins (answered once each), staffed
    pid = record.project.project_id
    counts = main_store().counters.pipeline()
    assert counts.status("staffed") == 1 and counts.opt_ins == 3 and counts.campaigns == 1
    assert counts.median_wait_hours() is not None
    assert counts.invitations_out == 0  # three yes, the others withdrawn when the team filled
    counted_equals_recounted()

    run([command(pid, "kickoff")] * 2)  # a duplicated delivery moves it, and counts it, once
    member = next(s for s in record.slots if s.role == "member")
    run([command(pid, "leave", volunteer_id=member.volunteer_id)] * 2)
    counts = main_store().counters.pipeline()
    assert counts.status("active") == 0 and counts.status("matching") == 1 and counts.opt_ins == 2
    counted_equals_recounted()

    # The same yes delivered again, after the seat was filled and emptied: nothing joins, nothing counts.
    yes = next(i for i in record.invitations if i.volunteer_id == member.volunteer_id)
    run([dump(InvitationAnsweredV1(correlation_id="t", invitation_id=yes.invitation_id, answer="yes", channel="sms"))])
    assert main_store().counters.pipeline().opt_ins == 2

    # The refill wave invites (counted per group), and its invitations are counted out again
    # when the project is cancelled below.
    signup(50, ["copywriting", "web_development"])
    wave()
    assert main_store().counters.pipeline().invitations_out >= 1
    counted_equals_recounted()

    store, stale = main_store(), record.project  # read when it was staffed
    assert not store.campaigns.transition_project(stale, "done", from_statuses=["staffed"], now=utcnow())
    counted_equals_recounted()  # the lost guard wrote and counted nothing
    # A stale read whose project is now in another allowed source: moved from where it really is.
    assert store.campaigns.transition_project(
        stale, "needs_attention", from_statuses=["staffed", "matching"], now=utcnow(), reason="test"
    )
    counts = main_store().counters.pipeline()
    assert counts.status("needs_attention") == 1 and counts.status("matching") == 0
    counted_equals_recounted()

    run([command(pid, "cancel", reason="the race ended")] * 2)
    counts = main_store().counters.pipeline()
    assert counts.status("cancelled") == 1 and sum(counts.by_status.values()) == 1
    counted_equals_recounted()


def test_recount_repairs_the_counters_and_backfills_list_keys_of_older_records(aws):
    project = approved_project()
    volunteer = signup(7, ["copywriting"])
    table, store = main_table(), main_store()
    # As a stage written before the counters, the campaign lists and the directory would be:
    forget_counters()
    campaign_key = keys.campaign(project.campaign_id)
    table.update(campaign_key, "REMOVE gsi1pk, gsi1sk, gsi3pk, gsi3sk")
    directory_rows = store.volunteers.directory_page("VDIR#all", KeyRange(limit=100))
    table.batch_write(deletes=[{"pk": r["pk"], "sk": r["sk"]} for r in directory_rows])
    assert store.counters.pipeline().status("matching") == 0
    assert store.campaigns.campaign_page("newest", KeyRange(limit=10)) == []

    result = recount_pipeline(store)
    assert result.before.status("matching") == 0 and result.after.status("matching") == 1
    assert store.counters.pipeline() == result.after and result.after.campaigns == 1
    assert result.campaigns_backfilled == 1 and result.volunteers_backfilled == 1
    assert [c.campaign_id for _, c in store.campaigns.campaign_page("election", KeyRange(limit=10))] == [
        project.campaign_id
    ]
    listed = store.volunteers.directory_page("VDIR#all", KeyRange(limit=100))
    assert [r["volunteer_id"] for r in listed] == [volunteer.volunteer_id]

    again = recount_pipeline(store)  # nothing left to repair
    assert again.before == again.after and again.campaigns_backfilled == again.volunteers_backfilled == 0


def test_tfc_ops_recount_prints_the_counters_before_and_after_and_dry_run_writes_nothing(aws):
    import json

    from typer.testing import CliRunner

    from tfc.cli import app as cli

    approved_project()
    forget_counters()
    dry = CliRunner().invoke(cli, ["ops", "recount", "--stage", "test", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    shown = json.loads(dry.output)
    assert shown["changed"] and shown["after"]["status:matching"] == 1 and shown["after"]["campaigns"] == 1
    assert main_store().counters.pipeline().status("matching") == 0  # a dry run writes nothing
    done = CliRunner().invoke(cli, ["ops", "recount", "--stage", "test", "--no-backfill"])
    assert done.exit_code == 0, done.output
    assert main_store().counters.pipeline().status("matching") == 1


def test_recount_leaves_exactly_the_totals_in_shard_0_and_no_other_shard(aws):
    for _ in range(4):
        approved_project()
    main_table().transact(counter_update(entity_off(0), {"status:matching": 5, INVITATIONS_OUT: -2}))  # drifted
    assert len(shard_records()) > 1
    assert main_store().counters.pipeline().status("matching") == 9

    result = recount_pipeline(main_store(), backfill=False)
    assert result.after.status("matching") == 4 and result.after.campaigns == 4
    records = shard_records()
    assert list(records) == [0]
    assert {k: v for k, v in records[0].items() if k not in ("pk", "sk", "type")} == result.after.as_counters()
    assert main_store().counters.pipeline() == result.after
    counted_equals_recounted()


def test_a_stage_with_the_single_record_from_before_the_shards_keeps_its_figures(aws):
    forget_counters()
    old = PipelineCounts(by_status={"matching": 5}, campaigns=4, invitations_out=2)
    main_table().put({"pk": "COUNTERS", "sk": "PIPELINE", "type": "PipelineCounters"} | old.as_counters())
    assert main_store().counters.pipeline() == old  # no migration: it is shard 0

    main_table().transact(counter_update(entity_off(0), {"status:matching": 1, INVITATIONS_OUT: -1}))
    counts = main_store().counters.pipeline()
    assert counts.status("matching") == 6 and counts.invitations_out == 1 and counts.campaigns == 4
