"""The sending plumbing every outbound message shares: reads (one per batch), the two channels,
and the footer the law asks for.

- Reads: one read of a project's partition gives the project, its seats and invitations; a batch
  (a wave's invitations to one project arrive together) reuses it, and the project's campaign.
- Email: suppressed addresses (bounces, complaints, unsubscribes) are left out; a message with one
  reader carries a personal one-click unsubscribe link (RFC 8058) beside the postal address
  (CAN-SPAM); each is sent once per message key (delivery.py).
- SMS: only to a consenting, not-opted-out number, never in the recipient's quiet hours (the rules
  and their sources: domain/sms.py): a text that must wait is handed back to the queue with a
  delay (`defer`), and the first text after consent is the disclosure.

Invitation and lifecycle sending (invitation_sending.py, lifecycle_sending.py) build on this.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from services.notify import delivery
from services.notify.domain import messages, mime, sms
from shared import links, unsubscribe
from shared.events import Event
from shared.models import Campaign, Invitation, Project, Slot, Volunteer, email_hash, utcnow
from shared.secrets import get_secret
from shared.settings import Settings
from shared.storage import Store
from shared.storage.campaigns import ProjectRecord
from shared.storage.contact import ContactState

Defer = Callable[[Event, int], None]  # put the event back on the queue, visible after N seconds
MAX_DELAY_SECONDS = 900  # SQS's limit on DelaySeconds; a longer wait is several hops
Person = tuple[str, str]  # (name, email address)


class Outbound:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        logger: Logger,
        contacts: ContactState,
        defer: Defer,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """One per invocation: it reuses what it read for the rest of the batch."""
        self.store = store
        self.settings = settings
        self.log = logger
        self.contacts = contacts
        self.defer = defer
        self.now = now or utcnow
        self._records: dict[str, ProjectRecord] = {}
        self._campaigns: dict[str, Campaign] = {}
        self._volunteers: dict[str, Volunteer] = {}  # read ahead for the batch (read_ahead)
        self._suppressed: set[str] = set()  # of the email hashes checked ahead (`_checked`)
        self._checked: set[str] = set()
        self._teams: dict[tuple[str, ...], list[tuple[Slot, Volunteer]]] = {}
        self._projects: dict[str, Project] = {}  # project items read for notes (read_for_notes)
        self._sms_states: dict[str, dict[str, Any]] = {}  # by phone, read ahead (used once each)
        self._absent: set[str] = set()  # project and volunteer ids read_for_notes asked for and did not find

    def read_ahead(self, invitations: list[tuple[str, str]]) -> None:
        """Read once for the whole batch what its invitations and reminders need: each project's
        partition (one Query each), their volunteers (one BatchGetItem per 100) and whether their
        addresses are suppressed (one BatchGetItem per 100), instead of a GetItem and a
        BatchGetItem per message. `invitations`: (project id, invitation id) pairs. Missing
        projects or invitations are left for the message's own handling (it raises there)."""
        wanted: list[str] = []
        for project_id, invitation_id in invitations:
            try:
                record = self.record(project_id)
            except LookupError:
                continue
            found = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
            if found is not None and found.volunteer_id not in self._volunteers:
                wanted.append(found.volunteer_id)
        if not wanted:
            return
        self._volunteers |= self.store.volunteers.get_volunteers(wanted)
        people = [self._volunteers[v] for v in wanted if v in self._volunteers]
        hashes = [email_hash(v.email) for v in people]
        # The numbers this batch may text, read with the suppressions: the opt-out and disclosure
        # a text needs come from here instead of one GetItem per text.
        phones = [v.phone for v in people if v.phone and self._may_text(v, False)]
        suppressed, states = self.contacts.contact_reads(hashes, phones)
        self._suppressed |= suppressed
        self._checked |= set(hashes)
        self._sms_states |= states

    def read_for_notes(self, notes: list[tuple[str, str, str | None]]) -> None:
        """Read once for the batch what its notes to volunteers (outcomes, withdrawals,
        acknowledgements) need: each project's item, each volunteer and, where the event gave the
        volunteer's email key, that address's suppression, all in one BatchGetItem. `notes`:
        (project id, volunteer id, email key or None). A note whose volunteer's address changed
        since its event checks the new address's suppression itself (`_mailable`). Notes without
        an email key (a team's withdrawals: matching does not read those volunteers) have their
        addresses' suppressions read together after their volunteers, one call for the batch
        instead of one per note."""
        known = self._absent | set(self._projects) | set(self._records) | set(self._volunteers)
        projects = {p for p, _, _ in notes if p not in known}
        volunteers = {v for _, v, _ in notes if v not in known}
        hashes = {k for _, _, k in notes if k and k not in self._checked}
        if projects or volunteers or hashes:
            found, people, suppressed = self.contacts.message_reads(projects, volunteers, hashes)
            self._projects |= found
            self._volunteers |= people
            self._absent |= (projects - set(found)) | (volunteers - set(people))
            self._suppressed |= suppressed
            self._checked |= hashes
        keyless = {v for _, v, k in notes if k is None and v in self._volunteers}
        later = sorted({self._volunteers[v].email_key for v in keyless} - self._checked)
        if later:
            self._suppressed |= self.contacts.suppressed(later)
            self._checked |= set(later)

    # --- reads ------------------------------------------------------------------------------

    def project(self, project_id: str) -> Project:
        """The project's item (this batch's copy when there is one); raises LookupError when absent."""
        if project_id in self._records:
            return self._records[project_id].project
        if project_id in self._absent:
            raise LookupError(f"project {project_id} not found")
        if project_id not in self._projects:
            found = self.store.campaigns.get_projects([project_id])
            if not found:
                raise LookupError(f"project {project_id} not found")
            self._projects[project_id] = found[0]
        return self._projects[project_id]

    def volunteer(self, volunteer_id: str) -> Volunteer:
        """A volunteer (this batch's copy when there is one); raises LookupError when absent."""
        if volunteer_id in self._absent:
            raise LookupError(f"volunteer {volunteer_id} not found")
        if volunteer_id not in self._volunteers:
            found = self.store.volunteers.get_volunteer(volunteer_id)
            if found is None:
                raise LookupError(f"volunteer {volunteer_id} not found")
            self._volunteers[volunteer_id] = found
        return self._volunteers[volunteer_id]

    def record(self, project_id: str, fresh: bool = False) -> ProjectRecord:
        """The project with its seats and invitations (`fresh`: read again, not this batch's copy).
        Raises LookupError when there is no such project."""
        if fresh or project_id not in self._records:
            found = self.store.campaigns.get_project(project_id)
            if found is None:
                raise LookupError(f"project {project_id} not found")
            self._records[project_id] = found
        return self._records[project_id]

    def campaign(self, project: Project) -> Campaign:
        """The project's campaign; raises LookupError when it is gone."""
        if project.campaign_id not in self._campaigns:
            campaign = self.store.campaigns.get_campaign(project.campaign_id)
            if campaign is None:
                raise LookupError(f"campaign {project.campaign_id} not found")
            self._campaigns[project.campaign_id] = campaign
        return self._campaigns[project.campaign_id]

    def team(self, slots: list[Slot]) -> list[tuple[Slot, Volunteer]]:
        """Each filled seat with its volunteer, in seat order."""
        if not any(s.volunteer_id for s in slots):
            return []
        seated = tuple(f"{s.index}:{s.volunteer_id}" for s in slots if s.volunteer_id)
        if seated not in self._teams:  # a wave's invitations to one project share its team so far
            people = self.store.volunteers.get_volunteers(s.volunteer_id for s in slots if s.volunteer_id)
            self._teams[seated] = [(s, people[s.volunteer_id]) for s in slots if s.volunteer_id in people]
        return self._teams[seated]

    def invitee(self, record: ProjectRecord, invitation_id: str, fresh: bool = False) -> tuple[Invitation, Volunteer]:
        """An invitation of the project and its volunteer; read again when `fresh` or newer than the
        batch's copy. Raises LookupError when either is missing."""
        invitation = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
        if invitation is None or fresh:  # newer than the copy read earlier in this batch
            record = self.record(record.project.project_id, fresh=True)
            invitation = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
        if invitation is None:
            raise LookupError(f"invitation {invitation_id} not found")
        volunteer = None if fresh else self._volunteers.get(invitation.volunteer_id)
        if volunteer is None:
            volunteer = self.store.volunteers.get_volunteer(invitation.volunteer_id)
        if volunteer is None:
            raise LookupError(f"volunteer {invitation.volunteer_id} not found")
        return invitation, volunteer

    # --- email ------------------------------------------------------------------------------

    def footer(
        self, address: str | None, *, volunteer_id: str | None = None, campaign_id: str | None = None
    ) -> dict[str, str]:
        """The postal address, and a one-click unsubscribe link when the email has one reader;
        with one reader who is a volunteer (`volunteer_id`) or a campaign's contact
        (`campaign_id`), the signed link to their own page (issue 15)."""
        link, personal, label = "", "", ""
        if address:
            key = get_secret("reply-token-key").encode()
            link = unsubscribe.url(self.settings.public_url, unsubscribe.sign(email_hash(address), key))
            if volunteer_id:
                personal = links.url(self.settings.public_url, "me", links.sign("me", {"v": volunteer_id}, key))
                label = "My volunteering: your invitations, teams and hours; pause or change your details"
            elif campaign_id:
                personal = links.url(
                    self.settings.public_url, "campaign", links.sign("campaign", {"c": campaign_id}, key)
                )
                label = "Your projects: status, teams and dates; ask for another project"
        return {
            "postal_address": self.settings.postal_address,
            "unsubscribe_url": link,
            "personal_url": personal,
            "personal_label": label,
        }

    def _mailable(self, people: list[Person]) -> list[Person]:
        hashes = [email_hash(address) for _, address in people]
        unchecked = sorted({h for h in hashes if h not in self._checked})
        if unchecked:  # kept for the batch: a team's introduction and the staffed note share the contact's
            self._suppressed |= self.contacts.suppressed(unchecked)
            self._checked |= set(unchecked)
        suppressed = self._suppressed
        kept = [(name, address) for name, address in people if email_hash(address) not in suppressed]
        if len(kept) < len(people):
            self.log.info("suppressed recipients left out", extra={"count": len(people) - len(kept)})
        return kept

    def email(
        self,
        key: str,
        build: Callable[[str | None], messages.Content],
        to: list[Person],
        reply_to: str | None = None,
    ) -> None:
        """Render (with a personal unsubscribe link when there is one reader) and send once per
        `key` to the recipients not suppressed; `build` gets the one reader's address, or None."""
        to = self._mailable(to)
        if not to:
            self.log.info("not sent: every recipient is suppressed", extra={"message_key": key})
            return
        content = build(to[0][1] if len(to) == 1 else None)
        one_reader = len(to) == 1
        message = mime.build(
            content,
            sender=self.settings.sender,
            to=to,
            reply_to=reply_to,
            unsubscribe_url=self.footer(to[0][1])["unsubscribe_url"] if one_reader else None,
            unsubscribe_mailto=None,
            message_key=key,
        )
        delivery.deliver_email(key, message.as_bytes())
        self.log.info("email sent", extra={"message_key": key})

    # --- SMS --------------------------------------------------------------------------------

    def _may_text(self, volunteer: Volunteer, confirming: bool) -> bool:
        """Consent on record and not opted out there, and the number confirmed by a YES from it unless
        this is the YES request itself (the SMS state is read once, by `text`)."""
        if not (volunteer.sms_consent and volunteer.phone) or volunteer.sms_opt_out:
            return False
        return volunteer.sms_confirmed_at is not None or confirming  # CTIA: nothing but the YES request till then

    def text(self, event: Event, key: str, volunteer: Volunteer, text: str, *, confirming: bool = False) -> None:
        """Text a consenting volunteer whose number confirmed (by a YES from it) once per key; in
        quiet hours hand the event back to wait. `confirming`: this is the YES request itself."""
        if not self._may_text(volunteer, confirming):
            return
        assert volunteer.phone is not None
        # One read: the opt-out and the disclosure (read ahead with the batch's suppressions, and
        # used once: a second text to the number in this batch reads it again, disclosed or not).
        state = self._sms_states.pop(volunteer.phone, None)
        if state is None:
            state = self.contacts.sms_state(volunteer.phone)
        if state.get("opted_out", False):
            return
        now = self.now()
        quiet = sms.quiet_hours(os.environ.get("TFC_SMS_QUIET_HOURS", "21-9"))
        place = volunteer.current_location
        wake = sms.quiet_until(now, place.state, *quiet, city=place.city, country=place.country) if quiet else None
        if wake is not None:
            delay = max(1, min(MAX_DELAY_SECONDS, int((wake - now).total_seconds()) + 1))
            self.defer(event, delay)
            self.log.info("text waits for the end of quiet hours", extra={"message_key": key, "delay": delay})
            return
        phone = volunteer.phone
        if not state.get("disclosed") and self.contacts.claim_disclosure(phone, now):
            # The first text after consent says who we are, how often, rates, STOP and HELP. The
            # conditional claim on the number's state is its only guard (no sending marker): the
            # one attempt that flips `disclosed` sends it, a refusal gives the claim back.
            delivery.deliver_sms_claimed(phone, sms.disclosure(), lambda: self.contacts.release_disclosure(phone))
        delivery.deliver_sms(key, volunteer.phone, text)
        self.log.info("text sent", extra={"message_key": key})
