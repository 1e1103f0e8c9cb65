"""Issue 15's pages in Chromium (the Playwright set-up of test_browser.py), each checked by
axe-core inside the page: confirm a sign-up, "My volunteering" (pause, preferences, errors), the
new-link page, and the campaign's status page (ask for another project). No script is needed by
the pages; axe is evaluated through the DevTools protocol, which the pages' CSP does not govern.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import CAMPAIGN, CONFIRM, emails_to, link_in_mail
from tests.e2e.test_browser import SHOTS, assert_labelled, browser, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

AXE_SOURCE = (Path(pytest.importorskip("axe_playwright_python").__file__).parent / "axe.min.js").read_text("utf-8")
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"""


def assert_accessible(page) -> None:  # noqa: F811 - the fixture's name
    """axe-core finds no violation on the page as it is now, and every control has a label."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("() => { " + AXE_SOURCE + "\n;window.axe = axe; }")
    violations = page.evaluate(AXE_RUN)
    assert violations == [], f"axe-core on {page.url}: {violations}"
    assert_labelled(page)


def test_confirm_and_my_volunteering_by_browser_with_axe(page, runtime, api):  # noqa: F811
    email = "selfserve.browser@example.com"
    page.goto(f"{runtime.url}/forms/volunteer")
    page.fill("#name", "Bea Rowser")
    page.fill("#email", email)
    page.check("#skills-video_production")
    for field, value in (("hometown_city", "Richmond"), ("current_city", "Denver")):
        page.fill(f"#{field}", value)
    page.select_option("#hometown_state", "VA")
    page.select_option("#current_state", "CO")
    page.fill("#hours_per_week", "5")
    page.fill("#weeks_available", "6")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert "Check your inbox" in page.content()
    assert_accessible(page)

    token = link_in_mail(api, email, CONFIRM, "Confirm your sign-up")
    page.goto(f"{runtime.url}/confirm/{token}")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my sign-up").click()
    page.wait_for_load_state()
    assert "Confirmed" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Go to My volunteering").click()
    page.wait_for_load_state()
    assert "Hello, Bea Rowser" in page.content()
    assert_accessible(page)
    page.screenshot(path=SHOTS / "my-volunteering.png", full_page=True)

    me = page.url
    page.fill("#until", "2000-01-01")  # refused: in the past
    page.get_by_role("button", name="Pause").click()
    page.wait_for_load_state()
    assert "must be after today" in page.content()
    assert_accessible(page)  # the error summary too

    page.goto(me)
    page.fill("#until", payloads.election_date(40))
    page.get_by_role("button", name="Pause").click()
    page.wait_for_load_state()
    assert "Paused." in page.content() and "You are paused until" in page.content()
    assert_accessible(page)
    wait_for(lambda: [m for m in emails_to(api, email) if "Invitations paused" in (m["subject"] or "")])

    page.fill("#hours_per_week", "9")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert "Saved" in page.content() and 'value="9"' in page.content()

    page.goto(f"{runtime.url}/me")
    assert_accessible(page)
    page.fill("#email", email)
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_load_state()
    assert "Check your inbox" in page.content()
    assert_accessible(page)


def test_campaign_status_page_by_browser_with_axe(page, runtime, api):  # noqa: F811
    contact = ("Cam Paign", "cam@selfserve-browser.example.org")
    request = payloads.campaign("Sel Fserve", "VA", "HD-71", ["website_refresh"], contact=contact)
    assert api.post("/campaigns", json=request).status_code == 201
    token = link_in_mail(api, contact[1], CAMPAIGN, "")
    page.goto(f"{runtime.url}/campaign-status/{token}")
    assert "Sel Fserve" in page.content() and "Waiting for our staff" in page.content()
    assert_accessible(page)
    page.screenshot(path=SHOTS / "campaign-status.png", full_page=True)
    page.select_option("#menu_item", "website_launch")
    page.fill("#note", "After the primary, please.")
    page.get_by_role("button", name="Ask for this project").click()
    page.wait_for_load_state()
    assert "your request is with our staff" in page.content()
    assert_accessible(page)


def test_the_axe_check_can_fail(page):  # noqa: F811
    """The check above is real: a page with an unlabelled image and field fails it."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input id="q"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
