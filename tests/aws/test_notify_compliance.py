"""Notify against the emulator: every queue event delivered twice sends each message once;
unsubscribe, bounces and complaints stop mail; texts follow consent, STOP/START/HELP, quiet hours
and short codes; throttling delays a message without losing it; no address or number is logged."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy

import pytest
from botocore.exceptions import ClientError
from chalice.test import Client

from services.intake.app import app
from services.matching import handlers as matching
from services.notify import handlers
from services.notify.domain import sms
from shared.events import (
    AnswerOutcomeV1,
    AnswerOutcomeV2,
    CampaignReceivedV1,
    InvitationIssuedV1,
    InvitationReminderV1,
    InvitationWithdrawnV1,
    InvitationWithdrawnV2,
    ProjectStaffedV1,
    ReplyAcknowledgedV1,
    ReplyAcknowledgedV2,
    dump,
)
from shared.models import email_hash, utcnow
from shared.storage import main_store
from shared.storage.contact import contact_state
from tests.aws.builders import approved_project, signup, website_refresh_team
from tests.aws.conftest import Context, drain, sent_emails, sqs_event
from tests.aws.test_notify_handlers import address_for, deliver_inbound, emails_to, send
from tfc.local.inbound import inject_email, inject_sms

DAYTIME = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # 11 am in Denver, where test volunteers live
NIGHT = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 10 pm in Denver


def keys_sent() -> list[str]:
    found = []
    for m in sent_emails():
        found.append(str(message_from_string(m.raw_data, policy=policy.default)["X-TFC-Message-Key"]).strip())
    return found


def texts() -> list[tuple[str, str]]:
    from moto.sns.models import sns_backends

    return [tuple(v) for v in sns_backends["123456789012"]["us-east-1"].sms_messages.values()]


def on_send(bodies: list[str]) -> dict:
    return handlers.on_send(sqs_event(bodies, "notify"), Context())


@pytest.fixture
def daytime(monkeypatch):
    monkeypatch.setattr("services.notify.usecases.outbound.utcnow", lambda: DAYTIME)
    return DAYTIME


@pytest.fixture
def invited(aws):
    """One pending invitation and its volunteer (no text consent)."""
    team = website_refresh_team()
    project = approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())  # invitations go out in the next wave
    drain(aws, "notify")
    inv = main_store().campaigns.get_project(project.project_id).invitations[0]
    return inv, next(v for v in team if v.volunteer_id == inv.volunteer_id)


# --- exactly once, as a person sees it ---------------------------------------------------------


def test_every_notify_event_delivered_twice_sends_each_message_once(invited, aws, daytime):
    inv, _volunteer = invited
    project = main_store().campaigns.get_project(inv.project_id).project
    events = [
        InvitationIssuedV1(correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id),
        InvitationReminderV1(correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id),
        AnswerOutcomeV1(
            correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id, outcome="joined"
        ),
        InvitationWithdrawnV1(
            correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id, reason="team_filled"
        ),
        ReplyAcknowledgedV1(
            correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id, channel="email"
        ),
        CampaignReceivedV1(correlation_id="t", campaign_id=project.campaign_id),
        ProjectStaffedV1(correlation_id="t", project_id=inv.project_id),
        # The V2 notes name the volunteer (and the email key), read with the project in one call.
        AnswerOutcomeV2(
            correlation_id="t",
            invitation_id=inv.invitation_id,
            project_id=inv.project_id,
            volunteer_id=inv.volunteer_id,
            email_key=_volunteer.email_key,
            outcome="declined",
        ),
        InvitationWithdrawnV2(
            correlation_id="t",
            invitation_id=inv.invitation_id,
            project_id=inv.project_id,
            volunteer_id=inv.volunteer_id,
            reason="volunteer_busy",
        ),
        ReplyAcknowledgedV2(
            correlation_id="t",
            invitation_id=inv.invitation_id,
            project_id=inv.project_id,
            volunteer_id=inv.volunteer_id,
            email_key=_volunteer.email_key,
            channel="email",
        ),
    ]
    bodies = [dump(e) for e in events]
    assert on_send(bodies + bodies) == {"batchItemFailures": []}  # duplicates in one batch
    assert on_send(list(reversed(bodies))) == {"batchItemFailures": []}  # and redelivered later
    sent = keys_sent()
    assert len(sent) == len(set(sent)), sent
    i = inv.invitation_id
    assert set(sent) >= {
        f"invitation:{i}:invite:email",
        f"invitation:{i}:reminder:email",
        f"invitation:{i}:joined",
        f"invitation:{i}:withdrawn",
        f"invitation:{i}:declined",
        f"invitation:{i}:released",
        f"campaign:{project.campaign_id}:received",
        f"project:{inv.project_id}:team_intro",
        f"project:{inv.project_id}:staffed",
    }
    assert len([k for k in sent if k.startswith(f"invitation:{i}:unclear:")]) == 2  # one per unclear reply


def test_an_inbound_reply_delivered_twice_is_applied_once(invited, aws):
    inv, volunteer = invited
    inject_email(volunteer.email, address_for(inv), "Re: invite", "Yes!")
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="tfc-test-inbound")["QueueUrl"]
    body = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]["Body"]
    assert handlers.on_inbound(sqs_event([body, body], "inbound"), Context()) == {"batchItemFailures": []}
    handlers.on_inbound(sqs_event([body], "inbound"), Context())
    # A yes is not kept under a once-record: each delivery publishes it, and matching applies it
    # once (its guarded accept), so the volunteer joins once and is told once.
    answers = drain(aws, "matching")
    assert {(a["answer"], a["version"], a["volunteer_id"]) for a in answers} == {("yes", 2, volunteer.volunteer_id)}
    assert matching.on_event(sqs_event([json.dumps(a) for a in answers]), Context()) == {"batchItemFailures": []}
    assert main_store().invitations.get_invitation(inv.invitation_id).status == "accepted"
    assert main_store().volunteers.get_volunteer(volunteer.volunteer_id).active_projects == 1
    outcomes = [e for e in drain(aws, "notify") if e["type"] == "answer.outcome"]
    assert [e["outcome"] for e in outcomes] == ["joined"]
    assert on_send([json.dumps(e) for e in outcomes + outcomes]) == {"batchItemFailures": []}
    assert keys_sent().count(f"invitation:{inv.invitation_id}:joined") == 1


def test_an_unclear_reply_delivered_twice_is_kept_and_acknowledged_once(invited, aws, daytime):
    inv, volunteer = invited
    inject_email(volunteer.email, address_for(inv), "Re: invite", "Who is this from? Call me about it")
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="tfc-test-inbound")["QueueUrl"]
    body = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]["Body"]
    assert handlers.on_inbound(sqs_event([body, body], "inbound"), Context()) == {"batchItemFailures": []}
    handlers.on_inbound(sqs_event([body], "inbound"), Context())
    assert len(main_store().invitations.replies_to(inv.invitation_id)) == 1
    assert [e["type"] for e in drain(aws, "notify")] == ["reply.unclear"]
    assert drain(aws, "matching") == []


def test_a_replayed_token_after_the_answer_changes_nothing(invited, aws):
    inv, volunteer = invited
    inject_email(volunteer.email, address_for(inv), "Re", "No thanks")
    deliver_inbound(aws)
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")], "matching"), Context())
    assert main_store().invitations.get_invitation(inv.invitation_id).status == "declined"
    drain(aws, "notify")
    inject_email(volunteer.email, address_for(inv), "Re", "Yes after all!")  # same token, new message
    deliver_inbound(aws)
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")], "matching"), Context())
    assert main_store().invitations.get_invitation(inv.invitation_id).status == "declined"


def test_a_yes_to_a_full_team_gets_a_polite_answer(invited, aws):
    inv, volunteer = invited
    main_store().invitations.close_invitation(inv, "team_full", utcnow())
    inject_email(volunteer.email, address_for(inv), "Re", "yes please")
    deliver_inbound(aws)
    assert drain(aws, "matching") == []
    assert [(e["type"], e["outcome"]) for e in drain(aws, "notify")] == [("answer.outcome", "team_full")]


# --- unsubscribe, bounces, complaints ---------------------------------------------------------


def test_one_click_unsubscribe_post_honoured_get_never(invited, aws, daytime):
    inv, volunteer = invited
    send(inv.project_id, inv.invitation_id)
    mail = emails_to(volunteer.email)[0]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", str(mail["List-Unsubscribe"])).group(1)
    assert url in mail.get_body(("plain",)).get_content()
    path = url.removeprefix("http://127.0.0.1:8000")
    with Client(app) as client:
        page = client.http.get(path)
        assert page.status_code == 200 and b'method="post"' in page.body
        assert contact_state().suppression(volunteer.email_key) is None  # a link scanner's GET
        done = client.http.post(
            path, headers={"content-type": "application/x-www-form-urlencoded"}, body=b"List-Unsubscribe=One-Click"
        )
        assert done.status_code == 200 and b"unsubscribed" in done.body
        again = client.http.post(path, headers={"content-type": "application/x-www-form-urlencoded"}, body=b"")
        assert again.status_code == 200
        forged = client.http.post(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"), body=b"")
        assert forged.status_code == 404
    assert contact_state().suppression(volunteer.email_key) == "unsubscribe"
    assert main_store().volunteers.get_volunteer(volunteer.volunteer_id).email_opt_out is True
    before = len(sent_emails())
    on_send(
        [dump(InvitationReminderV1(correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id))]
    )
    on_send(
        [
            dump(
                AnswerOutcomeV1(
                    correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id, outcome="expired"
                )
            )
        ]
    )
    assert len(sent_emails()) == before


def ses_event(kind: str, address: str, bounce_type: str = "Permanent") -> str:
    body: dict = {"notificationType": kind, "mail": {"messageId": "m-1", "destination": [address]}}
    if kind == "Bounce":
        body["bounce"] = {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": f"Ana <{address}>"}]}
    else:
        body["complaint"] = {"complainedRecipients": [{"emailAddress": address}]}
    return json.dumps({"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(body)})


@pytest.mark.parametrize(
    ("kind", "bounce_type", "suppressed"),
    [
        ("Bounce", "Permanent", "bounce"),
        ("Bounce", "Transient", None),
        ("Complaint", "", "complaint"),
    ],
)
def test_bounces_and_complaints_suppress_the_address(invited, aws, daytime, kind, bounce_type, suppressed):
    inv, volunteer = invited
    event = ses_event(kind, volunteer.email.upper(), bounce_type)
    assert handlers.on_inbound(sqs_event([event, event], "inbound"), Context()) == {"batchItemFailures": []}
    assert contact_state().suppression(volunteer.email_key) == suppressed
    send(inv.project_id, inv.invitation_id)
    assert len(emails_to(volunteer.email)) == (0 if suppressed else 1)


def test_a_suppressed_campaign_contact_gets_no_introduction(aws, daytime):
    website_refresh_team()
    project = approved_project()
    campaign = main_store().campaigns.get_campaign(project.campaign_id)
    on_send([dump(CampaignReceivedV1(correlation_id="t", campaign_id=campaign.campaign_id))])
    assert sum(campaign.contact.email in m.raw_data for m in sent_emails()) == 1
    contact_state().suppress(email_hash(campaign.contact.email), "complaint", utcnow(), None)
    on_send([dump(ProjectStaffedV1(correlation_id="t", project_id=project.project_id))])
    assert sum(campaign.contact.email in m.raw_data for m in sent_emails()) == 1


# --- throttling ---------------------------------------------------------------------------------


def test_throttling_delays_a_message_without_losing_or_doubling_it(invited, aws, daytime, monkeypatch):
    inv, volunteer = invited
    from services.notify.adapters import email as email_adapter

    real = email_adapter.send_email
    calls = {"n": 0}

    def throttled_once(message):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ClientError(
                {"Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded"}}, "SendEmail"
            )
        return real(message)

    monkeypatch.setattr("services.notify.delivery.send_email", throttled_once)
    body = dump(InvitationIssuedV1(correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id))
    first = handlers.on_send(
        sqs_event(
            [
                body,
                dump(
                    CampaignReceivedV1(
                        correlation_id="t",
                        campaign_id=main_store().campaigns.get_project(inv.project_id).project.campaign_id,
                    )
                ),
            ],
            "notify",
        ),
        Context(),
    )
    assert len(first["batchItemFailures"]) == 1  # the throttled record comes back; the other went
    assert handlers.on_send(sqs_event([body], "notify"), Context()) == {"batchItemFailures": []}
    handlers.on_send(sqs_event([body], "notify"), Context())
    assert len(emails_to(volunteer.email)) == 1


def test_the_token_bucket_paces_sends():
    from services.notify.ratelimit import TokenBucket

    clock = {"t": 0.0}
    waits = []
    bucket = TokenBucket(
        2.0,
        burst=2,
        clock=lambda: clock["t"],
        sleep=lambda s: (waits.append(s), clock.__setitem__("t", clock["t"] + s)),
    )
    for _ in range(6):
        bucket.acquire()
    assert waits == pytest.approx([0.5, 0.5, 0.5, 0.5])  # 2 at once, then one every half second


# --- SMS ----------------------------------------------------------------------------------------


@pytest.fixture
def texter(aws):
    person = signup(40, ["web_development"], lead=True, phone="804-555-0177", sms_consent=True)
    website_refresh_team()
    approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())  # invitations go out in the next wave
    drain(aws, "notify")
    mine = [i for i in main_store().invitations.invitations_of_volunteer(person.volunteer_id) if i.status == "pending"]
    assert mine
    return person, mine[0]


PHONE = "+18045550177"


def issue(inv) -> str:
    return dump(InvitationIssuedV1(correlation_id="t", invitation_id=inv.invitation_id, project_id=inv.project_id))


def test_first_text_discloses_then_invites_once(texter, daytime):
    _person, inv = texter
    on_send([issue(inv), issue(inv)])
    on_send([issue(inv)])
    sent = [t for to, t in texts() if to == PHONE]
    assert len(sent) == 2
    assert "Msg & data rates may apply" in sent[0] and "STOP" in sent[0] and "HELP" in sent[0]
    assert "Reply YES to join, NO to pass" in sent[1] and sms.short_code(inv.invitation_id) in sent[1]


def test_the_disclosure_is_guarded_by_its_claim_alone_and_a_refusal_lets_the_retry_send_it(
    texter, daytime, monkeypatch
):
    from services.notify import delivery
    from services.notify.adapters.sms import SnsSms

    person, inv = texter
    marked: list[str] = []
    real_mark = delivery._mark_sending
    monkeypatch.setattr(delivery, "_mark_sending", lambda key: marked.append(key) or real_mark(key))
    real, calls = SnsSms(), {"n": 0}

    class RefusesFirst:
        def send(self, to, text, origination):
            calls["n"] += 1
            if calls["n"] == 1:  # the disclosure: refused, nothing sent
                raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Publish")
            return real.send(to, text, origination)

    monkeypatch.setattr("services.notify.delivery.sms_sender", RefusesFirst)
    with pytest.raises(Exception, match="All records failed"):
        on_send([issue(inv)])  # the record comes back
    assert [t for to, t in texts() if to == PHONE] == []
    assert contact_state().sms_state(PHONE)["disclosed"] is False  # the claim was given back
    on_send([issue(inv), issue(inv)])  # the retry, delivered twice
    on_send([issue(inv)])
    sent = [t for to, t in texts() if to == PHONE]
    assert len(sent) == 2 and "Msg & data rates may apply" in sent[0] and "Reply YES" in sent[1]
    assert len(emails_to(person.email)) == 1
    # One sending marker per message (the email, the invitation's text); the disclosure has none.
    assert not any("disclosure" in k for k in marked)
    assert sorted(set(marked)) == sorted(
        {f"invitation:{inv.invitation_id}:invite:email", f"invitation:{inv.invitation_id}:invite:sms"}
    )


def test_a_batch_reads_its_numbers_state_ahead_and_still_honours_a_stop(texter, daytime, monkeypatch):
    from shared.storage.contact import ContactState

    person, inv = texter
    assert contact_state().sms_opt_out(PHONE, utcnow())
    asked: list[str] = []
    real = ContactState.sms_state
    monkeypatch.setattr(ContactState, "sms_state", lambda self, phone: asked.append(phone) or real(self, phone))
    on_send([issue(inv)])
    assert asked == []  # read with the batch's suppressions, not one GetItem per text
    assert [t for to, t in texts() if to == PHONE] == []
    assert emails_to(person.email)


def test_no_text_without_consent(aws, daytime):
    person = signup(41, ["web_development"], lead=True, phone="804-555-0178", sms_consent=False)
    website_refresh_team()
    approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())  # invitations go out in the next wave
    mine = [i for i in main_store().invitations.invitations_of_volunteer(person.volunteer_id)]
    assert mine
    on_send([issue(mine[0])])
    assert [t for to, t in texts() if to == "+18045550178"] == []
    assert emails_to(person.email)


def test_quiet_hours_make_a_text_wait_not_vanish(texter, aws, monkeypatch):
    person, inv = texter
    deferred = []

    def record(event, delay):
        deferred.append((event, delay))
        handlers_defer(event, delay)

    handlers_defer = handlers.defer
    monkeypatch.setattr("services.notify.handlers.defer", record)
    monkeypatch.setattr("services.notify.usecases.outbound.utcnow", lambda: NIGHT)
    on_send([issue(inv)])
    assert [t for to, t in texts() if to == PHONE] == []
    assert emails_to(person.email)  # the email goes at once
    assert [(e.invitation_id, d) for e, d in deferred] == [(inv.invitation_id, 900)]  # 11 h to 9 am: first hop
    url = aws.client("sqs").get_queue_url(QueueName="tfc-test-notify")["QueueUrl"]
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"  # waiting on the queue, not dropped
    monkeypatch.setattr("services.notify.usecases.outbound.utcnow", lambda: DAYTIME + timedelta(days=1))
    on_send([dump(deferred[0][0])])  # the next morning the same event sends the text, not the email again
    assert len([t for to, t in texts() if to == PHONE]) == 2
    assert len(emails_to(person.email)) == 1


def sms_in(aws, text: str) -> None:
    inject_sms(PHONE, "+12025550100", text)
    deliver_inbound(aws)


def test_stop_confirms_exactly_once_help_answers_start_opts_back_in(texter, aws, daytime):
    _person, inv = texter
    sms_in(aws, "STOP")
    sms_in(aws, "stop")
    sms_in(aws, "UNSUBSCRIBE")
    sent = [t for to, t in texts() if to == PHONE]
    assert len(sent) == 1 and "unsubscribed" in sent[0]
    sms_in(aws, "HELP")  # opted out: nothing but START's confirmation is sent
    on_send([issue(inv)])
    assert len([t for to, t in texts() if to == PHONE]) == 1
    sms_in(aws, "START")
    sms_in(aws, "START")
    sent = [t for to, t in texts() if to == PHONE]
    assert len(sent) == 2 and "subscribed to volunteer texts again" in sent[1]
    sms_in(aws, "help")
    assert "Reply STOP to opt out" in [t for to, t in texts() if to == PHONE][-1]


def test_several_open_invitations_are_answered_by_short_code(texter, aws, daytime):
    person, _first = texter
    website_refresh_team()
    approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())  # invitations go out in the next wave
    drain(aws, "notify")
    open_ = [i for i in main_store().invitations.invitations_of_volunteer(person.volunteer_id) if i.status == "pending"]
    if len(open_) < 2:
        pytest.skip("matching did not invite the volunteer twice")
    sms_in(aws, "YES")
    assert drain(aws, "matching") == []
    question = [t for to, t in texts() if to == PHONE][-1]
    codes = [sms.short_code(i.invitation_id) for i in open_]
    assert all(code in question for code in codes)
    sms_in(aws, f"yes {codes[1].lower()}")
    answers = drain(aws, "matching")
    assert [(a["invitation_id"], a["answer"], a["channel"]) for a in answers] == [
        (open_[1].invitation_id, "yes", "sms")
    ]


def test_no_address_or_number_in_any_log_line(texter, aws, daytime, capfd, caplog):
    person, inv = texter
    level = handlers.logger.log_level
    handlers.logger.setLevel("INFO")
    on_send([issue(inv)])
    sms_in(aws, "STOP")
    inject_email(person.email, address_for(inv), "Re", "yes")
    deliver_inbound(aws)
    handlers.logger.setLevel(level)
    out = capfd.readouterr()
    logs = out.out + out.err + caplog.text
    assert "reply classified" in logs and "sms opt-out" in logs  # the lines were captured
    for secret in (person.email, PHONE, "804-555-0177", "8045550177"):
        assert secret not in logs


def test_a_stop_whose_confirmation_failed_once_is_confirmed_exactly_once(texter, aws, daytime, monkeypatch):
    from services.notify.adapters.sms import SnsSms

    real = SnsSms()
    calls = {"n": 0}

    class FailsOnce:
        def send(self, to, text, origination):
            calls["n"] += 1
            if calls["n"] == 1:
                raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Publish")
            return real.send(to, text, origination)

    monkeypatch.setattr("services.notify.delivery.sms_sender", FailsOnce)
    inject_sms(PHONE, "+12025550100", "STOP")
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="tfc-test-inbound")["QueueUrl"]
    body = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]["Body"]
    with pytest.raises(Exception, match="All records failed"):
        handlers.on_inbound(sqs_event([body], "inbound"), Context())  # the record will come back
    assert contact_state().sms_state(PHONE)["opted_out"] is True  # honoured at once all the same
    assert handlers.on_inbound(sqs_event([body], "inbound"), Context()) == {"batchItemFailures": []}
    sms_in(aws, "STOP")
    assert [t for to, t in texts() if to == PHONE] == [sms.stopped()]


def test_a_text_yes_to_a_closed_invitation_gets_a_polite_text_and_note(texter, aws, daytime):
    _person, inv = texter
    main_store().invitations.close_invitation(inv, "team_full", utcnow())
    sms_in(aws, f"YES {sms.short_code(inv.invitation_id)}")
    assert drain(aws, "matching") == []
    assert [(e["type"], e["outcome"]) for e in drain(aws, "notify")] == [("answer.outcome", "team_full")]
    assert [t for to, t in texts() if to == PHONE] == [sms.closed()]


@pytest.mark.parametrize(
    "said", [("Opt out", "OPT-OUT"), ("Stop. Thank you", "stop please"), ("Please stop texting me", "Remove")]
)
def test_every_way_of_saying_stop_opts_out_with_one_confirmation(texter, aws, daytime, said):
    _person, inv = texter
    for text in said:
        sms_in(aws, text)
    assert [t for to, t in texts() if to == PHONE] == [sms.stopped()]
    assert contact_state().sms_state(PHONE)["opted_out"] is True
    on_send([issue(inv)])  # opted out: the invitation is not texted
    assert [t for to, t in texts() if to == PHONE] == [sms.stopped()]


def test_a_stop_about_something_else_and_a_reaction_change_nothing(texter, aws, daytime):
    _person, inv = texter
    sms_in(aws, "Count me in! We have got to STOP this terrible bill from passing!!")
    sms_in(aws, "Liked “Tech for Campaigns: can you help? Reply YES to join, NO to pass.”")
    assert not contact_state().sms_state(PHONE).get("opted_out")
    assert drain(aws, "matching") == []  # neither is applied as an answer
    sent = [t for to, t in texts() if to == PHONE]
    assert sent == [sms.unclear()]  # the sentence gets "a person will get back to you"; the reaction nothing
    assert main_store().invitations.get_invitation(inv.invitation_id).status == "pending"
