"""Inbound: replies by email (SES receipt -> S3 -> SNS -> SQS), texts (two-way SMS -> SNS -> SQS)
and SES bounce/complaint events (-> the suppression list). Applied once per received message.

A reply counts only if its token is genuine and unexpired and it comes from the invited
volunteer's own address; anything else changes nothing and is logged without the address.
Texts: STOP and friends opt out with exactly one confirmation, START opts back in, HELP answers,
YES/NO apply to the only open invitation, or to the one whose short code is given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from aws_lambda_powertools import Logger

from services.notify import delivery
from services.notify.domain import sms
from services.notify.domain.addresses import same_mailbox
from services.notify.domain.reading import Reading, read_message
from services.notify.domain.tokens import BadToken, ExpiredToken, token_from_address, verify
from shared.aws import client
from shared.events import AnswerOutcomeV2, Event, InvitationAnsweredV2, ReplyAcknowledgedV2
from shared.models import Invitation, Volunteer, email_hash
from shared.secrets import get_secret
from shared.settings import Settings
from shared.storage import Conflict, Store
from shared.storage.contact import ContactState

Publish = Callable[[str, Sequence[Event]], None]
Once = Callable[[Callable[[], None]], None]  # runs work at most once per received message


def _now_only(work: Callable[[], None]) -> None:
    work()


_VERDICTS = ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict")


class Inbox:
    def __init__(
        self, store: Store, publish: Publish, logger: Logger, contacts: ContactState, settings: Settings
    ) -> None:
        self.store = store
        self.publish = publish
        self.log = logger
        self.contacts = contacts
        self.settings = settings

    def handle(self, sqs_body: str, now: datetime, correlation_id: str) -> None:
        envelope = json.loads(sqs_body)
        message = json.loads(envelope["Message"]) if "Message" in envelope else envelope
        kind = message.get("notificationType") or message.get("eventType")
        if kind == "Received":
            # Not the whole reply under Powertools' once-records (a PutItem and an UpdateItem per
            # reply): a yes or no only publishes the answer, which matching applies once by its
            # guarded writes, and a late yes's note is sent once by its message key. Only what
            # would be repeated (an unclear reply kept for staff and its acknowledgement, a
            # thread reply) runs once per received message.
            key = f"inbound:email:{message['mail']['messageId']}"
            self.email(message, now, correlation_id, lambda work: delivery.once(key, work))
        elif kind in ("Bounce", "Complaint"):
            self.mail_event(kind, message, now)  # idempotent by itself: the first suppression stays
        elif "originationNumber" in message:
            message_id = message.get("inboundMessageId") or envelope.get("MessageId")
            delivery.once(f"inbound:sms:{message_id}", lambda: self.sms(message, message_id, now, correlation_id))
        else:
            self.log.warning("unknown inbound notification; dropped", extra={"keys": sorted(message)[:10]})

    # --- bounces and complaints -------------------------------------------------------------

    def mail_event(self, kind: str, message: dict[str, Any], now: datetime) -> None:
        if kind == "Bounce":
            bounce = message.get("bounce", {})
            if bounce.get("bounceType") != "Permanent":
                self.log.info("transient bounce: address kept", extra={"subtype": bounce.get("bounceSubType")})
                return
            people, reason = bounce.get("bouncedRecipients", []), "bounce"
        else:
            people, reason = message.get("complaint", {}).get("complainedRecipients", []), "complaint"
        for person in people:
            address = parseaddr(person.get("emailAddress", ""))[1]
            if not address:
                continue
            key = email_hash(address)
            added = self.contacts.suppress(key, reason, now, self.store.volunteers.volunteer_id_for_email(key))
            self.log.info("address suppressed", extra={"reason": reason, "new": added})

    # --- email ------------------------------------------------------------------------------

    def email(self, notification: dict[str, Any], now: datetime, cid: str, once: Once = _now_only) -> None:
        """Apply one received email (SES's notification); `once` runs the parts that must not be
        repeated by a redelivery (default: run them, for a caller that already applies once)."""
        receipt = notification["receipt"]
        failed = [v for v in _VERDICTS if receipt.get(v, {}).get("status") == "FAIL"]
        if failed:
            self.log.info("inbound mail dropped: verdict failed", extra={"verdicts": failed})
            return
        action = receipt["action"]
        raw = client("s3").get_object(Bucket=action["bucketName"], Key=action["objectKey"])["Body"].read()
        reading = read_message(raw)
        if reading.bounce:
            self._bounce(reading, now)
            return
        if reading.auto_reply:
            self.log.info("inbound mail dropped: auto-reply")
            return
        tokens = [t for t in map(token_from_address, receipt.get("recipients", []) + reading.recipients) if t]
        if not tokens:
            self.log.info("inbound mail dropped: no reply token in its recipients")
            return
        self._apply_email(tokens[0], reading, now, cid, once)

    def _bounce(self, reading: Reading, now: datetime) -> None:
        """A delivery status notification sent to a reply address: the addresses it reports as
        permanently failed join the suppression list, as an SES bounce event would; never an answer."""
        ours = parseaddr(self.settings.sender)[1].rpartition("@")[2].lower()
        for address in reading.bounced:
            domain = address.rpartition("@")[2]
            if not domain or domain == ours or domain.endswith("." + ours) or ours.endswith("." + domain):
                continue  # our own reply address bounced back to us: nothing of a volunteer's
            key = email_hash(address)
            added = self.contacts.suppress(key, "bounce", now, self.store.volunteers.volunteer_id_for_email(key))
            self.log.info("address suppressed", extra={"reason": "bounce", "source": "dsn", "new": added})
        self.log.info("inbound mail: delivery status notification, handled as a bounce")

    def _apply_email(self, token: str, reading: Reading, now: datetime, cid: str, once: Once) -> None:
        key = get_secret("reply-token-key").encode()
        expired = False
        try:
            invitation_id = verify(token, key, now).invitation_id
        except ExpiredToken as exc:
            expired, invitation_id = True, exc.invitation_id
        except BadToken as exc:
            self.log.warning("reply refused: bad token", extra={"reason": str(exc)})
            return
        invitation, volunteer = self.store.invitations.get_invitation_and_volunteer(invitation_id)
        if invitation is None and not expired:
            from services.notify.usecases.lifecycle_replies import apply_thread_reply

            thread: list[bool] = []
            once(
                lambda: thread.append(
                    apply_thread_reply(self.store, self.publish, self.log, invitation_id, reading, cid)
                )
            )
            if thread != [False]:  # a thread's reply, applied now or by an earlier delivery
                return
        if invitation is None or volunteer is None:
            self.log.warning("reply refused: invitation unknown", extra={"invitation_id": invitation_id})
            return
        if not same_mailbox(reading.sender, volunteer.email):
            # Never applied, never dropped: staff read it (a partner's phone, a work address...).
            self.log.warning("reply from another address: queued for staff", extra={"invitation_id": invitation_id})
            kept = invitation
            once(
                lambda: self.store.invitations.save_unclear_reply(
                    kept, "email", reading.reply_text, now, other_sender=reading.sender, read_as=reading.intent
                )
            )
            return
        self.log.info(
            "reply classified",
            extra={"invitation_id": invitation_id, "intent": reading.intent, "channel": "email", "expired": expired},
        )
        if expired:
            invitation = invitation.model_copy(update={"status": "expired"})
        self._answer(invitation, volunteer, reading.intent, reading.reply_text, "email", now, cid, once)

    def _answer(
        self,
        invitation: Invitation,
        volunteer: Volunteer,
        intent: str,
        text: str,
        channel: str,
        now: datetime,
        cid: str,
        once: Once = _now_only,
    ) -> bool:
        """Apply a classified reply to one invitation. Returns False when only a polite note (or
        nothing) followed, so the SMS path knows no answer went to matching. `once` runs what a
        redelivery must not repeat (keeping an unclear reply and acknowledging it)."""
        closed = {"expired": "expired", "team_full": "team_full", "withdrawn": "team_full"}.get(invitation.status)
        if closed is None and invitation.status == "pending" and invitation.expires_at <= now:
            closed = "expired"
        if closed:
            if intent == "yes":  # a yes too late: a polite answer, sent once per invitation and kind
                self.publish("notify", [self._outcome(invitation, volunteer, closed, cid)])
            return False
        if intent == "unclear":
            once(lambda: self._unclear(invitation, volunteer, channel, text, now, cid))
            return False
        self.publish(
            "matching",
            [
                InvitationAnsweredV2(
                    correlation_id=cid,
                    invitation_id=invitation.invitation_id,
                    project_id=invitation.project_id,
                    volunteer_id=invitation.volunteer_id,
                    email_key=volunteer.email_key,
                    answer=intent,
                    channel=channel,
                )
            ],
        )
        return True

    def _unclear(
        self, invitation: Invitation, volunteer: Volunteer, channel: str, text: str, now: datetime, cid: str
    ) -> None:
        """Keep a reply nobody could read for staff and, by email, acknowledge it."""
        self.store.invitations.save_unclear_reply(invitation, channel, text, now)
        if channel == "email":
            self.publish(
                "notify",
                [
                    ReplyAcknowledgedV2(
                        correlation_id=cid,
                        invitation_id=invitation.invitation_id,
                        project_id=invitation.project_id,
                        volunteer_id=invitation.volunteer_id,
                        email_key=volunteer.email_key,
                        channel="email",
                    )
                ],
            )

    @staticmethod
    def _outcome(invitation: Invitation, volunteer: Volunteer, outcome: str, cid: str) -> AnswerOutcomeV2:
        return AnswerOutcomeV2(
            correlation_id=cid,
            invitation_id=invitation.invitation_id,
            project_id=invitation.project_id,
            volunteer_id=invitation.volunteer_id,
            email_key=volunteer.email_key,
            outcome=outcome,
        )

    # --- sms --------------------------------------------------------------------------------

    def sms(self, message: dict[str, Any], message_id: str, now: datetime, cid: str) -> None:
        phone = message["originationNumber"]
        reply = sms.read(message.get("messageBody", ""))
        reply_key = f"inbound:sms:{message_id}:reply"
        if reply.reaction:
            self.log.info("sms reaction (tapback); not an answer, nothing sent")
            return
        if reply.keyword in ("stop", "start"):
            self._opt(phone, reply.keyword == "stop", now)
            return
        opted_out = bool(self.contacts.sms_state(phone).get("opted_out"))

        def respond(text: str) -> None:
            if not opted_out:  # after STOP nothing but the START confirmation is ever sent
                delivery.deliver_sms(reply_key, phone, text)

        if reply.keyword == "help":
            respond(sms.help_text(parseaddr(self.settings.sender)[1]))
            return
        volunteer_id = self.store.volunteers.volunteer_id_for_phone(phone)
        if volunteer_id is None:
            self.log.info("sms from an unknown number; dropped")
            return
        owner = self.store.volunteers.get_volunteer(volunteer_id)
        if owner is None or email_hash(owner.phone or "") != email_hash(phone) or not owner.sms_consent:
            self.log.info("sms from a number without consent on file; dropped")
            return
        if owner.sms_confirmed_at is None:
            # Issue 21: an answer counts only from a number whose consent that number confirmed.
            if reply.keyword == "yes":
                self._confirm_number(owner, now)
                respond(sms.consent_confirmed())
            else:
                self.log.info("sms from an unconfirmed number; not applied")
            return
        mine = sorted(
            self.store.invitations.invitations_of_volunteer(volunteer_id), key=lambda i: i.created_at, reverse=True
        )
        open_ = [i for i in mine if i.status == "pending" and i.expires_at > now]
        if reply.keyword == "unclear":
            target = open_[0] if len(open_) == 1 else None
            if target is not None:
                self.store.invitations.save_unclear_reply(target, "sms", message.get("messageBody", ""), now)
            respond(sms.unclear())
            return
        if reply.code:
            chosen = [i for i in mine if sms.short_code(i.invitation_id) == reply.code]
        else:
            chosen = open_ if len(open_) <= 1 else []
            if not open_ and mine:
                chosen = mine[:1]  # the most recent one, closed: it gets the polite answer
        if len(open_) > 1 and not chosen:
            projects = {i.project_id: self.store.campaigns.get_project(i.project_id) for i in open_}
            options = [(sms.short_code(i.invitation_id), self._label(projects[i.project_id], i)) for i in open_]
            respond(sms.which_one(options))
            return
        if not chosen:
            respond(sms.nothing_open())
            return
        self.log.info("sms reply classified", extra={"invitation_id": chosen[0].invitation_id, "intent": reply.keyword})
        if not self._answer(chosen[0], owner, reply.keyword, message.get("messageBody", ""), "sms", now, cid):
            respond(sms.closed())  # it had closed: a short polite text (and the email's note for a yes)

    def _confirm_number(self, volunteer: Volunteer, now: datetime) -> None:
        """The YES that confirms texts from this number: one guarded write (a retry finds it done)."""
        fresh = volunteer.model_copy(update={"sms_confirmed_at": now, "updated_at": now})
        try:
            self.store.volunteers.update_volunteer_profile(volunteer, fresh, fields=["sms_confirmed_at"])
        except Conflict:
            self.log.info("profile changed while confirming the number; the next YES confirms it")
            return
        self.log.info("sms consent confirmed by the number", extra={"volunteer_id": volunteer.volunteer_id})

    def _opt(self, phone: str, out: bool, now: datetime) -> None:
        """STOP / START: flip the state, then confirm exactly once per flip. The confirmation's key
        is the flip's time, so a retry after a crash, or a second STOP racing the first, finds the
        same key and sends nothing more; a repeat after confirmation finds it done."""
        (self.contacts.sms_opt_out if out else self.contacts.sms_opt_in)(phone, now)
        state = self.contacts.sms_state(phone)
        if bool(state.get("opted_out")) != out or state.get("confirmed", True):
            return  # never opted in or out by us (a START with no STOP), or already confirmed
        changed_at = str(state["changed_at"])
        kind = "stopped" if out else "started"
        delivery.deliver_sms(
            f"sms:{email_hash(phone)}:{kind}:{changed_at}", phone, sms.stopped() if out else sms.started()
        )
        self.contacts.mark_confirmed(phone, changed_at)
        self.log.info("sms opt-out" if out else "sms opt-in", extra={"keyword": kind})

    @staticmethod
    def _label(record: Any, invitation: Invitation) -> str:
        if record is None:
            return invitation.project_id
        return f"{record.project.title} for {record.project.candidate_name}"
