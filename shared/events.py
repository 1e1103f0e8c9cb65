"""Versioned schemas of every event on every queue.

An event is a flat JSON object: `type` and `version` name its schema, `event_id` is unique per
publication, `correlation_id` follows one request across every hop. A consumer accepts only the
(type, version) pairs listed for its queue (QUEUE_SCHEMAS); anything else is refused (and, after
retries, lands in the dead-letter queue) rather than half-understood. A breaking change is a new
version: declare `FooV2` with the same `type` and `version: Literal[2]`, list it beside `FooV1`,
give consumers a handler for it, publish both while consumers upgrade, then retire the old one.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    correlation_id: str
    occurred_at: datetime = Field(default_factory=_now)


# --- matching queue -------------------------------------------------------------------------


class ProjectApprovedV1(Event):
    """Staff approved a scoped project: matching should staff it."""

    type: Literal["project.approved"] = "project.approved"
    version: Literal[1] = 1
    project_id: str


class InvitationAnsweredV1(Event):
    """A volunteer answered an invitation (notify verified the token and the sender)."""

    type: Literal["invitation.answered"] = "invitation.answered"
    version: Literal[1] = 1
    invitation_id: str
    answer: Literal["yes", "no"]
    channel: Literal["email", "sms", "staff"]


class InvitationAnsweredV2(Event):
    """V1 plus what notify read to verify the answer: the invitation's project and volunteer, and
    the volunteer's email key (the hash suppressions are kept by), so matching applies a no
    without reading the invitation, and the outcome note is rendered with one read."""

    type: Literal["invitation.answered"] = "invitation.answered"
    version: Literal[2] = 2
    invitation_id: str
    project_id: str
    volunteer_id: str
    email_key: str | None = None
    answer: Literal["yes", "no"]
    channel: Literal["email", "sms", "staff"]


class ProjectCommandV1(Event):
    """Staff (ops API / `tfc projects ...`) or a volunteer's "leave" reply moves a project on."""

    type: Literal["project.command"] = "project.command"
    version: Literal[1] = 1
    project_id: str
    action: Literal["kickoff", "complete", "cancel", "leave", "resume", "follow_on"]
    volunteer_id: str | None = None  # leave: who leaves
    kickoff_at: datetime | None = None  # kickoff: when the phase starts (default: now)
    reason: str = ""
    channel: Literal["email", "staff"] = "staff"


class CheckinAnsweredV1(Event):
    """The lead answered a weekly check-in (notify verified the token and the sender)."""

    type: Literal["checkin.answered"] = "checkin.answered"
    version: Literal[1] = 1
    project_id: str
    week: int
    text: str = Field(max_length=20_000)


class ResultReportedV1(Event):
    """At phase end the lead replied with the metrics, or the campaign with its 1-5 rating."""

    type: Literal["result.reported"] = "result.reported"
    version: Literal[1] = 1
    project_id: str
    kind: Literal["metrics", "rating"]
    text: str = Field(max_length=20_000)


class WaveRequestedV1(Event):
    """Staff asked for another wave for one project now (the console's "send another wave")."""

    type: Literal["project.wave_requested"] = "project.wave_requested"
    version: Literal[1] = 1
    project_id: str


class VolunteerInviteRequestedV1(Event):
    """Staff chose a volunteer for a project (the console's "invite this volunteer")."""

    type: Literal["project.invite_requested"] = "project.invite_requested"
    version: Literal[1] = 1
    project_id: str
    volunteer_id: str


MAX_AVAILABLE = 50  # volunteers per VolunteersAvailableV1: one roster request's rows


class VolunteersAvailableV1(Event):
    """Volunteers just became matchable (signed up, marked lead-trained, added or changed by a
    roster import): matching puts back in matching any project waiting for staff only because it
    was short of someone like them (services/matching/usecases/revival.py)."""

    type: Literal["volunteers.available"] = "volunteers.available"
    version: Literal[1] = 1
    volunteer_ids: list[str] = Field(min_length=1, max_length=MAX_AVAILABLE)
    why: Literal["signed_up", "lead_trained", "roster_import"]


# --- notify queue ---------------------------------------------------------------------------


class CampaignReceivedV1(Event):
    """Tell the campaign contact their request arrived and what happens next."""

    type: Literal["campaign.received"] = "campaign.received"
    version: Literal[1] = 1
    campaign_id: str


class InvitationIssuedV1(Event):
    """Send the invitation (email, and SMS when the volunteer consented)."""

    type: Literal["invitation.issued"] = "invitation.issued"
    version: Literal[1] = 1
    invitation_id: str
    project_id: str


class AnswerOutcomeV1(Event):
    """Tell a volunteer what became of their answer."""

    type: Literal["answer.outcome"] = "answer.outcome"
    version: Literal[1] = 1
    invitation_id: str
    project_id: str
    outcome: Literal["joined", "declined", "team_full", "expired", "at_limit"]


