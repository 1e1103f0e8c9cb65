"""Self-service emails and the SMS YES request (issue 15), through the shared plumbing.

Keys: `confirm:<email hash>:<nonce>` (one per pending change), `volunteer:<vid>:<notice>:<event
id>` (each notice once), `sms:<phone hash>:confirm:<vid>:<consent time>` (one YES request per
consent given). Every email carries the volunteer's own page link (outbound.footer).
"""

from __future__ import annotations

from services.notify.domain import messages
from services.notify.usecases.outbound import Outbound
from shared import links
from shared.events import ConfirmationRequestedV1, VolunteerNoticeV1
from shared.models import email_hash
from shared.secrets import get_secret

SMS_CONFIRM = (
    "Tech for Campaigns: reply YES to get texts about volunteer projects you could join. "
    "Msg frequency varies. Msg & data rates may apply. Reply STOP to opt out, HELP for help."
)


class SelfServiceSender:
    def __init__(self, out: Outbound) -> None:
        self.out = out

    def _link(self, purpose: links.Purpose, payload: dict[str, str]) -> str:
        key = get_secret("reply-token-key").encode()
        return links.url(self.out.settings.public_url, purpose, links.sign(purpose, payload, key))

    def confirmation(self, event: ConfirmationRequestedV1) -> None:
        """The confirm link: to the new address (a sign-up) or to the address on file (a change
        of a known profile: the submitter never sees it). A replaced or used one is not sent."""
        out = self.out
        pending = out.store.pending.get_pending(event.email_key, out.now())
        if pending is None or pending.nonce != event.nonce:
            out.log.info("pending change gone or replaced; confirmation not sent")
            return
        url = self._link("confirm", {"e": pending.email_key, "n": pending.nonce})
        hours = max(1, round((pending.expires_at - pending.created_at).total_seconds() / 3600))
        if pending.kind == "signup":
            name, address = str(pending.profile.get("name", "")), str(pending.profile.get("email", ""))
            paragraphs = [
                "Thanks for signing up to volunteer. Please confirm it is you: open the link and press its button.",
                f"The link works for {hours} hours. If you did not sign up, ignore this email: nothing is kept.",
            ]
            out.email(
                f"confirm:{pending.email_key}:{pending.nonce}",
                lambda addr: messages.self_service(
                    "Confirm your sign-up with Tech for Campaigns",
                    name,
                    paragraphs,
                    "Confirm my sign-up",
                    url,
                    out.footer(addr),
                ),
                [(name, address)],
            )
            return
        volunteer = out.store.volunteers.get_volunteer(pending.volunteer_id or "")
        if volunteer is None or volunteer.email_key != pending.email_key:
            return
        paragraphs = [
            "Our volunteer sign-up form was just sent with your email address. Nothing has changed: "
            "we change your details only when you confirm.",
            f"If it was you, open the link to review the changes and apply them (it works for {hours} hours). "
            "If it was not, ignore this email.",
        ]
        out.email(
            f"confirm:{pending.email_key}:{pending.nonce}",
            lambda addr: messages.self_service(
                "Someone sent our sign-up form with your email address",
                volunteer.name,
                paragraphs,
                "Review the changes",
                url,
                out.footer(addr, volunteer_id=volunteer.volunteer_id),
            ),
            [(volunteer.name, volunteer.email)],
        )

    def notice(self, event: VolunteerNoticeV1) -> None:
        out = self.out
        volunteer = out.store.volunteers.get_volunteer(event.volunteer_id)
        if volunteer is None:
            return  # deleted since
        if event.notice == "sms_confirm":
            # Only the number's holder is asked: a YES from it reaches the holder's profile, so
            # asking for another profile's sake would turn the holder's YES into an answer.
            holds = volunteer.phone and out.store.volunteers.volunteer_id_for_phone(volunteer.phone)
            if volunteer.sms_consent and holds == volunteer.volunteer_id and volunteer.sms_confirmed_at is None:
                consent = volunteer.sms_consent_at.isoformat() if volunteer.sms_consent_at else ""
                key = f"sms:{email_hash(volunteer.phone or '')}:confirm:{volunteer.volunteer_id}:{consent}"
                out.text(event, key, volunteer, SMS_CONFIRM, confirming=True)
            return
        if volunteer.email_opt_out and event.notice != "link":
            return
        subject, lines = NOTICES[event.notice]
        words = {"day": event.detail or "the day you chose", "what": event.detail or "your details"}
        paragraphs = [line.format(**words) for line in lines]
        page = self._link("me", {"v": volunteer.volunteer_id})
        out.email(
            # The resume-day email is once per (volunteer, day), however often the tick publishes it.
            f"volunteer:{volunteer.volunteer_id}:resumed:{event.detail}"
            if event.notice == "resumed" and event.detail
            else f"volunteer:{volunteer.volunteer_id}:{event.notice}:{event.event_id}",
            lambda addr: messages.self_service(
                subject.format(**words),
                volunteer.name,
                paragraphs,
                "Open My volunteering",
                page,
                out.footer(addr, volunteer_id=volunteer.volunteer_id),
            ),
            [(volunteer.name, volunteer.email)],
        )


NOTICES: dict[str, tuple[str, list[str]]] = {
    "welcome": (
        "You're signed up to volunteer with Tech for Campaigns",
        [
            "Your sign-up is confirmed. When a campaign project fits your skills and your time, "
            "we email you an invitation.",
            "Your own page shows your invitations, teams and hours, and lets you pause or change your details.",
        ],
    ),
    "changed": (
        "Your volunteer details are changed",
        ["We have saved the change to {what}. It counts from the next round of invitations."],
    ),
    "paused": (
        "Invitations paused until {day}",
        ["We send you no invitations until {day}. We will email you that day when they resume."],
    ),
    "resumed": (
        "You can be invited again",
        ["Your pause is over: from the next round you may be invited to campaign projects again."],
    ),
    "link": (
        "Your link to My volunteering",
        ["Here is the link to your page you asked for. If you did not ask, you can ignore this email."],
    ),
}
