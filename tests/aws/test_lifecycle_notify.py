"""Lifecycle emails and replies: kickoff to team and campaign, the check-in and its answer by
reply, LEAVE by reply, metrics then the thank-you, the campaign's rating; replies from anyone
but the thread's person change nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from email import message_from_string, policy

from services.matching import handlers as matching
from services.notify import handlers
from shared.events import ProjectCommandV1, dump
from shared.storage import main_store
from tests.aws.conftest import Context, drain, sent_emails, sqs_event
from tests.aws.test_lifecycle import lifecycle_tick, staffed
from tfc.local.inbound import inject_email


def to_notify(aws) -> None:
    """Hand everything waiting on the notify queue to notify-send."""
    events = drain(aws, "notify")
    if events:
        assert handlers.on_send(sqs_event([json.dumps(e) for e in events], "notify"), Context()) == {
            "batchItemFailures": []
        }


def to_matching(aws) -> list[dict]:
    events = drain(aws, "matching")
    if events:
        matching.on_event(sqs_event([json.dumps(e) for e in events], "matching"), Context())
    return events


def inbound(aws) -> None:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="tfc-test-inbound")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for m in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    handlers.on_inbound(sqs_event([m["Body"] for m in messages], "inbound"), Context())


def mails(subject_part: str) -> list:
    found = [message_from_string(m.raw_data, policy=policy.default) for m in sent_emails()]
    return [m for m in found if subject_part in str(m["Subject"])]


def kicked_off(aws):
    record = staffed(aws)
    pid = record.project.project_id
    matching.on_event(
        sqs_event([dump(ProjectCommandV1(correlation_id="t", project_id=pid, action="kickoff"))]), Context()
    )
    to_notify(aws)
    people = main_store().volunteers.get_volunteers(s.volunteer_id for s in record.slots)
    lead = people[next(s.volunteer_id for s in record.slots if s.role == "lead")]
    return main_store().campaigns.get_project(pid), people, lead


def test_kickoff_then_a_checkin_answered_by_reply_is_stored_and_a_blocker_flags(aws):
    record, people, lead = kicked_off(aws)
    pid = record.project.project_id
    kickoff = mails("Kickoff:")
    assert len(kickoff) == 1
    body = kickoff[0].get_body(("plain",)).get_content()
    assert all(v.name in body for v in people.values()) and record.project.deliverables[0] in body
    assert "Weekly check-in: every" in body and "Shared workspace" in body
    assert "sam@jopark.example.org" in str(kickoff[0]["To"])  # the campaign is on it

    lifecycle_tick(record.project.kickoff_at + timedelta(weeks=1, hours=1))
    to_notify(aws)
    checkin = mails("Week 1 check-in")
    assert len(checkin) == 1 and lead.email in str(checkin[0]["To"])
    reply_to = str(checkin[0]["Reply-To"])
    inject_email("someone@else.example", reply_to, "Re: check-in", "Blocked: everything")  # not the lead
    inbound(aws)
    assert to_matching(aws) == []
    inject_email(lead.email, reply_to, "Re: check-in", "Done: donate page live\nNext: emails\nBlocked: no DNS access")
    inbound(aws)
    assert [e["type"] for e in to_matching(aws)] == ["checkin.answered"]
    stored = main_store().lifecycle.project_items(pid).checkins[0]
    assert (stored["done_text"], stored["blocked_text"]) == ("donate page live", "no DNS access")
    assert main_store().campaigns.get_project(pid).project.status == "needs_attention"


def test_leave_by_replying_to_a_checkin(aws):
    record, _, lead = kicked_off(aws)
    lifecycle_tick(record.project.kickoff_at + timedelta(weeks=1, hours=1))
    to_notify(aws)
    inject_email(lead.email, str(mails("Week 1 check-in")[0]["Reply-To"]), "Re: check-in", "LEAVE\nsorry, new job")
    inbound(aws)
    to_matching(aws)
    assert (
        main_store().campaigns.get_project(record.project.project_id).project.status == "needs_attention"
    )  # the lead left
    assert main_store().volunteers.get_volunteer(lead.volunteer_id).active_projects == 0
    to_notify(aws)
    assert len(mails("You have left")) == 1


def test_a_member_leaves_by_replying_leave_to_the_kickoff_and_team_chatter_changes_nothing(aws):
    record, people, lead = kicked_off(aws)
    pid = record.project.project_id
    member = next(v for v in people.values() if v.volunteer_id != lead.volunteer_id)
    reply_to = str(mails("Kickoff:")[0]["Reply-To"])
    assert reply_to.startswith("reply+")
    chatter = "I have to leave early today; the workspace: https://docs.example/x"
    inject_email(lead.email, reply_to, "Re: Kickoff", chatter)  # would leave a check-in; not here
    inject_email("sam@jopark.example.org", reply_to, "Re: Kickoff", "LEAVE")  # the campaign is not on the team
    inject_email("someone@else.example", reply_to, "Re: Kickoff", "LEAVE")
    inbound(aws)
    assert to_matching(aws) == []  # reply-all chatter, and people who are not on the team: nothing
    inject_email(member.email, reply_to, "Re: Kickoff", "Leave.\n\nSorry, my job changed.\n\n> Hello all,")
    inbound(aws)
    assert [e["type"] for e in to_matching(aws)] == ["project.command"]
    after = main_store().campaigns.get_project(pid)
    assert member.volunteer_id not in {s.volunteer_id for s in after.slots}  # the seat reopened
    assert after.project.status == "matching"  # a member left: matching refills the seat
    assert main_store().volunteers.get_volunteer(member.volunteer_id).active_projects == 0
    to_notify(aws)
    assert len(mails("You have left")) == 1


def test_phase_end_asks_metrics_and_rating_and_thanks_the_team_with_the_metrics(aws):
    record, people, lead = kicked_off(aws)
    pid = record.project.project_id
    lifecycle_tick(record.project.ends_at + timedelta(minutes=1))
    assert main_store().campaigns.get_project(pid).project.status == "done"
    to_notify(aws)
    (metrics_request,) = mails("Phase end:")
    (rating_request,) = mails("How did it go?")
    assert lead.email in str(metrics_request["To"]) and "sam@jopark" in str(rating_request["To"])
    inject_email(lead.email, str(metrics_request["Reply-To"]), "Re", "Sign-ups: 340\nDonations: $12,400")
    inject_email("sam@jopark.example.org", str(rating_request["Reply-To"]), "Re", "5 - the new site doubled sign-ups")
    inbound(aws)
    to_matching(aws)
    results = main_store().lifecycle.project_items(pid).results
    assert results["rating"]["rating"] == 5 and "doubled" in results["rating"]["comment"]
    assert "340" in results["metrics"]["text"]
    to_notify(aws)
    (thanks,) = mails("Thank you:")
    text = thanks.get_body(("plain",)).get_content()
    assert "Sign-ups: 340" in text and all(v.email in str(thanks["To"]) for v in people.values())


def _set_webhooks(aws, config: dict) -> None:
    from shared.secrets import clear_secret_cache

    aws.client("ssm").put_parameter(
        Name="/tfc/test/webhook-urls", Value=json.dumps(config), Type="SecureString", Overwrite=True
    )
    clear_secret_cache()


def test_kickoff_and_completion_are_announced_on_the_program_webhook_once(aws):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _set_webhooks(aws, {"default": f"http://127.0.0.1:{server.server_port}/hook"})
        record, _, _ = kicked_off(aws)
        matching.on_event(
            sqs_event(
                [dump(ProjectCommandV1(correlation_id="t", project_id=record.project.project_id, action="kickoff"))]
            ),
            Context(),
        )
        to_notify(aws)  # a duplicate kickoff: announced once
        lifecycle_tick(record.project.ends_at + timedelta(minutes=1))
        to_notify(aws)
    finally:
        server.shutdown()
    texts = [r["text"] for r in received]
    assert len(texts) == 2 and texts[0].startswith("Kickoff: ") and texts[1].startswith("Completed: ")
    assert all(record.project.candidate_name in t for t in texts)


def test_a_dead_webhook_never_blocks_the_emails(aws):
    _set_webhooks(aws, {"default": "http://127.0.0.1:9/nothing-listens"})  # refused at once
    kicked_off(aws)  # to_notify asserts no batch item failed
    assert len(mails("Kickoff:")) == 1
