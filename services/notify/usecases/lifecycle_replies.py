"""Replies to lifecycle emails (issue 9): a check-in's answers, LEAVE, the metrics, the rating.

The token names a thread (shared/storage/threads.py); the reply counts only from that thread's
person (the lead, or the campaign contact), like an invitation's, or, on the kickoff's team
thread, from whoever on the team sent it. What it says goes to matching, which owns the project:
the answers and results are stored there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from aws_lambda_powertools import Logger

from services.notify.domain.reading import Reading
from shared.events import CheckinAnsweredV1, Event, ProjectCommandV1, ResultReportedV1
from shared.models import email_hash
from shared.storage import Store
from shared.storage.threads import CAMPAIGN, TEAM, Thread

Publish = Callable[[str, Sequence[Event]], None]
_LEAVE = re.compile(r"^\s*(leave|i\s+(need|want|have)\s+to\s+leave)\b", re.IGNORECASE)
# The kickoff is the email a team replies-all to ("I have to leave early today..."): there only a
# first line that is the word LEAVE alone counts.
_BARE_LEAVE = re.compile(r"\A\s*leave\s*[.!]*\s*(\n|\Z)", re.IGNORECASE)


def _team_reply(store: Store, publish: Publish, log: Logger, thread: Thread, reading: Reading, cid: str) -> None:
    volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(reading.sender))
    found = store.campaigns.get_project(thread.project_id)
    if found is None or volunteer_id is None or all(s.volunteer_id != volunteer_id for s in found.slots):
        log.warning("team reply refused: not from the team", extra={"project_id": thread.project_id})
        return
    if not _BARE_LEAVE.match(reading.reply_text):
        log.info("team reply: nothing to do (only LEAVE counts here)", extra={"project_id": thread.project_id})
        return
    log.info("team reply: leave", extra={"project_id": thread.project_id, "volunteer_id": volunteer_id})
    event = ProjectCommandV1(
        correlation_id=cid, project_id=thread.project_id, action="leave", volunteer_id=volunteer_id, channel="email"
    )
    publish("matching", [event])


def apply_thread_reply(store: Store, publish: Publish, log: Logger, tid: str, reading: Reading, cid: str) -> bool:
    """True when `tid` is a lifecycle thread (handled, or refused and logged); False otherwise."""
    thread = store.threads.get_thread(tid)
    if thread is None:
        return False
    if thread.person == TEAM:
        _team_reply(store, publish, log, thread, reading, cid)
        return True
    if thread.person == CAMPAIGN:
        found = store.campaigns.get_project(thread.project_id)
        campaign = store.campaigns.get_campaign(found.project.campaign_id) if found else None
        owner = email_hash(campaign.contact.email) if campaign else None
    else:
        volunteer = store.volunteers.get_volunteer(thread.person)
        owner = volunteer.email_key if volunteer else None
    if owner is None or email_hash(reading.sender) != owner:
        log.warning("thread reply refused: not from its person", extra={"project_id": thread.project_id})
        return True
    text = reading.reply_text.strip()
    log.info("thread reply", extra={"project_id": thread.project_id, "purpose": thread.purpose})
    if thread.purpose == "checkin" and _LEAVE.match(text):
        event: Event = ProjectCommandV1(
            correlation_id=cid,
            project_id=thread.project_id,
            action="leave",
            volunteer_id=thread.person,
            channel="email",
        )
    elif thread.purpose == "checkin":
        event = CheckinAnsweredV1(correlation_id=cid, project_id=thread.project_id, week=thread.week, text=text)
    else:
        event = ResultReportedV1(
            correlation_id=cid,
            project_id=thread.project_id,
            kind=thread.purpose,
            text=text,
        )
    publish("matching", [event])
    return True
