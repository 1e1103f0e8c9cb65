"""Issue 16's console for a season, on the in-memory store: start-up checks, words, lists and
search with cursor paging, lifecycle guards, matching that notices."""

from __future__ import annotations

from typer.testing import CliRunner

from tfc.cli import app as cli


def test_tfc_up_refuses_a_short_ops_key_saying_the_rule():
    result = CliRunner().invoke(cli, ["up", "--ops-key", "twelve-chars"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "must be at least 16 characters (this one has 12)" in said


# --- matching that notices -------------------------------------------------------------------

import logging  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402

from services.intake.console import words  # noqa: E402
from services.intake.console.paging import BadCursor, decode, encode  # noqa: E402
from services.intake.domain.review import Refused  # noqa: E402
from services.intake.usecases import InvalidTransition, set_lead_trained  # noqa: E402
from services.intake.usecases import console_lifecycle as actions  # noqa: E402
from services.intake.usecases.availability import announce_available  # noqa: E402
from services.matching.usecases.revival import revive  # noqa: E402
from services.matching.usecases.staffing import PoolCache, Staffing  # noqa: E402
from shared.events import Event, ProjectCommandV1, VolunteersAvailableV1  # noqa: E402
from shared.models import utcnow  # noqa: E402
from shared.settings import Settings  # noqa: E402
from shared.storage.memory import memory_store  # noqa: E402
from tests.aws.builders import approved_project, signup  # noqa: E402

log = logging.getLogger("test")


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Event]] = []

    def __call__(self, queue: str, events: Sequence[Event]) -> None:
        self.sent += [(queue, e) for e in events]

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for _, e in self.sent if isinstance(e, kind)]


def _flagged_for_want_of_a_lead():
    store, outbox = memory_store(), Outbox()
    staffing = Staffing(store, outbox, Settings(stage="test"), log, pools=PoolCache())
    members = [signup(n, [skill], store=store) for n, skill in enumerate(["web_development", "copywriting"] * 2)]
    project = approved_project(["website_refresh"], store=store, publish=outbox)
    staffing.wave(utcnow(), "t")
    flagged = store.campaigns.get_project(project.project_id).project
    assert flagged.status == "needs_attention" and "nobody left to ask" in flagged.status_reason
    assert "trained team lead" in flagged.status_reason
    return store, outbox, staffing, project, members


def test_marking_a_lead_puts_a_project_short_of_one_back_in_matching_within_the_wave_rules():
    store, outbox, staffing, project, _ = _flagged_for_want_of_a_lead()
    unfit = signup(10, ["copywriting"], store=store, hours=1)  # too few hours for the project
    lead = signup(11, ["web_development"], store=store)
    for person in (unfit, lead):
        set_lead_trained(store, now=utcnow(), volunteer_id=person.volunteer_id)
    announce_available(outbox, [unfit.volunteer_id], "lead_trained", correlation_id="t")
    event = outbox.of(VolunteersAvailableV1)[-1]
    assert revive(store, staffing, event, utcnow(), max_waves=5, log=log) == []  # nobody who fits: stays
    announce_available(outbox, [lead.volunteer_id], "lead_trained", correlation_id="t")
    event = outbox.of(VolunteersAvailableV1)[-1]
    assert event.model_dump(mode="json")["type"] == "volunteers.available" and event.version == 1
    assert revive(store, staffing, event, utcnow(), max_waves=5, log=log) == [project.project_id]
    record = store.campaigns.get_project(project.project_id)
    assert record.project.status == "matching" and record.project.waves == 5  # one more round, then the rules
    assert lead.volunteer_id in {i.volunteer_id for i in record.invitations if i.role == "lead"}  # the wave ran
    assert revive(store, staffing, event, utcnow(), max_waves=5, log=log) == []  # a repeat changes nothing


def test_staff_only_reasons_never_revive():
    store, _outbox, staffing, project, _ = _flagged_for_want_of_a_lead()
    current = store.campaigns.get_project(project.project_id).project
    store.campaigns.transition_project(
        current, "needs_attention", from_statuses=["needs_attention"], now=utcnow(), reason="the team lead left"
    )
    lead = signup(11, ["web_development"], store=store, lead=True)
    event = VolunteersAvailableV1(correlation_id="t", volunteer_ids=[lead.volunteer_id], why="lead_trained")
    assert revive(store, staffing, event, utcnow(), max_waves=5, log=log) == []


