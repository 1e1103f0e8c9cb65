"""Notify on Lambda-shaped batches: one email per message key, and replies that count only when
they are genuine."""

from __future__ import annotations

import json
from datetime import timedelta
from email import message_from_string, policy

import pytest

from services.matching import handlers as matching
from services.notify import handlers
from services.notify.domain.tokens import reply_address, sign
from shared.events import InvitationIssuedV1, dump
from shared.models import utcnow
from shared.storage import main_store
from tests.aws.builders import approved_project, website_refresh_team
from tests.aws.conftest import Context, drain, sent_emails, sqs_event
from tfc.local.inbound import inject_email, inject_sms

KEY = b"k" * 40


@pytest.fixture
def invitation(aws):
    team = website_refresh_team()
    project = approved_project()
    approvals = drain(aws, "matching")
    matching.on_event(sqs_event([json.dumps(e) for e in approvals]), Context())
    matching.on_tick({}, Context())  # invitations go out in the next wave
    drain(aws, "notify")
    inv = main_store().campaigns.get_project(project.project_id).invitations[0]
    volunteer = next(v for v in team if v.volunteer_id == inv.volunteer_id)
    return inv, volunteer


def send(project_id: str, invitation_id: str, copies: int = 1) -> dict:
    body = dump(InvitationIssuedV1(correlation_id="t", invitation_id=invitation_id, project_id=project_id))
    return handlers.on_send(sqs_event([body] * copies, "notify"), Context())


def emails_to(address: str) -> list:
    return [message_from_string(m.raw_data, policy=policy.default) for m in sent_emails() if address in m.raw_data]


def test_an_invitation_is_emailed_once_however_often_it_is_delivered(invitation):
    inv, volunteer = invitation
    assert send(inv.project_id, inv.invitation_id, copies=3) == {"batchItemFailures": []}
    send(inv.project_id, inv.invitation_id)
    mails = emails_to(volunteer.email)
    assert len(mails) == 1
    mail = mails[0]
    assert str(mail["Reply-To"]).startswith("reply+")
    assert "hours a week" in mail.get_body(("plain",)).get_content()
    assert {p.get_content_type() for p in mail.iter_parts()} == {"text/plain", "text/html"}


def test_withdrawn_invitation_is_not_sent(invitation):
    inv, volunteer = invitation
    main_store().invitations.close_invitation(inv, "withdrawn", utcnow())
    send(inv.project_id, inv.invitation_id)
    assert emails_to(volunteer.email) == []


def deliver_inbound(aws) -> dict:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="tfc-test-inbound")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    for m in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return handlers.on_inbound(sqs_event([m["Body"] for m in messages], "inbound"), Context())


def address_for(inv, key=KEY, expires=None) -> str:
    return reply_address(sign(inv.invitation_id, expires or inv.expires_at, key), "reply.techforcampaigns.test")


def test_genuine_yes_becomes_an_answer_once(invitation, aws):
    inv, volunteer = invitation
    inject_email(volunteer.email, address_for(inv), "Re: invite", "Yes, count me in!\n\n> Reply NO to pass")
    assert deliver_inbound(aws) == {"batchItemFailures": []}
    answers = drain(aws, "matching")
    assert [(a["type"], a["invitation_id"], a["answer"]) for a in answers] == [
        ("invitation.answered", inv.invitation_id, "yes")
    ]


@pytest.mark.parametrize("case", ["stranger", "forged", "altered", "auto_reply", "spam"])
def test_replies_that_must_change_nothing(invitation, aws, case):
    inv, volunteer = invitation
    sender, to, raw, verdicts = volunteer.email, address_for(inv), None, None
    if case == "stranger":
        sender = "someone.else@example.com"
    elif case == "forged":
        to = address_for(inv, key=b"x" * 40)
    elif case == "altered":
        token = to.split("+")[1].split("@")[0]
        to = to.replace(token, token[:5] + ("a" if token[5] != "a" else "b") + token[6:])
    elif case == "auto_reply":
        raw = (
            f"From: {sender}\r\nTo: {to}\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nYes I am away"
        ).encode()
    elif case == "spam":
        verdicts = {"spamVerdict": "FAIL"}
    inject_email(sender, to, "Re: invite", "Yes!", raw=raw, verdicts=verdicts)
    deliver_inbound(aws)
    assert drain(aws, "matching") == []
    assert main_store().invitations.get_invitation(inv.invitation_id).status == "pending"


def _variant(address: str, tag: str = "", upper: bool = False) -> str:
    local, domain = address.split("@")
    local = local.split("+")[0] + (f"+{tag}" if tag else "")
    written = f"{local}@{domain}"
    return written.upper() if upper else written


