"""Issue 21 items 1 and 3 (built by issue 15's design), probed over HTTP only against the running
local runtime, as an attacker would: with nothing but the public routes and a phone.

1. Answering for someone else: the public form with a known email and the attacker's number
   changes nothing (the owner gets a review link instead), and a text from a number whose
   consent was not confirmed by that number is never applied as an answer.
3. No enumeration: sign-up, the new-link request and unsubscribe answer byte for byte the same
   whether or not the address is known.
Plus the links: used twice, altered, for another purpose or another person, without CSRF.
"""

from __future__ import annotations

import pytest

from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import CONFIRM, FORM, ME, confirmed, csrf_of, emails_to, link_in_mail, press

pytestmark = pytest.mark.e2e

ELECTION = payloads.election_date()
ORIGIN = "+12025550100"
ATTACKER_PHONE = "+12025550177"


def person(n: int, skills: list[str], **extra: object) -> dict:
    return payloads.volunteer(f"sec15.{n}@example.com", skills, name=f"Sec Person {n}", current=("Boise", "ID")) | extra


def texts_to(api, number: str) -> list[str]:
    return [m["text"] for m in api.get("/_local/outbox").json() if m["channel"] == "sms" and m["to"] == number]


def exported(api, runtime, email: str) -> dict:
    response = api.post("/volunteers/export", json={"email": email}, headers={"x-api-key": runtime.ops_key})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_known_email_with_another_phone_changes_nothing_and_an_unconfirmed_number_answers_nothing(api, runtime):
    victim = person(1, ["data_analysis"], phone="208-555-0101", sms_consent=True)
    confirmed(api, victim)
    api.post("/_local/inbound/sms", json={"from": "+12085550101", "to": ORIGIN, "text": "YES"})  # the owner's YES
    wait_for(lambda: any("texts are on" in t for t in texts_to(api, "+12085550101")))
    ops = {"x-api-key": runtime.ops_key}
    lead, member = person(10, ["project_management"]), person(11, ["web_analytics"])
    for body in (lead, member):
        confirmed(api, body)
    marked = api.post("/volunteers/lead-trained", json={"email": lead["email"]}, headers=ops)
    assert marked.status_code == 200, marked.text
    request = payloads.campaign("Sec Fifteen", "ID", "9", ["analytics_setup"], office="State House", election=ELECTION)
    response = api.post("/campaigns", json=request)
    assert response.status_code == 201, response.text
    created = response.json()
    assert api.post(f"/projects/{created['project_ids'][0]}/approve", headers=ops).status_code == 200
    wait_for(lambda: [i for i in exported(api, runtime, victim["email"])["invitations"] if i["status"] == "pending"])
    before = exported(api, runtime, victim["email"])

    # The attack of issue 21: the victim's address, the attacker's number and name, consent ticked.
    attack = victim | {"name": "Mallory", "phone": ATTACKER_PHONE, "sms_consent": True, "email": "SEC15.1@example.com"}
    stranger = person(99, ["data_analysis"])
    answers = [api.post("/volunteers", json=body) for body in (attack, stranger)]
    assert [(a.status_code, a.text) for a in answers] == [(202, answers[1].text)] * 2  # the same for both
    review = link_in_mail(api, victim["email"], CONFIRM, "Someone sent our sign-up form")
    assert review  # the owner is told, at the address on file
    assert not [m for m in emails_to(api, attack["email"]) if "Mallory" in m["text"]]
    for text in ("YES", "Y", "yes 1"):  # the attacker answers from their own phone
        assert (
            api.post("/_local/inbound/sms", json={"from": ATTACKER_PHONE, "to": ORIGIN, "text": text}).status_code
            == 202
        )
    wait_for(lambda: runtime_quiet(api))
    after = exported(api, runtime, victim["email"])
    assert after["volunteer"]["name"] == "Sec Person 1" and after["volunteer"]["phone"] == "+12085550101"
    assert after["invitations"] == before["invitations"]  # nobody answered for the victim
    assert texts_to(api, ATTACKER_PHONE) == []  # nothing is ever texted to an unconfirmed number
    page = api.get(f"/confirm/{review}")
    assert page.status_code == 200 and "Mallory" in page.text and "Apply these changes" in page.text
    assert exported(api, runtime, victim["email"])["volunteer"]["name"] == "Sec Person 1"  # a GET changes nothing


def runtime_quiet(api) -> bool:
    """True once the inbound texts above were read (the runtime answers health while it works)."""
    return api.get("/health").status_code == 200