# --- lifecycle actions with the CLI's guards ---------------------------------------------------


def test_lifecycle_actions_are_refused_when_the_status_does_not_allow_them_and_queued_when_it_does():
    store, outbox = memory_store(), Outbox()
    project = approved_project(["website_refresh"], store=store, publish=outbox)
    with pytest.raises(InvalidTransition, match="cannot kickoff a project that is matching"):
        actions.request(store, outbox, project.project_id, "kickoff", now=utcnow(), cid="t")
    with pytest.raises(Refused):
        actions.request(store, outbox, project.project_id, "explode", now=utcnow(), cid="t")
    with pytest.raises(Refused):
        actions.request(store, outbox, project.project_id, "leave", now=utcnow(), cid="t", volunteer_id="v_nobody")
    said = actions.request(store, outbox, project.project_id, "cancel", now=utcnow(), cid="t", reason="dropped out")
    assert said.done.startswith("Cancellation of") and "withdraws open invitations" in said.next
    command = outbox.of(ProjectCommandV1)[-1]
    assert (command.action, command.reason) == ("cancel", "dropped out")
    staffed = store.campaigns.get_project(project.project_id).project
    store.campaigns.transition_project(staffed, "staffed", from_statuses=["matching"], now=utcnow())
    said = actions.request(
        store,
        outbox,
        project.project_id,
        "kickoff",
        now=utcnow(),
        cid="t",
        kickoff_at="2026-03-02T09:00",
        zone=ZoneInfo("America/New_York"),
    )
    assert "to 2026-" in said.next
    kickoff = outbox.of(ProjectCommandV1)[-1]
    assert kickoff.kickoff_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 9 am in New York


def test_bulk_approval_approves_what_it_can_and_names_what_it_could_not():
    from services.intake.usecases import submit_campaign
    from tests.aws.builders import campaign_request

    store, outbox = memory_store(), Outbox()
    _, projects, _ = submit_campaign(
        store, outbox, campaign_request(["website_refresh", "email_program"]), now=utcnow(), correlation_id="t",
        auto_approve=False,
    )  # fmt: skip
    ids = [p.project_id for p in projects]
    said = actions.approve_many(store, outbox, [*ids, "p_nope"], now=utcnow(), cid="t")
    assert said.done.startswith(f"Approved {len(ids)} of {len(ids) + 1}") and "p_nope: no project" in said.done
    assert {store.campaigns.get_project(i).project.status for i in ids} == {"matching"}
    with pytest.raises(Refused):
        actions.approve_many(store, outbox, [], now=utcnow(), cid="t")


# --- words and cursors ----------------------------------------------------------------------------


@pytest.fixture
def program_zone(monkeypatch):
    from shared.settings import reset_settings

    monkeypatch.setenv("TFC_STAGE", "test")
    monkeypatch.setenv("TFC_PROGRAM_TIME_ZONE", "America/New_York")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def test_words_not_ids(program_zone):
    assert words.when(datetime(2026, 11, 30, 19, 40, 2, 762405, tzinfo=UTC)) == "Mon 30 Nov 2026, 2:40 pm EST"
    assert words.when("2026-07-04T16:05:00+00:00") == "Sat 4 Jul 2026, 12:05 pm EDT"
    assert words.project_status("pending_review") == "Waiting for review"
    assert words.menu_item("website_launch") != "website_launch" and words.skill("web_design") != "web_design"
    assert words.when(None) == ""


def test_a_cursor_round_trips_and_a_forged_one_is_refused_by_name():
    assert decode(encode({"source": "matching", "after": "2026#p_1"})) == {"source": "matching", "after": "2026#p_1"}
    for forged in ("%%%", "bm90IGpzb24", encode({"after": 3})):  # type: ignore[dict-item]
        with pytest.raises(BadCursor, match=r"^cursor: "):
            decode(forged)
