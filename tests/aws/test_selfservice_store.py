"""Issue 15's storage, on the DynamoDB adapters (moto) and the in-memory store alike: pending
changes consumed once inside the volunteer's transaction, expiry, pauses with their day markers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake.domain.requests import VolunteerSignup
from services.intake.domain.signup import new_volunteer, updated_volunteer
from shared.models import PendingChange, email_hash, utcnow
from shared.storage import Conflict
from tests import payloads
from tests.aws.builders import signup


def pending_for(email: str, kind: str = "signup", volunteer_id: str | None = None, nonce: str = "n1") -> PendingChange:
    now = utcnow()
    body = payloads.volunteer(email, ["copywriting"], name="Pat Pending")
    return PendingChange(
        email_key=email_hash(email), kind=kind, nonce=nonce, volunteer_id=volunteer_id,  # type: ignore[arg-type]
        profile=body, created_at=now, expires_at=now + timedelta(hours=1),
    )  # fmt: skip


def test_a_pending_sign_up_is_consumed_once_with_the_volunteer_it_creates(store):
    pending = pending_for("pat@example.com")
    store.pending.put_pending(pending)
    assert store.pending.get_pending(pending.email_key, utcnow()) == pending
    assert store.pending.get_pending(pending.email_key, utcnow() + timedelta(hours=2)) is None  # expired
    volunteer = new_volunteer(VolunteerSignup.model_validate(pending.profile), utcnow())
    with pytest.raises(Conflict):  # a link naming another nonce consumes nothing and creates nothing
        store.volunteers.create_volunteer(volunteer, consume=pending.model_copy(update={"nonce": "n2"}))
    assert store.volunteers.get_volunteer(volunteer.volunteer_id) is None
    store.volunteers.create_volunteer(volunteer, consume=pending)
    assert store.pending.get_pending(pending.email_key, utcnow()) is None
    assert store.volunteers.volunteer_id_for_email(pending.email_key) == volunteer.volunteer_id
    twin = new_volunteer(VolunteerSignup.model_validate(pending.profile), utcnow())
    with pytest.raises(Conflict):
        store.volunteers.create_volunteer(twin, consume=pending)  # used twice


def test_a_reviewed_change_is_written_only_with_its_pending_item(store):
    owner = signup(1, ["copywriting"], store=store)
    pending = pending_for(owner.email, "review", owner.volunteer_id)
    store.pending.put_pending(pending)
    changed = updated_volunteer(owner, VolunteerSignup.model_validate(pending.profile), utcnow())
    store.pending.drop_pending(pending)  # e.g. it expired and was dropped
    with pytest.raises(Conflict):
        store.volunteers.update_volunteer_profile(owner, changed, consume=pending)
    assert store.volunteers.get_volunteer(owner.volunteer_id).name == owner.name
    store.pending.put_pending(pending)
    store.volunteers.update_volunteer_profile(owner, changed, consume=pending)
    assert store.volunteers.get_volunteer(owner.volunteer_id).name == "Pat Pending"
    assert store.pending.get_pending(pending.email_key, utcnow()) is None


def test_a_pause_is_one_guarded_write_with_its_day_marker(store):
    person = signup(1, ["copywriting"], store=store)
    first, second = utcnow().date() + timedelta(days=3), utcnow().date() + timedelta(days=9)
    paused = store.volunteers.set_pause(person, first, utcnow())
    assert store.volunteers.get_volunteer(person.volunteer_id).paused_until == first
    assert store.volunteers.pauses_ending(first) == [person.volunteer_id]
    with pytest.raises(Conflict):  # written from a stale read
        store.volunteers.set_pause(person, second, utcnow())
    moved = store.volunteers.set_pause(paused, second, utcnow())
    assert store.volunteers.pauses_ending(first) == []
    assert store.volunteers.pauses_ending(second) == [person.volunteer_id]
    store.volunteers.set_pause(moved, None, utcnow())
    assert store.volunteers.get_volunteer(person.volunteer_id).paused_until is None
    assert store.volunteers.pauses_ending(second) == []
    states = store.waves.volunteer_states([person.volunteer_id])
    assert states[person.volunteer_id].get("paused_until") is None


def test_a_number_is_never_taken_from_the_person_who_holds_it(store):
    holder = signup(1, ["copywriting"], store=store, phone="+18045550123", sms_consent=True)
    other = signup(2, ["copywriting"], store=store, phone="+18045550123", sms_consent=True)
    assert store.volunteers.volunteer_id_for_phone("+18045550123") == holder.volunteer_id
    store.volunteers.erase(other)
    assert store.volunteers.volunteer_id_for_phone("+18045550123") == holder.volunteer_id
    moved = holder.model_copy(update={"phone": "+18045550124"})
    store.volunteers.update_volunteer_profile(holder, moved)
    assert store.volunteers.volunteer_id_for_phone("+18045550123") is None
    assert store.volunteers.volunteer_id_for_phone("+18045550124") == holder.volunteer_id


def test_expired_pending_changes_are_found_by_time_and_deleted(store):
    from services.matching.usecases.selfservice_tick import purge_expired_pending

    fresh, stale = pending_for("fresh@example.com"), pending_for("stale@example.com")
    stale = stale.model_copy(update={"expires_at": utcnow() - timedelta(minutes=1)})
    for p in (fresh, stale):
        store.pending.put_pending(p)
    assert [p.email_key for p in store.pending.expired_pending(utcnow(), 10)] == [stale.email_key]
    assert purge_expired_pending(store, utcnow()) == 1
    assert store.pending.expired_pending(utcnow(), 10) == []
    assert store.pending.get_pending(fresh.email_key, utcnow()) == fresh
