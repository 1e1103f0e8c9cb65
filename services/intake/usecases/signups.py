"""Sign-ups and changes that wait for their owner (issue 15), and the one place a person becomes
matchable. Plain Python over the store's protocols.

- The public form never writes a profile. A new address gets a pending sign-up; a known one a
  pending change emailed to the address on file (`request_signup`), and both answer the same.
- Only the link's POST (`confirm`) creates or changes the volunteer, consuming the pending item
  in the same transaction: a link works once, an altered or expired one changes nothing.
Refusals: Gone (the link's object is no more: used, replaced, expired), SelfServiceRefused
(field errors, 422) for the pages built on this (selfservice.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.intake.domain.requests import VolunteerSignup
from services.intake.domain.signup import changes, new_volunteer, updated_volunteer
from services.intake.usecases.availability import announce_available
from shared.events import ConfirmationRequestedV1, Event, VolunteerNotice, VolunteerNoticeV1
from shared.ids import new_id
from shared.models import PendingChange, Volunteer, email_hash
from shared.storage import Conflict, Store

Publish = Callable[[str, Sequence[Event]], None]


class SelfServiceRefused(ValueError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


class Gone(LookupError):
    """What the link names is no longer there (used, replaced, expired, deleted)."""


# --- sign-up and confirmation ---------------------------------------------------------------


def request_signup(
    store: Store, publish: Publish, signup: VolunteerSignup, *, now: datetime, ttl: timedelta, correlation_id: str
) -> PendingChange:
    """Keep the submission pending and email its confirmation link: to the new address, or to the
    address on file when the email is known (then nothing changes until its owner confirms).
    The caller answers the same either way. Returns the pending item (tests; never shown)."""
    email_key = email_hash(signup.email)
    owner = store.volunteers.volunteer_id_for_email(email_key)
    pending = PendingChange(
        email_key=email_key,
        kind="review" if owner else "signup",
        nonce=new_id("n"),
        volunteer_id=owner,
        profile=signup.model_dump(mode="json"),
        created_at=now,
        expires_at=now + ttl,
    )
    store.pending.put_pending(pending)
    publish(
        "notify", [ConfirmationRequestedV1(correlation_id=correlation_id, email_key=email_key, nonce=pending.nonce)]
    )
    return pending


@dataclass(frozen=True)
class PendingView:
    kind: str  # signup | review
    name: str
    changes: list[dict[str, str]]  # review: [{"field", "now", "new"}]


def pending_for(store: Store, payload: dict[str, str], now: datetime) -> PendingChange:
    """The pending change a confirm link names; Gone when used, replaced or expired."""
    pending = store.pending.get_pending(payload.get("e", ""), now)
    if pending is None or pending.nonce != payload.get("n"):
        raise Gone("this link has been used, replaced by a newer one, or has expired")
    return pending


def _proposed(store: Store, pending: PendingChange, now: datetime) -> tuple[Volunteer | None, Volunteer]:
    signup = VolunteerSignup.model_validate(pending.profile)
    if pending.kind == "signup":
        return None, new_volunteer(signup, now)
    current = store.volunteers.get_volunteer(pending.volunteer_id or "")
    if current is None:
        raise Gone("this profile no longer exists")
    return current, updated_volunteer(current, signup, now)


def describe_pending(store: Store, payload: dict[str, str], now: datetime) -> PendingView:
    """What the confirm page shows before its one button (a GET changes nothing)."""
    pending = pending_for(store, payload, now)
    current, proposed = _proposed(store, pending, now)
    return PendingView(pending.kind, proposed.name, changes(current, proposed) if current else [])


def confirm(
    store: Store, publish: Publish, payload: dict[str, str], *, now: datetime, correlation_id: str
) -> Volunteer:
    """Apply the pending change the link names: create the volunteer (a sign-up) or write the
    reviewed changes, consuming the pending item in the same transaction. Raises Gone when the
    link was used, replaced or expired, or the profile changed meanwhile (nothing is written)."""
    pending = pending_for(store, payload, now)
    current, proposed = _proposed(store, pending, now)
    try:
        if current is None:
            store.volunteers.create_volunteer(proposed, consume=pending)
        else:
            store.volunteers.update_volunteer_profile(current, proposed, consume=pending)
    except Conflict as exc:
        raise Gone("this link has already been used, or the profile changed meanwhile") from exc
    if current is None:
        volunteer_became_available(publish, proposed, correlation_id)
        # A new person may be who a project flagged for want of people was short of (matching's revival).
        announce_available(publish, [proposed.volunteer_id], "signed_up", correlation_id=correlation_id)
    else:
        notify_volunteer(publish, proposed.volunteer_id, "changed", "your profile, as you reviewed it", correlation_id)
        if proposed.sms_consent and proposed.sms_confirmed_at is None:
            notify_volunteer(publish, proposed.volunteer_id, "sms_confirm", "", correlation_id)
    return proposed


def volunteer_became_available(publish: Publish, volunteer: Volunteer, correlation_id: str) -> None:
    """The one place a person becomes matchable (their sign-up is confirmed, or staff vouched for
    them): the welcome email with their page's link, and the YES request for texts. Matching hears
    of them from the callers (`announce_available`: the confirmation one by one, a roster batch at once)."""
    events: list[Event] = [
        VolunteerNoticeV1(correlation_id=correlation_id, volunteer_id=volunteer.volunteer_id, notice="welcome")
    ]
    if volunteer.sms_consent and volunteer.phone and volunteer.sms_confirmed_at is None:
        events.append(
            VolunteerNoticeV1(correlation_id=correlation_id, volunteer_id=volunteer.volunteer_id, notice="sms_confirm")
        )
    publish("notify", events)


def notify_volunteer(publish: Publish, volunteer_id: str, notice: VolunteerNotice, detail: str, cid: str) -> None:
    publish("notify", [VolunteerNoticeV1(correlation_id=cid, volunteer_id=volunteer_id, notice=notice, detail=detail)])


def request_new_link(store: Store, publish: Publish, email: str, *, correlation_id: str) -> None:
    """Email a fresh personal link if the address is a volunteer's; nothing otherwise. The caller
    answers the same either way (the answer never says who is registered)."""
    volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(email))
    if volunteer_id is not None:
        notify_volunteer(publish, volunteer_id, "link", "", correlation_id)
