"""Replies to lifecycle emails (issue 9): a check-in's answers, LEAVE, the metrics, the rating.

The token names a thread (shared/storage/threads.py); the reply counts only from that thread's
person (the lead, or the campaign contact), like an invitation's. What it says goes to matching,
which owns the project: the answers and results are stored there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from aws_lambda_powertools import Logger

from services.notify.domain.reading import Reading
from shared.events import CheckinAnsweredV1, Event, ProjectCommandV1, ResultReportedV1
from shared.models import email_hash
from shared.storage import Store
from shared.storage.threads import CAMPAIGN, ThreadStore

Publish = Callable[[str, Sequence[Event]], None]
_LEAVE = re.compile(r"^\s*(leave|i\s+(need|want|have)\s+to\s+leave)\b", re.IGNORECASE)


def apply_thread_reply(store: Store, publish: Publish, log: Logger, tid: str, reading: Reading, cid: str) -> bool:
    """True when `tid` is a lifecycle thread (handled, or refused and logged); False otherwise."""
    thread = ThreadStore(store).get_thread(tid)
    if thread is None:
        return False
    if thread.person == CAMPAIGN:
        found = store.get_project(thread.project_id)
        campaign = store.get_campaign(found.project.campaign_id) if found else None
        owner = email_hash(campaign.contact.email) if campaign else None
    else:
        volunteer = store.get_volunteer(thread.person)
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
            kind=thread.purpose,  # type: ignore[arg-type]
            text=text,
        )
    publish("matching", [event])
    return True
