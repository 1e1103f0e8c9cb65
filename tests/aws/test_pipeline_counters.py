"""The pipeline's counters against moto: counted in the transactions that change them, so after
duplicated deliveries, a lost status guard and a move from a stale read they still equal a
recount of the projects; `recount_pipeline` repairs them and backfills the console's list keys."""

from __future__ import annotations

from typing import get_args

from services.intake.usecases.recount import recount_pipeline
from shared.events import InvitationAnsweredV1, dump
from shared.models import ProjectStatus, utcnow
from shared.pipeline_counts import recount
from shared.storage import keys, main_store, main_table
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
    table.delete(keys.pipeline_counters())
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
    main_table().delete(keys.pipeline_counters())
    dry = CliRunner().invoke(cli, ["ops", "recount", "--stage", "test", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    shown = json.loads(dry.output)
    assert shown["changed"] and shown["after"]["status:matching"] == 1 and shown["after"]["campaigns"] == 1
    assert main_store().counters.pipeline().status("matching") == 0  # a dry run writes nothing
    done = CliRunner().invoke(cli, ["ops", "recount", "--stage", "test", "--no-backfill"])
    assert done.exit_code == 0, done.output
    assert main_store().counters.pipeline().status("matching") == 1
