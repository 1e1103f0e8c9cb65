"""Browser tests: Playwright drives Debian's headless chromium against the local runtime.

The public forms (one filled and sent with the keyboard alone, one refused with its messages),
the console log-in, approving a project and watching it reach staffed as volunteers reply, and
the district chart. Every form control on these pages must have a label. Screenshots are saved
to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

CHROMIUM = next(
    (
        p
        for p in (os.environ.get("TFC_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium")
        if p and Path(p).exists()
    ),
    None,
)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.name || e.id || e.outerHTML.slice(0, 60))"""

FOCUSED = "() => { const e = document.activeElement; return {id: e.id, tag: e.tagName, text: e.innerText || ''} }"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("no chromium found (apt-get install chromium, or set TFC_CHROMIUM): browser tests need one")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra has it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def assert_labelled(page) -> None:
    assert page.evaluate(UNLABELLED) == [], f"unlabelled controls on {page.url}"


def keyboard_fill(page, values: dict[str, object], submit_text: str, max_tabs: int = 250) -> None:
    """Fill a form with the keyboard alone: Tab from the top, type into the fields named in
    `values` (by id), Space on checkboxes and radios set True, arrows in selects; then Enter on
    the submit button."""
    page.keyboard.press("Tab")
    todo = dict(values)
    for _ in range(max_tabs):
        focused = page.evaluate(FOCUSED)
        if focused["id"] in todo:
            value = todo.pop(focused["id"])
            if value is True:
                page.keyboard.press("Space")
            elif focused["tag"] == "SELECT":
                for _ in range(80):
                    if page.evaluate("() => document.activeElement.value") == value:
                        break
                    page.keyboard.press("ArrowDown")
            else:
                page.keyboard.type(str(value))
        elif focused["tag"] == "BUTTON" and submit_text in focused["text"] and not todo:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"keyboard never reached {sorted(todo) or submit_text!r}")


def test_volunteer_form_by_keyboard_and_a_refused_submission(page, runtime):
    page.goto(f"{runtime.url}/forms/volunteer")
    assert_labelled(page)
    keyboard_fill(
        page,
        {
            "name": "Kay Board",
            "email": "kay.board@example.com",
            "skills-video_production": True,  # a skill no other e2e project asks for
            "hometown_city": "Richmond",
            "hometown_state": "VA",
            "current_city": "Denver",
            "current_state": "CO",
            "hours_per_week": "5",
            "weeks_available": "6",
        },
        "Sign up",
    )
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "volunteer-confirmation.png", full_page=True)
    assert "Kay Board" in page.content()

    page.goto(f"{runtime.url}/forms/volunteer")
    page.get_by_label("Name", exact=False).first.fill("Tex Ter")
    page.fill("#email", "tex.ter@example.com")
    page.check("#sms_consent")  # consent without a number: the server refuses it
    page.check("#skills-video_production")
    page.fill("#hometown_city", "Richmond")
    page.select_option("#hometown_state", "VA")
    page.fill("#current_city", "Richmond")
    page.select_option("#current_state", "VA")
    page.fill("#hours_per_week", "5")
    page.fill("#weeks_available", "6")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "volunteer-refused.png", full_page=True)
    assert "Text messages need a mobile number" in page.content()
    assert page.input_value("#name") == "Tex Ter"  # what they typed is kept
    assert_labelled(page)


def test_campaign_form_by_keyboard(page, runtime):
    page.goto(f"{runtime.url}/forms/campaign")
    assert_labelled(page)
    election = date.today() + timedelta(days=300)
    keyboard_fill(
        page,
        {
            "candidate_name": "Kim Keys",
            "office": "House of Delegates",
            "chamber-lower": True,
            "state": "VA",
            "district": "21",
            "election_date": election.strftime("%m%d%Y"),
            "contact_name": "Lou Keys",
            "contact_email": "lou@kimkeys.example.org",
            "needs-website_refresh": True,
        },
        "Send",
    )
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "campaign-confirmation.png", full_page=True)
    assert "Kim Keys" in page.content() and "Waiting for our team" in page.content()


def test_console_approve_then_staffed_after_replies_and_the_district_chart(page, runtime, api):
    from shared.storage import main_store

    people = {}
    for n, skills in enumerate([["web_development"], ["copywriting"], ["project_management"]]):
        body = {
            "name": f"Browser Person {n}",
            "email": f"browser.{n}@example.com",
            "skills": skills,
            "hometown": {"city": "Roanoke", "state": "VA"},
            "current_location": {"city": "Roanoke", "state": "VA"},
            "hours_per_week": 8,
            "weeks_available": 12,
        }
        people[body["email"]] = signed_up(api, body)
    ops = {"x-api-key": runtime.ops_key}
    assert api.post(f"/volunteers/{people['browser.2@example.com']}/lead-trained", headers=ops).status_code == 200
    request = {
        "candidate_name": "Brow Ser",
        "office": "House of Delegates",
        "chamber": "lower",
        "state": "VA",
        "district": "33",
        "election_date": (date.today() + timedelta(days=300)).isoformat(),
        "contact": {"name": "Cam Paign", "email": "cam@browser.example.org"},
        "needs": ["website_refresh"],
    }
    (project_id,) = api.post("/campaigns", json=request).json()["project_ids"]

    page.goto(f"{runtime.url}/console")
    assert page.url.endswith("/console/login")
    assert_labelled(page)
    page.get_by_label("Ops key").fill(runtime.ops_key)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console$"))
    assert "Pipeline at a glance" in page.content()
    page.screenshot(path=SHOTS / "console-pipeline.png", full_page=True)

    page.get_by_role("link", name="Review queue").click()
    assert_labelled(page)
    page.screenshot(path=SHOTS / "console-review.png", full_page=True)
    page.locator(f"#approve-{project_id}").click()
    page.wait_for_load_state()
    assert "Approved" in page.content()
    assert main_store().campaigns.get_project(project_id).project.status == "matching"

    answered: set[str] = set()

    def staffed() -> bool:
        for m in api.get("/_local/outbox").json():
            if m["to"] in people and (m["reply_to"] or "").startswith("reply+") and m["reply_to"] not in answered:
                if "Brow Ser" not in (m["subject"] or ""):
                    continue
                answered.add(m["reply_to"])
                reply = {"from": m["to"], "to": m["reply_to"], "subject": "Re: " + m["subject"], "text": "Yes!"}
                assert api.post("/_local/inbound/email", json=reply).status_code == 202
        return main_store().campaigns.get_project(project_id).project.status == "staffed"

    wait_for(staffed, timeout=120)
    page.goto(f"{runtime.url}/console/projects/{project_id}")
    assert page.locator("#project-status").get_attribute("data-status") == "staffed"
    assert page.locator("text=Browser Person 2").count() >= 1
    page.screenshot(path=SHOTS / "console-project-staffed.png", full_page=True)

    wait_for(lambda: main_store().scores.latest_run(), timeout=120)  # the runtime scores Virginia at start
    page.get_by_role("link", name="Districts").click()
    page.get_by_label("State").select_option("VA")
    page.get_by_label("Chamber").select_option("lower")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"state=VA"))
    chart = page.locator("#district-chart")
    assert chart.is_visible() and chart.locator("rect").count() > 5
    assert_labelled(page)
    page.screenshot(path=SHOTS / "console-districts.png", full_page=True)
