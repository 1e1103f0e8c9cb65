"""The store: one object holding every aggregate's adapter over the one table.

Why a facade at all: a use case touches several aggregates at once (staffing reads projects,
volunteers and invitations and writes waves), and handlers build their dependencies once per
process. Passing one `Store` keeps every use case's signature as it was and gives tests one thing
to fake (`memory.memory_store()`), while each field is typed by its aggregate's Protocol, so the
use cases depend on the protocols, not on DynamoDB. It holds no logic: each access pattern lives
in its aggregate's module (the access-pattern table in README.md names it).

No Scan anywhere. Every write that guards a count (team slots, a volunteer's active projects and
pending invitations) is a conditional write or a transaction, so concurrent consumers and
duplicate SQS deliveries cannot push a count past its limit. Reads that decide a write are
strongly consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.storage.campaigns import Campaigns, DynamoCampaigns
from shared.storage.counters import Counters, DynamoCounters
from shared.storage.invitations import DynamoInvitations, Invitations
from shared.storage.lifecycle import Lifecycle, LifecycleStore
from shared.storage.pending import DynamoPending, PendingChanges
from shared.storage.scores import Scores, ScoreStore
from shared.storage.table import Table
from shared.storage.threads import Threads, ThreadStore
from shared.storage.volunteers import DynamoVolunteers, Volunteers
from shared.storage.waves import Waves, WaveStore


@dataclass(frozen=True)
class Store:
    campaigns: Campaigns  # campaigns, projects, slots (campaigns.py)
    volunteers: Volunteers  # volunteers, email/phone owners, skill pools (volunteers.py)
    invitations: Invitations  # invitations and unclear replies (invitations.py)
    waves: Waves  # creating invitations under the wave's limits (waves.py)
    lifecycle: Lifecycle  # kickoff, close, leave, check-ins, results (lifecycle.py)
    threads: Threads  # lifecycle reply threads (threads.py)
    scores: Scores  # district scores and scoring runs (scores.py)
    pending: PendingChanges  # sign-ups and changes awaiting their owner's confirmation (pending.py)
    counters: Counters  # the pipeline's figures, counted with the writes that change them (counters.py)


def dynamo_store(base: Table) -> Store:
    """Every aggregate's DynamoDB adapter over one table."""
    campaigns, waves = DynamoCampaigns(base), WaveStore(base)
    return Store(
        campaigns=campaigns,
        volunteers=DynamoVolunteers(base),
        invitations=DynamoInvitations(base),
        waves=waves,
        lifecycle=LifecycleStore(base, campaigns, waves),
        threads=ThreadStore(base),
        scores=ScoreStore(base),
        pending=DynamoPending(base),
        counters=DynamoCounters(base),
    )