class AnswerOutcomeV2(Event):
    """V1 plus the volunteer (and their email key when known): notify reads the project, the
    volunteer and the address's suppression in one call instead of reading the invitation first."""

    type: Literal["answer.outcome"] = "answer.outcome"
    version: Literal[2] = 2
    invitation_id: str
    project_id: str
    volunteer_id: str
    email_key: str | None = None
    outcome: Literal["joined", "declined", "team_full", "expired", "at_limit"]


class ProjectStaffedV1(Event):
    """Every slot is filled: introduce the team to each other and to the campaign."""

    type: Literal["project.staffed"] = "project.staffed"
    version: Literal[1] = 1
    project_id: str


class InvitationReminderV1(Event):
    """A pending invitation expires soon and the volunteer has not answered: remind them once."""

    type: Literal["invitation.reminder"] = "invitation.reminder"
    version: Literal[1] = 1
    invitation_id: str
    project_id: str


class InvitationWithdrawnV1(Event):
    """A pending invitation is no longer needed (the team filled first)."""

    type: Literal["invitation.withdrawn"] = "invitation.withdrawn"
    version: Literal[1] = 1
    invitation_id: str
    project_id: str
    reason: Literal["team_filled", "project_closed", "volunteer_busy"]


class InvitationWithdrawnV2(Event):
    """V1 plus the volunteer (and their email key when known), as AnswerOutcomeV2."""

    type: Literal["invitation.withdrawn"] = "invitation.withdrawn"
    version: Literal[2] = 2
    invitation_id: str
    project_id: str
    volunteer_id: str
    email_key: str | None = None
    reason: Literal["team_filled", "project_closed", "volunteer_busy"]


class ReplyAcknowledgedV1(Event):
    """A reply could not be understood: tell the sender a person will follow up."""

    type: Literal["reply.unclear"] = "reply.unclear"
    version: Literal[1] = 1
    invitation_id: str
    project_id: str
    channel: Literal["email", "sms"]


class ReplyAcknowledgedV2(Event):
    """V1 plus the volunteer and their email key, as AnswerOutcomeV2."""

    type: Literal["reply.unclear"] = "reply.unclear"
    version: Literal[2] = 2
    invitation_id: str
    project_id: str
    volunteer_id: str
    email_key: str | None = None
    channel: Literal["email", "sms"]


class ProjectKickedOffV1(Event):
    """The phase started: one kickoff email to the team and the campaign (and the webhook)."""

    type: Literal["project.kicked_off"] = "project.kicked_off"
    version: Literal[1] = 1
    project_id: str


class CheckinRequestedV1(Event):
    """Ask the lead this week's three questions (done, next, blocked)."""

    type: Literal["checkin.requested"] = "checkin.requested"
    version: Literal[1] = 1
    project_id: str
    week: int
    lead_id: str


class ProjectClosedV1(Event):
    """done: metrics request to the lead, rating request to the campaign, thank-you to the team;
    cancelled: a note to the team and the campaign."""

    type: Literal["project.closed"] = "project.closed"
    version: Literal[1] = 1
    project_id: str
    outcome: Literal["done", "cancelled"]


class VolunteerLeftV1(Event):
    """Confirm to a volunteer that they left the project."""

    type: Literal["volunteer.left"] = "volunteer.left"
    version: Literal[1] = 1
    project_id: str
    volunteer_id: str


class TeamThankedV1(Event):
    """The lead reported the results: thank the team and the campaign with what they achieved."""

    type: Literal["team.thanked"] = "team.thanked"
    version: Literal[1] = 1
    project_id: str


class ProjectDeclinedV1(Event):
    """Staff declined a requested project: tell the campaign contact why (the staff's words)."""

    type: Literal["project.declined"] = "project.declined"
    version: Literal[1] = 1
    project_id: str
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class ConfirmationRequestedV1(Event):
    """A sign-up or a change of a known profile waits for its owner (issue 15): email the link to
    confirm it, to the submitted address for a sign-up, to the address on file for a change. The
    pending item (shared/storage/pending.py) holds the details; a newer nonce means this one is void."""

    type: Literal["signup.confirmation_requested"] = "signup.confirmation_requested"
    version: Literal[1] = 1
    email_key: str
    nonce: str


VolunteerNotice = Literal[
    "welcome", "changed", "paused", "resumed", "link", "sms_confirm", "invitation_answered", "left_team"
]


class VolunteerNoticeV1(Event):
    """Tell a volunteer what they (or their pause's date) changed, with their personal page's
    link: welcome (sign-up confirmed), changed (profile), paused, resumed, link (they asked for a
    new one). `sms_confirm` texts the number asking for a YES (CTIA: consent confirmed from the
    number). `detail` is plain words for the email (what changed), never personal data."""

    type: Literal["volunteer.notice"] = "volunteer.notice"
    version: Literal[1] = 1
    volunteer_id: str
    notice: VolunteerNotice
    detail: str = Field(default="", max_length=500)


