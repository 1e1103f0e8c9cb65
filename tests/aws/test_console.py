"""The staff console through HTTP: login, CSRF, review actions, pages, escaping, exports."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from services.intake.app import app
from shared.models import DistrictScore, Invitation
from shared.storage import main_store
from tests.aws.conftest import drain
from tests.aws.test_intake_api import CAMPAIGN, OPS, VOLUNTEER, post
from tests.selfservice_links import signed_up

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c


def login(client) -> dict[str, str]:
    response = client.http.post("/console/login", body=urlencode({"ops_key": OPS["x-api-key"]}), headers=FORM)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return {"cookie": cookie.split(";")[0]}


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def page(client, path: str, session: dict[str, str]) -> str:
    response = client.http.get(path, headers=session)
    assert response.status_code == 200, response.body
    return response.body.decode()


def submit(client, path: str, session: dict[str, str], fields: dict) -> object:
    return client.http.post(path, body=urlencode(fields, doseq=True), headers=FORM | session)


def test_login_needs_the_ops_key_and_pages_need_the_session(client):
    assert client.http.get("/console").status_code == 303
    bad = client.http.post("/console/login", body=urlencode({"ops_key": "wrong"}), headers=FORM)
    assert bad.status_code == 403 and "Set-Cookie" not in bad.headers
    forged = {"cookie": "tfc_console=abc.9999999999.00"}
    assert client.http.get("/console", headers=forged).status_code == 303
    session = login(client)
    body = page(client, "/console", session)
    assert "Pipeline at a glance" in body and "matching-dlq" in body


def test_a_post_without_its_csrf_token_changes_nothing(client, aws):
    project_id = json.loads(post(client, "/campaigns", CAMPAIGN).body)["project_ids"][0]
    session = login(client)
    refused = submit(client, f"/console/projects/{project_id}/approve", session, {"csrf": "0" * 64})
    assert refused.status_code == 403
    assert main_store().campaigns.get_project(project_id).project.status == "pending_review"
    assert drain(aws, "matching") == []


def test_review_adjust_approve_and_decline_with_a_reason(client, aws):
    ids = json.loads(post(client, "/campaigns", CAMPAIGN).body)["project_ids"]
    drain(aws, "notify")
    session = login(client)
    review = page(client, "/console/review", session)
    token = csrf_of(review)
    assert "Jo Park" in review and all(f"/console/projects/{p}/approve" in review for p in ids)

    project = main_store().campaigns.get_project(ids[0]).project
    bad = submit(
        client,
        f"/console/projects/{ids[0]}/adjust",
        session,
        {"csrf": token, "menu_item": project.menu_item, "skills": ["nope"], "weeks": "99", "hours_per_week": "5"},
    )
    assert bad.status_code == 422
    assert (
        "skills: has unknown skills: nope" in bad.body.decode()
        and "weeks: must be between 1 and 8" in bad.body.decode()
    )
    good = submit(
        client,
        f"/console/projects/{ids[0]}/adjust",
        session,
        {
            "csrf": token,
            "menu_item": project.menu_item,
            "skills": project.skills[:1],
            "weeks": "3",
            "hours_per_week": "6",
            "version": str(project.version),
        },
    )
    assert good.status_code == 303
    record = main_store().campaigns.get_project(ids[0])
    assert (record.project.team_size, record.project.weeks, record.project.hours_per_week) == (2, 3, 6)
    assert [(s.role, s.skill) for s in record.slots] == [("lead", None), ("member", project.skills[0])]

    assert submit(client, f"/console/projects/{ids[0]}/approve", session, {"csrf": token}).status_code == 303
    assert main_store().campaigns.get_project(ids[0]).project.status == "matching"
    assert [e["type"] for e in drain(aws, "matching")] == ["project.approved"]

    empty = submit(client, f"/console/projects/{ids[1]}/decline", session, {"csrf": token, "reason": "  "})
    assert empty.status_code == 422 and "reason: is required" in empty.body.decode()
    reason = "We are not taking <b>websites</b> this cycle"
    assert (
        submit(client, f"/console/projects/{ids[1]}/decline", session, {"csrf": token, "reason": reason}).status_code
        == 303
    )
    declined = main_store().campaigns.get_project(ids[1]).project
    assert (declined.status, declined.status_reason) == ("declined", reason)
    told = drain(aws, "notify")
    assert [(e["type"], e["reason"]) for e in told] == [("project.declined", reason)]
    from services.notify import handlers as notify
    from tests.aws.conftest import Context, sent_emails, sqs_event

    before = len(sent_emails())
    twice = sqs_event([json.dumps(told[0])] * 2, "notify")  # a redelivery sends no second email
    assert notify.on_send(twice, Context()) == {"batchItemFailures": []}
    [mail] = sent_emails()[before:]
    assert "sam@jopark.example.org" in mail.raw_data and "websites" in mail.raw_data
    assert "Nothing is waiting for review" in page(client, "/console/review", session)


def test_the_campaign_is_emailed_the_decline_reason(aws):
    from services.notify.domain import messages
    from shared.models import Campaign, Contact, Project

    now = datetime.now(UTC)
    campaign = Campaign(
        campaign_id="c1",
        candidate_name="Jo <Park>",
        office="Delegate",
        chamber="lower",
        state="VA",
        district="7",
        election_date=now.date(),
        contact=Contact(name="Sam", email="s@example.org"),
        needs=["x"],
        created_at=now,
    )
    project = Project(
        project_id="p1",
        campaign_id="c1",
        menu_item="m",
        category="c",
        title="Website",
        skills=["a"],
        team_size=2,
        weeks=2,
        hours_per_week=3,
        deliverables=[],
        metrics=[],
        candidate_name="Jo",
        state="VA",
        chamber="lower",
        district="7",
        election_date=now.date(),
        created_at=now,
    )
    content = messages.project_declined(
        campaign, project, "Too late <in> the cycle", {"postal_address": "1 St", "unsubscribe_url": ""}
    )
    assert "Too late <in> the cycle" in content.text
    assert "Too late &lt;in&gt; the cycle" in content.html and "Jo &lt;Park&gt;" in content.html


def test_everything_typed_by_the_public_is_escaped(client):
    post(
        client,
        "/campaigns",
        CAMPAIGN | {"candidate_name": "<script>alert(1)</script>", "notes": "<img src=x onerror=alert(2)>"},
    )
    session = login(client)
    review = page(client, "/console/review", session)
    assert "<script>alert(1)" not in review and "&lt;script&gt;alert(1)&lt;/script&gt;" in review
    assert "<img src=x" not in review


def test_volunteer_search_lead_marking_and_never_matched(client):
    a = signed_up(client, VOLUNTEER)
    signed_up(
        client,
        VOLUNTEER
        | {
            "email": "b@example.com",
            "name": "Bo Chen",
            "hometown": {"city": "Austin", "state": "TX"},
            "skills": ["data_analysis"],
        },
    )
    session = login(client)
    by_state = page(client, "/console/volunteers?state=TX", session)
    assert "Bo Chen" in by_state and "Ana Ruiz" not in by_state
    by_skill = page(client, "/console/volunteers?skill=copywriting", session)
    assert "Ana Ruiz" in by_skill and "Bo Chen" not in by_skill
    never = page(client, "/console/volunteers?never_matched=1", session)
    assert "Ana Ruiz" in never and "Bo Chen" not in by_skill and "Showing 2." in never
    by_name = page(client, "/console/volunteers?who=CHEN", session)  # a later word, any case
    assert "Bo Chen" in by_name and "Ana Ruiz" not in by_name
    assert "Bo Chen" in page(client, "/console/volunteers?who=B%40EXAMPLE", session)  # an email prefix
    assert "Bo Chen" in page(client, "/console/volunteers?city=austin", session)  # a city in any case
    refused = client.http.get("/console/volunteers?state=Texas&min_hours=99", headers=session)
    assert refused.status_code == 422 and "state: must be a two-letter state code" in refused.body.decode()
    token = csrf_of(by_skill)
    assert submit(client, f"/console/volunteers/{a}/lead", session, {"csrf": token}).status_code == 303
    assert main_store().volunteers.get_volunteer(a).lead_trained
    leads = page(client, "/console/volunteers?lead=yes", session)
    assert "Ana Ruiz" in leads and "Bo Chen" not in leads
    profile = page(client, f"/console/volunteers/{a}", session)
    assert "SMS consent: given" in profile and "Never invited." in profile


def test_districts_ranked_filtered_and_linked_to_campaigns(client):
    now = datetime.now(UTC)
    scores = [
        DistrictScore(
            state=st,
            chamber="lower",
            district=d,
            run_id="r1",
            year=2026,
            dem_share=0.5,
            p_dem_win=p,
            p_dem_win_low=p - 0.1,
            p_dem_win_high=p + 0.1,
            target_score=1 - rank / 10,
            target_rank=rank,
            tipping_point_prob=0.05,
            computed_at=now,
        )
        for rank, (st, d, p) in enumerate([("VA", "7", 0.5), ("TX", "12", 0.4), ("VA", "9", 0.3)], start=1)
    ]
    main_store().scores.put_scores("r1", {"run_id": "r1", "report_html": "reports/r1.html"}, scores)
    campaign_id = json.loads(post(client, "/campaigns", CAMPAIGN).body)["campaign_id"]
    session = login(client)
    body = page(client, "/console/districts?state=VA", session)
    assert 'id="district-chart"' in body and "VA lower 7" in body and "VA lower 9" in body and "TX lower 12" not in body
    assert f"/console/campaigns/{campaign_id}" in body
    assert body.index("VA lower 7") < body.index("VA lower 9")


def test_districts_join_campaigns_spelled_any_way(client):
    """A campaign sent as "7th District" and a score stored by an older run as "HD-009" still meet
    the campaigns and scores of districts 7 and 9: the console joins on the one district identity."""
    now = datetime.now(UTC)
    scores = [
        DistrictScore(
            state="VA",
            chamber="lower",
            district=d,
            run_id="r2",
            year=2026,
            dem_share=0.5,
            p_dem_win=0.5,
            target_score=1 - rank / 10,
            target_rank=rank,
            tipping_point_prob=0.05,
            computed_at=now,
        )
        for rank, d in enumerate(["7", "HD-009"], start=1)
    ]
    main_store().scores.put_scores("r2", {"run_id": "r2", "report_html": "reports/r2.html"}, scores)
    seventh = json.loads(post(client, "/campaigns", CAMPAIGN | {"district": "7th District"}).body)["campaign_id"]
    ninth = json.loads(post(client, "/campaigns", CAMPAIGN | {"district": "House District 09"}).body)["campaign_id"]
    body = page(client, "/console/districts?state=VA", login(client))
    row_7 = body[body.index("<td>VA lower 7</td>") :].split("</tr>")[0]
    row_9 = body[body.index("<td>VA lower HD-009</td>") :].split("</tr>")[0]
    assert f"/console/campaigns/{seventh}" in row_7 and f"/console/campaigns/{ninth}" in row_9


def test_unclear_reply_resolved_yes_becomes_a_staff_answer(client, aws):
    project_id = json.loads(post(client, "/campaigns", CAMPAIGN).body)["project_ids"][0]
    volunteer_id = signed_up(client, VOLUNTEER)
    now = datetime.now(UTC)
    invitation = Invitation(
        invitation_id="inv1",
        project_id=project_id,
        volunteer_id=volunteer_id,
        role="member",
        created_at=now,
        expires_at=now,
    )
    main_store().invitations.save_unclear_reply(invitation, "email", "maybe? <b>call me</b>", now)
    session = login(client)
    body = page(client, "/console/replies", session)
    assert "maybe? &lt;b&gt;call me&lt;/b&gt;" in body and "ana@example.com" in body
    fields = {"csrf": csrf_of(body), "invitation_id": "inv1", "received_at": now.isoformat(), "resolution": "yes"}
    assert submit(client, "/console/replies/resolve", session, fields).status_code == 303
    answers = [e for e in drain(aws, "matching") if e["type"] != "volunteers.available"]  # the sign-up's
    assert [(e["type"], e["answer"], e["channel"]) for e in answers] == [("invitation.answered", "yes", "staff")]
    assert "No unclear replies are waiting" in page(client, "/console/replies", session)
    again = submit(client, "/console/replies/resolve", session, fields)
    assert again.status_code == 303 and "already" in again.headers["Location"]


def test_exports_by_api_key_or_session(client):
    post(client, "/campaigns", CAMPAIGN)
    signed_up(client, VOLUNTEER | {"name": "=HYPERLINK(1)"})
    assert client.http.get("/console/export/projects.csv").status_code == 303
    for kind, expected in (("campaigns", 1), ("projects", 2), ("volunteers", 1), ("invitations", 0)):
        response = client.http.get(f"/console/export/{kind}.csv", headers=OPS)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))
        assert len(rows) == expected, kind
    volunteers = list(
        csv.DictReader(
            io.StringIO(client.http.get("/console/export/volunteers.csv", headers=OPS).body.decode("utf-8-sig"))
        )
    )
    assert volunteers[0]["name"] == "'=HYPERLINK(1)" and volunteers[0]["phone"].startswith("+1")
    assert volunteers[0]["skills"] == "copywriting" and volunteers[0]["sms_consent"] == "true"
    assert client.http.get("/console/export/secrets.csv", headers=OPS).status_code == 404
    # A byte-order mark by default, so Excel on Windows reads UTF-8; ?bom=0 leaves it out.
    assert client.http.get("/console/export/campaigns.csv", headers=OPS).body.startswith(b"\xef\xbb\xbfcampaign_id")
    assert client.http.get("/console/export/campaigns.csv?bom=0", headers=OPS).body.startswith(b"campaign_id")


def test_known_volunteers_lookup_needs_the_key(client):
    signed_up(client, VOLUNTEER)
    body = json.dumps({"emails": ["ANA@example.com", "new@example.com"]})
    headers = {"Content-Type": "application/json"}
    # the API's ops-key guard (services/intake/auth.py): 401 without a key, 403 with a wrong one
    assert client.http.post("/console/api/volunteers/known", body=body, headers=headers).status_code == 401
    wrong = headers | {"x-api-key": "wrong"}
    assert client.http.post("/console/api/volunteers/known", body=body, headers=wrong).status_code == 403
    response = client.http.post("/console/api/volunteers/known", body=body, headers=headers | OPS)
    assert json.loads(response.body) == {"known": [True, False]}


def test_staff_invite_a_chosen_volunteer_and_ask_for_another_wave(client, aws):
    from services.matching import handlers
    from tests.aws.conftest import Context, sqs_event

    project_id = json.loads(post(client, "/campaigns", CAMPAIGN).body)["project_ids"][0]
    record = main_store().campaigns.get_project(project_id)
    skill = record.slots[1].skill
    signed_up(client, VOLUNTEER | {"email": "chosen@example.com", "name": "Cho Sen", "skills": [skill]})
    session = login(client)
    token = csrf_of(page(client, "/console/review", session))
    early = submit(
        client, f"/console/projects/{project_id}/invite", session, {"csrf": token, "volunteer": "chosen@example.com"}
    )
    assert "only+while+matching" in early.headers["Location"] or "only%20while%20matching" in early.headers["Location"]
    submit(client, f"/console/projects/{project_id}/approve", session, {"csrf": token})
    drain(aws, "matching")
    drain(aws, "notify")

    body = page(client, f"/console/projects/{project_id}", session)
    assert 'for="invite-volunteer"' in body
    unknown = submit(
        client, f"/console/projects/{project_id}/invite", session, {"csrf": token, "volunteer": "nobody@example.com"}
    )
    assert "no%20volunteer" in unknown.headers["Location"]
    for _ in range(2):  # a double click: one invitation, one email
        assert (
            submit(
                client,
                f"/console/projects/{project_id}/invite",
                session,
                {"csrf": token, "volunteer": "CHOSEN@example.com"},
            ).status_code
            == 303
        )
    requested = drain(aws, "matching")
    assert [e["type"] for e in requested] == ["project.invite_requested"] * 2
    handlers.on_event(sqs_event([json.dumps(e) for e in requested], "matching"), Context())
    [invitation] = main_store().campaigns.get_project(project_id).invitations
    assert (invitation.skill, invitation.reasons, invitation.published) == (
        skill,
        ["chosen by our staff for this project"],
        True,
    )
    assert [e["type"] for e in drain(aws, "notify")] == ["invitation.issued"]
    assert "chosen by our staff" in page(client, f"/console/projects/{project_id}", session)

    assert submit(client, f"/console/projects/{project_id}/wave", session, {"csrf": token}).status_code == 303
    assert [e["type"] for e in drain(aws, "matching")] == ["project.wave_requested"]


def test_opt_outs_show_on_the_volunteer_page_search_export_and_data_export(client):
    """A STOP by text and a bounce on the suppression list, as notify records them, are visible
    wherever staff or the person look."""
    from shared.models import email_hash
    from shared.storage.contact import contact_state

    volunteer_id = signed_up(client, VOLUNTEER)
    bo = VOLUNTEER | {"email": "bo@example.com", "phone": "804-555-0143"}
    other = {"volunteer_id": signed_up(client, bo)}
    stopped_at = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    contacts = contact_state()
    contacts.sms_opt_out("+18045550142", stopped_at)
    contacts.suppress(email_hash("bo@example.com"), "bounce", stopped_at, other["volunteer_id"])
    session = login(client)

    mine = page(client, f"/console/volunteers/{volunteer_id}", session)
    assert "opted out of texts (STOP)" in mine and "Wed 4 Mar 2026, 10:00 am EST" in mine
    assert "no email: bounce" in page(client, f"/console/volunteers/{other['volunteer_id']}", session)
    search = page(client, "/console/volunteers", session)
    assert "texts: STOP Wed 4 Mar 2026, 10:00 am EST" in search and "email: bounce" in search

    rows = {
        r["email"]: r
        for r in csv.DictReader(
            io.StringIO(client.http.get("/console/export/volunteers.csv", headers=OPS).body.decode("utf-8-sig"))
        )
    }
    assert rows["ana@example.com"]["sms_opt_out"] == "true"
    assert rows["ana@example.com"]["sms_opt_out_at"].startswith("2026-03-04T15:00:00")
    assert rows["ana@example.com"]["email_suppressed"] == ""
    assert rows["bo@example.com"]["email_suppressed"] == "bounce"
    assert rows["bo@example.com"]["sms_opt_out"] == "false"

    exported = json.loads(post(client, "/volunteers/export", {"email": "ana@example.com"}, OPS).body)
    assert exported["sms_opt_out"] is True and exported["sms_opt_out_at"].startswith("2026-03-04T15:00:00")
    assert exported["email_suppressed"] is None