@pytest.mark.parametrize(("tag", "upper"), [("", True), ("tfc", False), ("volunteering", True)])
def test_the_same_mailbox_written_differently_counts(invitation, aws, tag, upper):
    inv, volunteer = invitation
    inject_email(_variant(volunteer.email, tag, upper), address_for(inv), "Re: invite", "Yes, I'm in!")
    deliver_inbound(aws)
    assert [(a["type"], a["answer"]) for a in drain(aws, "matching")] == [("invitation.answered", "yes")]


def test_a_volunteer_who_signed_up_with_a_tag_may_reply_without_it(aws):
    from tests.aws.builders import signup

    person = signup(41, ["web_development"], lead=True, email="river.stone+campaigns@example.org")
    store = main_store()
    website_refresh_team()
    approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())
    drain(aws, "notify")
    mine = [i for i in store.invitations.invitations_of_volunteer(person.volunteer_id) if i.status == "pending"]
    assert mine
    inject_email("River.Stone@example.org", address_for(mine[0]), "Re: invite", "Yes, count me in")
    deliver_inbound(aws)
    assert [a["answer"] for a in drain(aws, "matching")] == ["yes"]


def test_a_reply_from_another_address_goes_to_staff_marked_so(invitation, aws):
    inv, _volunteer = invitation
    inject_email("partner.of.volunteer@example.net", address_for(inv), "Re: invite", "Yes, count me in!")
    deliver_inbound(aws)
    assert drain(aws, "matching") == []  # never applied
    assert main_store().invitations.get_invitation(inv.invitation_id).status == "pending"
    queued = [r for r in main_store().invitations.unclear_replies() if r.invitation_id == inv.invitation_id]
    assert len(queued) == 1
    assert queued[0].from_other_address is True
    assert queued[0].sender == "partner.of.volunteer@example.net"
    assert queued[0].read_as == "yes"
    assert queued[0].text.startswith("Yes, count me in!")


def test_an_out_of_office_by_subject_alone_changes_nothing(invitation, aws):
    inv, volunteer = invitation
    raw = (
        f"From: {volunteer.email}\r\nTo: {address_for(inv)}\r\nSubject: Automatic reply: Can you help?\r\n"
        "\r\nNo access to email until Monday.\r\n"
    ).encode()
    inject_email(volunteer.email, address_for(inv), "x", "x", raw=raw)
    deliver_inbound(aws)
    assert drain(aws, "matching") == []
    assert [r for r in main_store().invitations.unclear_replies() if r.invitation_id == inv.invitation_id] == []


def test_a_delivery_status_notification_is_a_bounce_never_an_answer(invitation, aws):
    from shared.models import email_hash
    from shared.storage.contact import contact_state

    inv, volunteer = invitation
    to = address_for(inv)
    raw = (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
        f"To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYes, count me in!\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {volunteer.email}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b1--\r\n"
    ).encode()
    inject_email("mailer-daemon@mx.example.net", to, "x", "x", raw=raw)
    deliver_inbound(aws)
    assert drain(aws, "matching") == []
    assert contact_state().suppression(email_hash(volunteer.email)) == "bounce"
    assert main_store().volunteers.get_volunteer(volunteer.volunteer_id).email_opt_out is True


def test_yes_to_an_expired_invitation_gets_a_polite_answer(invitation, aws):
    inv, volunteer = invitation
    inject_email(volunteer.email, address_for(inv, expires=utcnow() - timedelta(minutes=5)), "Re", "yes")
    deliver_inbound(aws)
    assert drain(aws, "matching") == []
    assert [(e["type"], e["outcome"]) for e in drain(aws, "notify")] == [("answer.outcome", "expired")]


def test_unclear_reply_is_kept_for_staff_and_acknowledged(invitation, aws):
    inv, volunteer = invitation
    inject_email(volunteer.email, address_for(inv), "Re", "What is the time commitment exactly?")
    deliver_inbound(aws)
    assert drain(aws, "matching") == []
    assert [e["type"] for e in drain(aws, "notify")] == ["reply.unclear"]


def test_sms_yes_answers_the_most_recent_open_invitation(aws):
    from tests.aws.builders import signup

    person = signup(40, ["web_development"], lead=True, phone="804-555-0177", sms_consent=True)
    website_refresh_team()
    approved_project()
    approvals = drain(aws, "matching")
    matching.on_event(sqs_event([json.dumps(e) for e in approvals]), Context())
    matching.on_tick({}, Context())  # invitations go out in the next wave
    drain(aws, "notify")
    mine = [i for i in main_store().invitations.invitations_of_volunteer(person.volunteer_id) if i.status == "pending"]
    assert mine, "the volunteer with a phone should have been invited"
    inject_sms("+18045550177", "+12025550100", "YES")
    deliver_inbound(aws)
    answers = drain(aws, "matching")
    assert [(a["invitation_id"], a["answer"], a["channel"]) for a in answers] == [(mine[0].invitation_id, "yes", "sms")]
