"""Issue 15's rules on the in-memory store: confirmed sign-ups, no silent overwrites, the
volunteer's page (pause, preferences, answers, leaving) and signed links."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest

from services.intake.domain.requests import VolunteerSignup
from services.intake.usecases import selfservice as ss
from services.intake.usecases import set_lead_trained
from services.matching.usecases.staffing import PoolCache, Staffing
from shared import links
from shared.models import email_hash, utcnow
from shared.settings import Settings
from shared.storage import Store
from shared.storage.memory import memory_store
from tests import payloads
from tests.aws.builders import approved_project, signup
from tests.unit.test_staffing import Outbox

KEY = b"k" * 32
TTL = timedelta(hours=48)


@pytest.fixture
def store() -> Store:
    return memory_store()


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


def staffing(store: Store, outbox: Outbox) -> Staffing:
    return Staffing(store, outbox, Settings(stage="test"), logging.getLogger("test"), pools=PoolCache())


def person(n: int, skills: list[str], **extra: object) -> VolunteerSignup:
    return VolunteerSignup.model_validate(
        payloads.volunteer(
            f"p{n}@example.com", skills, name=f"Person {n}", hometown=("Richmond", "VA"), hours=6, weeks=10
        )
        | extra
    )


def confirm_payload(store: Store, email: str) -> dict[str, str]:
    pending = store.pending.get_pending(email_hash(email), utcnow())
    assert pending is not None
    return {"e": pending.email_key, "n": pending.nonce}


TEAM = [(1, ["web_development"], True), (2, ["copywriting"], True), (3, ["web_development"], False)]
TEAM += [(4, ["web_development"], False), (5, ["copywriting"], False), (6, ["copywriting"], False)]


def test_an_unconfirmed_volunteer_is_never_invited_and_a_confirmed_one_is(store, outbox):
    for n, skills, _ in TEAM:
        ss.request_signup(store, outbox, person(n, skills), now=utcnow(), ttl=TTL, correlation_id="t")
    project = approved_project(store=store, publish=outbox)
    assert staffing(store, outbox).wave(utcnow(), "t").figures()["invited"] == 0
    assert store.volunteers.volunteer_id_for_email(email_hash("p1@example.com")) is None
    for n, _, lead in TEAM:
        volunteer = ss.confirm(
            store, outbox, confirm_payload(store, f"p{n}@example.com"), now=utcnow(), correlation_id="t"
        )
        if lead:
            set_lead_trained(store, now=utcnow(), volunteer_id=volunteer.volunteer_id)
    assert [e["notice"] for e in outbox.drain("notify") if e["type"] == "volunteer.notice"] == ["welcome"] * 6
    second = approved_project(store=store, publish=outbox)  # the first now waits for staff (nobody fit)
    assert project.project_id != second.project_id
    assert staffing(store, outbox).wave(utcnow(), "t", [second.project_id]).figures()["invited"] == 6


def test_a_confirmation_link_used_twice_altered_or_expired_changes_nothing(store, outbox, monkeypatch):
    now = utcnow()
    ss.request_signup(store, outbox, person(1, ["copywriting"]), now=now, ttl=TTL, correlation_id="t")
    payload = confirm_payload(store, "p1@example.com")
    token = links.sign("confirm", payload, KEY)
    # altered: any changed character is refused before anything is read
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(links.BadLink):
        links.read("confirm", altered, KEY, 3600)
    with pytest.raises(ss.Gone):  # a payload naming another nonce (a forged or replaced link)
        ss.confirm(store, outbox, payload | {"n": "n_other"}, now=now, correlation_id="t")
    # expired: the link's age, and the pending item's own expiry
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3601)
    with pytest.raises(links.BadLink):
        links.read("confirm", token, KEY, 3600)
    monkeypatch.setattr(time, "time", real_time)
    with pytest.raises(ss.Gone):
        ss.confirm(store, outbox, payload, now=now + TTL + timedelta(seconds=1), correlation_id="t")
    assert store.volunteers.volunteer_id_for_email(email_hash("p1@example.com")) is None
    # used once: the volunteer exists; used twice: nothing more is written or sent
    first = ss.confirm(store, outbox, links.read("confirm", token, KEY, 3600), now=now, correlation_id="t")
    sent = len(outbox.sent)
    with pytest.raises(ss.Gone):
        ss.confirm(store, outbox, payload, now=now, correlation_id="t")
    assert len(outbox.sent) == sent
    assert store.volunteers.get_volunteer(first.volunteer_id) == first


def test_a_second_sign_up_with_a_known_email_changes_nothing_until_the_owner_confirms(store, outbox):
    owner = signup(1, ["copywriting"], store=store, phone="+18045550101", sms_consent=True)
    assert owner.sms_confirmed_at is not None  # vouched for by staff (the builder's path)
    attack = person(1, ["web_development"], name="Mallory", phone="+12025550199", sms_consent=True)
    attack = attack.model_copy(update={"email": "V1@example.com"})  # same address, other case
    pending = ss.request_signup(store, outbox, attack, now=utcnow(), ttl=TTL, correlation_id="t")
    assert pending.kind == "review" and pending.volunteer_id == owner.volunteer_id
    assert store.volunteers.get_volunteer(owner.volunteer_id) == owner  # nothing changed
    assert store.volunteers.volunteer_id_for_phone("+12025550199") is None
    [event] = outbox.drain("notify")
    assert event["type"] == "signup.confirmation_requested" and event["email_key"] == owner.email_key
    view = ss.describe_pending(store, confirm_payload(store, owner.email), utcnow())
    assert {c["field"] for c in view.changes} >= {"Name", "Mobile number", "Skills"}
    changed = ss.confirm(store, outbox, confirm_payload(store, owner.email), now=utcnow(), correlation_id="t")
    assert (changed.name, changed.phone) == ("Mallory", "+12025550199")
    assert changed.sms_confirmed_at is None  # a new number must say YES itself before any text
    assert [e["notice"] for e in outbox.drain("notify")] == ["changed", "sms_confirm"]


def test_a_paused_volunteer_is_skipped_and_resumed_on_the_date(store, outbox):
    people = [signup(n, skills, lead=lead, store=store) for n, skills, lead in TEAM]
    paused = people[2]  # one of two web developers: the other is asked instead
    now = utcnow()
    until = (now + timedelta(days=3)).date().isoformat()
    ss.pause(store, outbox, paused.volunteer_id, until, now=now, cid="t")
    assert [e["notice"] for e in outbox.drain("notify")] == ["paused"]
    project = approved_project(store=store, publish=outbox)
    staffing(store, outbox).wave(now, "t", [project.project_id])
    invited = {i.volunteer_id for i in store.invitations.invitations_of_volunteer(paused.volunteer_id)}
    assert invited == set()
    second = approved_project(store=store, publish=outbox)
    on_the_day = now + timedelta(days=3)
    for p in people:  # free everyone's pending limit: only the pause should decide
        for i in store.invitations.invitations_of_volunteer(p.volunteer_id):
            store.invitations.close_invitation(i, "declined", now)
    staffing(store, outbox).wave(on_the_day, "t", [second.project_id])
    assert store.invitations.invitations_of_volunteer(paused.volunteer_id), "not invited on the day the pause ends"


@pytest.mark.parametrize(
    ("until", "words"), [("tomorrow-ish", "date like"), ("2000-01-01", "after today"), ("2999-01-01", "within")]
)
def test_a_pause_refuses_a_bad_date_naming_the_field(store, outbox, until, words):
    volunteer = signup(1, ["copywriting"], store=store)
    with pytest.raises(ss.SelfServiceRefused) as refused:
        ss.pause(store, outbox, volunteer.volunteer_id, until, now=utcnow(), cid="t")
    assert refused.value.errors[0]["field"] == "until" and words in refused.value.errors[0]["message"]
    assert store.volunteers.get_volunteer(volunteer.volunteer_id) == volunteer


def test_preferences_are_one_guarded_write_with_the_forms_rules(store, outbox):
    volunteer = signup(1, ["copywriting"], store=store, phone="+18045550101")
    form = {
        "hours_per_week": "12",
        "weeks_available": "20",
        "skills": ["copywriting", "web_development"],
        "hometown_city": "Norfolk",
        "hometown_state": "VA",
        "current_city": "Boston",
        "current_state": "MA",
        "sms_consent": "yes",
    }
    fresh = ss.change_preferences(store, outbox, volunteer.volunteer_id, form, now=utcnow(), cid="t")
    stored = store.volunteers.get_volunteer(volunteer.volunteer_id)
    assert stored is not None and stored.version == volunteer.version + 1
    assert (stored.hours_per_week, stored.skills, stored.current_location.city) == (12, fresh.skills, "Boston")
    assert stored.sms_consent and stored.sms_confirmed_at is None
    assert [e["notice"] for e in outbox.drain("notify")] == ["changed", "sms_confirm"]
    assert stored.volunteer_id in {p["volunteer_id"] for p in store.volunteers.pool("web_development")}
    with pytest.raises(ss.SelfServiceRefused) as refused:
        ss.change_preferences(
            store, outbox, volunteer.volunteer_id, form | {"hours_per_week": "99", "skills": []}, now=utcnow(), cid="t"
        )
    assert {e["field"] for e in refused.value.errors} == {"hours_per_week", "skills"}
    assert store.volunteers.get_volunteer(volunteer.volunteer_id) == stored  # partial input erases nothing


def test_a_link_for_one_person_never_shows_or_changes_anothers_data(store, outbox):
    people = [signup(n, skills, lead=lead, store=store) for n, skills, lead in TEAM]
    project = approved_project(store=store, publish=outbox)
    staffing(store, outbox).wave(utcnow(), "t", [project.project_id])
    a, b = people[0], people[1]
    outbox.drain("matching")
    [mine] = store.invitations.invitations_of_volunteer(a.volunteer_id)
    [theirs] = store.invitations.invitations_of_volunteer(b.volunteer_id)
    page = ss.my_volunteering(store, a.volunteer_id, utcnow())
    assert [i["invitation_id"] for i in page["open"]] == [mine.invitation_id]
    assert page["volunteer"].email == a.email
    with pytest.raises(ss.SelfServiceRefused):
        ss.answer_invitation(store, outbox, a.volunteer_id, theirs.invitation_id, "yes", cid="t")
    with pytest.raises(ss.SelfServiceRefused):
        ss.leave_team(store, outbox, a.volunteer_id, project.project_id, cid="t")  # not seated there
    assert outbox.drain("matching") == []
    ss.answer_invitation(store, outbox, a.volunteer_id, mine.invitation_id, "yes", cid="t")
    assert [e["invitation_id"] for e in outbox.drain("matching")] == [mine.invitation_id]
    # a token names one person for one purpose: another purpose's token is refused
    token = links.sign("me", {"v": a.volunteer_id}, KEY)
    assert links.read("me", token, KEY, 60) == {"v": a.volunteer_id}
    for purpose in ("confirm", "campaign"):
        with pytest.raises(links.BadLink):
            links.read(purpose, token, KEY, 60)  # type: ignore[arg-type]
    assert not links.form_token_ok(links.sign("me", {"v": b.volunteer_id}, KEY), links.form_token(token, KEY), KEY)
    assert links.form_token_ok(token, links.form_token(token, KEY), KEY)
    for bad in (None, "", "x" * 32, "é" * 32, ["a"]):
        assert not links.form_token_ok(token, bad, KEY)


def test_the_campaign_page_shows_names_and_roles_only_once_introduced(store, outbox):
    people = [signup(n, skills, lead=lead, store=store) for n, skills, lead in TEAM]
    project = approved_project(store=store, publish=outbox)
    status = ss.campaign_status(store, project.campaign_id, utcnow())
    [shown] = [p for p in status["projects"] if p["title"] == project.title]
    assert shown["status"] == "Finding volunteers" and shown["team"] == []
    assert all(v.email not in repr(status) for v in people)
    new_campaign = ss.ask_for_project(
        store, outbox, project.campaign_id, "website_launch", "soon", now=utcnow(), cid="t"
    )
    again = ss.ask_for_project(store, outbox, project.campaign_id, "website_launch", "soon", now=utcnow(), cid="t")
    assert again == new_campaign  # a double click stores one request
    [asked] = store.campaigns.get_projects(store.campaigns.get_campaign(new_campaign).project_ids)  # type: ignore[union-attr]
    assert asked.status == "pending_review"
    with pytest.raises(ss.SelfServiceRefused):
        ss.ask_for_project(store, outbox, project.campaign_id, "no_such_item", "", now=utcnow(), cid="t")


def test_next_checkin_is_weekly_from_kickoff_within_the_phase():
    kickoff = utcnow() - timedelta(days=10)
    assert ss.next_checkin(kickoff, kickoff + timedelta(days=60), utcnow()) == kickoff + timedelta(days=14)
    assert ss.next_checkin(kickoff, kickoff + timedelta(days=12), utcnow()) is None
    assert ss.next_checkin(None, None, utcnow()) is None


def test_roster_rows_are_vouched_for_or_sent_the_confirmation(store, outbox):
    from services.intake.domain.roster import ProfilePatch
    from services.intake.usecases import import_roster_row

    def row(n: int) -> ProfilePatch:
        return ProfilePatch.model_validate(
            {"email": f"r{n}@example.com", "name": f"Row {n}", "phone": "804-555-0111", "sms_consent": True}
            | {"skills": ["copywriting"], "hometown_city": "Norfolk", "hometown_state": "VA"}
            | {"hours_per_week": 5, "weeks_available": 8}
        )

    vouched = import_roster_row(store, row(1), now=utcnow(), dry_run=False, publish=outbox)
    assert vouched["status"] == "added"
    vid = store.volunteers.volunteer_id_for_email(email_hash("r1@example.com"))
    assert vid is not None  # matchable at once: staff vouch for the address
    assert [e["notice"] for e in outbox.drain("notify")] == ["welcome", "sms_confirm"]  # the number still says YES
    sent = import_roster_row(store, row(2), now=utcnow(), dry_run=False, publish=outbox, send_confirmation=True)
    assert sent["status"] == "confirmation_sent"
    assert store.volunteers.volunteer_id_for_email(email_hash("r2@example.com")) is None
    [event] = outbox.drain("notify")
    assert event["type"] == "signup.confirmation_requested"
    ss.confirm(store, outbox, confirm_payload(store, "r2@example.com"), now=utcnow(), correlation_id="t")
    assert store.volunteers.volunteer_id_for_email(email_hash("r2@example.com")) is not None


def test_the_volunteer_is_told_on_the_day_their_pause_ends_once(store, outbox):
    from services.matching.usecases.selfservice_tick import announce_resumptions

    a, b = signup(1, ["copywriting"], store=store), signup(2, ["copywriting"], store=store)
    now = utcnow()
    day = now + timedelta(days=5)
    for v in (a, b):
        ss.pause(store, outbox, v.volunteer_id, day.date().isoformat(), now=now, cid="t")
    ss.pause(store, outbox, b.volunteer_id, "", now=now, cid="t")  # b resumes early: no resume-day email
    outbox.drain("notify")
    assert announce_resumptions(store, outbox, day - timedelta(days=1), "t") == 0
    assert announce_resumptions(store, outbox, day, "t") == 1
    [told] = outbox.drain("notify")
    assert (told["volunteer_id"], told["notice"], told["detail"]) == (a.volunteer_id, "resumed", day.date().isoformat())
    assert announce_resumptions(store, outbox, day + timedelta(hours=1), "t") == 0  # once


def test_an_american_abroad_keeps_their_country_when_saving_preferences(store, outbox):
    abroad = signup(1, ["copywriting"], store=store, current_location={"city": "Berlin", "country": "DE"})
    form = {"hours_per_week": "3", "weeks_available": "4", "skills": "copywriting"}
    form |= {"hometown_city": "Richmond", "hometown_state": "VA", "current_city": "Munich", "current_state": ""}
    fresh = ss.change_preferences(store, outbox, abroad.volunteer_id, form, now=utcnow(), cid="t")
    assert (fresh.current_location.city, fresh.current_location.country, fresh.hours_per_week) == ("Munich", "DE", 3)