def test_a_text_from_a_number_not_yet_confirmed_is_only_a_confirmation(api, runtime):
    phone = "+12085550102"
    body = person(2, ["web_analytics"], phone="208-555-0102", sms_consent=True)
    confirmed(api, body)
    wait_for(lambda: any("reply YES" in t for t in texts_to(api, phone)))
    sent = texts_to(api, phone)
    assert len(sent) == 2 and "volunteer alerts" in sent[0] and "reply YES" in sent[1], sent  # disclosure, request
    assert api.post("/_local/inbound/sms", json={"from": phone, "to": ORIGIN, "text": "NO"}).status_code == 202
    assert api.post("/_local/inbound/sms", json={"from": phone, "to": ORIGIN, "text": "YES"}).status_code == 202
    wait_for(lambda: any("texts are on" in t for t in texts_to(api, phone)))
    assert exported(api, runtime, body["email"])["volunteer"]["sms_confirmed_at"]


def test_every_public_route_that_takes_an_email_answers_the_same_known_or_not(api, runtime):
    known = person(3, ["copywriting"])
    confirmed(api, known)
    unknown = person(4, ["copywriting"])
    # sign-up: JSON and the form's page
    json_answers = [api.post("/volunteers", json=b) for b in (known, unknown)]
    assert json_answers[0].status_code == json_answers[1].status_code == 202
    assert json_answers[0].text == json_answers[1].text and "check" in json_answers[0].text.lower()
    form = {
        "name": "Same Name",
        "skills": "copywriting",
        "hometown_city": "Boise",
        "hometown_state": "ID",
        "current_city": "Boise",
        "current_state": "ID",
        "hours_per_week": "5",
        "weeks_available": "8",
    }
    pages = [
        api.post("/volunteers", data=form | {"email": b["email"]}, headers=FORM | {"Accept": "text/html"})
        for b in (known, unknown)
    ]
    assert pages[0].status_code == pages[1].status_code == 202 and pages[0].text == pages[1].text
    assert "Check your inbox" in pages[0].text
    # the new-link request
    links = [api.post("/me", data={"email": b["email"]}, headers=FORM) for b in (known, unknown)]
    assert links[0].status_code == links[1].status_code == 200 and links[0].text == links[1].text
    assert "Check your inbox" in links[0].text and "If this address belongs" in links[0].text
    assert link_in_mail(api, known["email"], ME, "Your link to My volunteering")
    # unsubscribe: a link for a known address and one for an address we never had
    from shared import unsubscribe
    from shared.models import email_hash
    from shared.secrets import get_secret

    key = get_secret("reply-token-key").encode()
    tokens = [unsubscribe.sign(email_hash(b["email"]), key) for b in (known, unknown)]
    gone = [api.post(f"/unsubscribe/{t}", data={}, headers=FORM) for t in tokens]
    assert gone[0].status_code == gone[1].status_code == 200 and gone[0].text == gone[1].text


def test_links_work_once_refuse_tampering_and_never_reach_another_person(api, runtime):
    a, b = person(5, ["copywriting"]), person(6, ["copywriting"])
    me_a, me_b = confirmed(api, a), confirmed(api, b)
    # used twice: the second press finds nothing to confirm and changes nothing
    api.post("/volunteers", json=a | {"name": "Renamed Once"})
    token = link_in_mail(api, a["email"], CONFIRM, "Someone sent our sign-up form")
    page = api.get(f"/confirm/{token}")
    assert press(api, f"/confirm/{token}").status_code == 200
    again = api.post(f"/confirm/{token}", data={"csrf": csrf_of(page.text)}, headers=FORM)
    assert again.status_code == 410 and "no longer works" in again.text and "text/html" in again.headers["content-type"]
    # altered, or a link for another purpose: refused before anything is read
    for bad in (token[:-3] + "AAA", me_a, "x" * 500, "%C3%A9t%C3%A9"):
        assert api.get(f"/confirm/{bad}").status_code == 404
    assert api.get(f"/me/{token}").status_code == 404
    # one person's page never shows or changes another's
    page_a = api.get(f"/me/{me_a}")
    assert "Sec Person 5" not in page_a.text and "Renamed Once" in page_a.text and b["name"] not in page_a.text
    page_b = api.get(f"/me/{me_b}")
    forged = api.post(
        f"/me/{me_b}", data={"csrf": csrf_of(page_a.text), "action": "pause", "until": "2099-01-01"}, headers=FORM
    )
    assert forged.status_code == 403 and "text/html" in forged.headers["content-type"] and "another site" in forged.text
    missing = api.post(f"/me/{me_b}", data={"action": "pause", "until": ""}, headers=FORM)
    assert missing.status_code == 403
    assert exported(api, runtime, b["email"])["volunteer"].get("paused_until") is None
    assert csrf_of(page_b.text) != csrf_of(page_a.text)
    # the download is the person's own data only
    data = api.get(f"/me/{me_a}/data.json")
    assert data.status_code == 200 and data.json()["volunteer"]["email"] == a["email"]
    assert b["email"] not in data.text
