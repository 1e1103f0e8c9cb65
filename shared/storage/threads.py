"""Reply threads of the lifecycle (issue 9): one per (project, person, purpose).

A lifecycle email (a check-in, the metrics or rating request) carries a reply token like an
invitation's (services/notify/domain/tokens.py), over a thread id derived from (project, person,
purpose) in the same 10-byte id space (`i_...`), so one token format, one key and one verifier
serve both. Matching writes the thread before it publishes the event that emails it; notify signs
the derived id, and inbound finds the thread when no invitation has that id.

The kickoff email has one thread for the whole team (person TEAM): a reply to it counts only
from someone on the team, and only a bare LEAVE does anything (it is the email people reply-all to).

Item: `THREAD#<tid> / META` {project_id, person (a volunteer id, CAMPAIGN or TEAM), purpose, week}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from shared.ids import derived_id
from shared.storage import keys
from shared.storage.table import Table

Purpose = Literal["checkin", "metrics", "rating", "team"]
CAMPAIGN = "campaign"  # the `person` of the campaign contact's threads
TEAM = "team"  # the `person` of the kickoff's thread: whoever on the team replies


def thread_id(project_id: str, person: str, purpose: str, week: int = 0) -> str:
    return derived_id("i", "thread", project_id, person, purpose, str(week))


@dataclass(frozen=True)
class Thread:
    thread_id: str
    project_id: str
    person: str  # a volunteer id, or CAMPAIGN
    purpose: str
    week: int = 0


class Threads(Protocol):
    """What lifecycle sending and reading need of reply threads (ThreadStore; memory.MemoryThreads)."""

    def open(self, project_id: str, person: str, purpose: Purpose, week: int = 0) -> Thread: ...
    def get_thread(self, tid: str) -> Thread | None: ...


class ThreadStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def open(self, project_id: str, person: str, purpose: Purpose, week: int = 0) -> Thread:
        """Idempotent: the id derives from its parts, so writing it again changes nothing."""
        thread = Thread(thread_id(project_id, person, purpose, week), project_id, person, purpose, week)
        self.table.put(keys.thread(thread.thread_id) | {"type": "Thread", **thread.__dict__})
        return thread

    def get_thread(self, tid: str) -> Thread | None:
        found = self.table.get(keys.thread(tid))
        if found is None:
            return None
        return Thread(found["thread_id"], found["project_id"], found["person"], found["purpose"], int(found["week"]))