# Which schemas each queue carries, each one (type, version): a V2 is listed beside its V1 while
# consumers upgrade. The publisher refuses to put anything else on a queue; consumers refuse it too.
QUEUE_SCHEMAS: dict[str, tuple[type[Event], ...]] = {
    "matching": (
        ProjectApprovedV1,
        InvitationAnsweredV1,
        InvitationAnsweredV2,
        ProjectCommandV1,
        CheckinAnsweredV1,
        ResultReportedV1,
        WaveRequestedV1,
        VolunteerInviteRequestedV1,
        VolunteersAvailableV1,
    ),
    "notify": (
        CampaignReceivedV1,
        InvitationIssuedV1,
        InvitationReminderV1,
        AnswerOutcomeV1,
        AnswerOutcomeV2,
        ProjectStaffedV1,
        InvitationWithdrawnV1,
        InvitationWithdrawnV2,
        ReplyAcknowledgedV1,
        ReplyAcknowledgedV2,
        ProjectKickedOffV1,
        CheckinRequestedV1,
        ProjectClosedV1,
        VolunteerLeftV1,
        TeamThankedV1,
        ProjectDeclinedV1,
        ConfirmationRequestedV1,
        VolunteerNoticeV1,
    ),
}


class UnknownEvent(ValueError):
    """A (type, version) that a queue does not carry: refused whole rather than half-understood."""

    def __init__(self, queue: str, tag: str, known: Sequence[str]) -> None:
        self.queue, self.tag = queue, tag[:100]  # the tag comes from the body: keep a log line short
        super().__init__(f"the {queue} queue carries no event {self.tag!r}; it carries {', '.join(known)}")


def schema_tag(schema: type[Event]) -> str:
    """`<type>.v<version>` of an event class, e.g. "project.approved.v1" (its fields' defaults);
    raises ValueError for a class without both."""
    fields = schema.model_fields
    kind, version = (fields[f].default if f in fields else None for f in ("type", "version"))
    if not isinstance(kind, str) or not isinstance(version, int):
        raise ValueError(
            f"{schema.__name__} needs a literal default `type` and `version`, e.g. version: Literal[2] = 2"
        )
    return f"{kind}.v{version}"


def tag_of(value: Any) -> str | None:
    """`<type>.v<version>` of an event, a parsed JSON object or a model alike; None when either
    is missing (pydantic then refuses the body as no event at all)."""
    if isinstance(value, dict):
        kind, version = value.get("type"), value.get("version")
    else:
        kind, version = getattr(value, "type", None), getattr(value, "version", None)
    if kind is None or version is None:
        return None
    return f"{kind}.v{version}"


class EventSchemas:
    """The schemas one queue carries, each chosen by its (type, version) tag: pydantic's callable
    discriminator, so a V2 of an event parses beside its V1 and each becomes its own class.

    Raises ValueError when built with two schemas of one tag (a V2 must say `version: Literal[2]`).
    """

    def __init__(self, queue: str, schemas: Sequence[type[Event]]) -> None:
        tags = [schema_tag(s) for s in schemas]
        twice = sorted({t for t in tags if tags.count(t) > 1})
        if twice:
            raise ValueError(f"two {queue} event schemas share (type, version): {', '.join(twice)}")
        self.queue, self.schemas, self.tags = queue, tuple(schemas), tuple(tags)
        choices: list[Any] = [Annotated[s, Tag(t)] for s, t in zip(schemas, tags, strict=True)]
        union = functools.reduce(operator.or_, choices)  # A | B | ...: the queue's list is data
        discriminated: Any = Annotated[union, Discriminator(tag_of)]
        self._adapter: TypeAdapter[Any] = TypeAdapter(discriminated)

    def validate_json(self, body: str | bytes) -> Event:
        """One SQS body as the event it is.

        Raises UnknownEvent for a (type, version) this queue does not carry, pydantic's
        ValidationError for bad JSON, a body without type or version, or a known event with bad or
        missing fields.
        """
        return self._refusing_unknown(lambda: self._adapter.validate_json(body))

    def validate_python(self, value: Any) -> Event:
        """An event (model or dict) checked against this queue's schemas; raises as validate_json."""
        return self._refusing_unknown(lambda: self._adapter.validate_python(value))

    def _refusing_unknown(self, validate: Callable[[], Event]) -> Event:
        try:
            return validate()
        except ValidationError as exc:
            unknown = [e for e in exc.errors(include_url=False) if e["type"] == "union_tag_invalid"]
            if unknown:
                raise UnknownEvent(self.queue, str(unknown[0].get("ctx", {}).get("tag", "?")), self.tags) from None
            raise


QUEUE_EVENTS: dict[str, EventSchemas] = {q: EventSchemas(q, s) for q, s in QUEUE_SCHEMAS.items()}


def parse(queue: str, body: str) -> Event:
    """One SQS body of `queue` as the event it is; raises as EventSchemas.validate_json."""
    return QUEUE_EVENTS[queue].validate_json(body)


def dump(event: Event) -> str:
    return event.model_dump_json()
