"""Browser tests of the console for a season (issue 16): the lists, a search, paging and every
lifecycle action, in Chromium against the shared local runtime, with axe-core run inside each new
page (axe_playwright_python ships axe.min.js; it is injected and `axe.run` is called in the page).

One test walks a season's actions on one campaign in order (each action is applied by matching
from its queue, so the test waits for the page to show it), sharing one runtime and one browser.
The list page size is set to 2 for the search (the runtime runs in this process), so paging
shows with few rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up
from tests.e2e.test_browser import CHROMIUM, assert_labelled

pytestmark = pytest.mark.e2e

AXE_RUN = """async () => (await axe.run(document)).violations.map(
  v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("no chromium found (apt-get install chromium, or set TFC_CHROMIUM): browser tests need one")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra has it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-component-update"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    # The console's CSP allows no scripts; the test's own axe-core is let in by bypassing it.
    context = chromium.new_context(bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def axe_clean(page) -> None:
    """axe-core's rules (WCAG 2.x A/AA and best practices) find nothing on the page as it is."""
    axe = pytest.importorskip("axe_playwright_python")
    page.add_script_tag(path=str(Path(axe.__file__).parent / "axe.min.js"))
    violations = page.evaluate(AXE_RUN)
    assert violations == [], f"axe-core on {page.url}: {violations}"
    assert_labelled(page)


def shown_count(page, cell: str) -> int:
    """The number a pipeline cell shows (its link's text starts with it)."""
    found = re.match(r"\s*(\d+)", page.locator(f"{cell} a").inner_text())
    assert found, page.locator(cell).inner_text()
    return int(found.group(1))


def status_of(page, runtime, project_id: str) -> str:
    page.goto(f"{runtime.url}/console/projects/{project_id}")
    return page.locator("#project-status").get_attribute("data-status") or ""


def act(page, runtime, project_id: str, button: str, expect: str | set[str]) -> None:
    """Press an action's button on the project page; the page says what happened and what next,
    and matching applies it (the page shows `expect`, or one of them, once it has)."""
    expected = {expect} if isinstance(expect, str) else expect
    page.goto(f"{runtime.url}/console/projects/{project_id}")
    page.locator(button).click()
    page.wait_for_load_state()
    said = page.locator(".notice").inner_text()
    assert "asked for" in said.lower() and "Next:" in said, said
    wait_for(lambda: status_of(page, runtime, project_id) in expected, timeout=60)


def test_lists_search_paging_and_every_lifecycle_action(page, runtime, api, monkeypatch):
    from services.intake.console import paging
    from shared.models import utcnow
    from shared.storage import main_store

    people = {}
    for role, skills in (("Lead", ["web_development"]), ("Web", ["web_development"]), ("Copy", ["copywriting"])):
        body = payloads.volunteer(
            f"zephyr.{role.lower()}@season.example.org", skills, name=f"Zephyr {role}", hometown=("Casper", "WY")
        )
        people[role] = signed_up(api, body)  # sign-up confirmed by its emailed link, as people do
    spare = payloads.volunteer("zephyr.spare@season.example.org", ["copywriting"], name="Zephyr Spare")
    people["Spare"] = signed_up(api, spare)
    counted = main_store().counters.pipeline()  # the runtime is shared: figures move by this test's deltas
    request = payloads.campaign("Wyo Season", "WY", "12", ["website_refresh", "email_program", "social_content"])
    first, second, third = api.post("/campaigns", json=request).json()["project_ids"]
    other = api.post("/campaigns", json=payloads.campaign("Wyo Other", "WY", "13", ["paid_social"])).json()
    (declined,) = other["project_ids"]

    page.goto(f"{runtime.url}/console/login")
    page.get_by_label("Ops key").fill(runtime.ops_key)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console$"))
    axe_clean(page)
    # The pipeline's figures come from counters kept with each write: two campaigns, four projects.
    assert shown_count(page, "#campaigns") == counted.campaigns + 2
    assert shown_count(page, 'td[data-status="pending_review"]') == counted.status("pending_review") + 4

    # Lists: the pipeline's count is a link to its list; campaigns filtered by state.
    page.locator('td[data-status="pending_review"] a').click()
    page.wait_for_url(re.compile(r"/console/projects\?status=pending_review"))
    assert "Waiting for review" in page.locator("h1").inner_text()
    axe_clean(page)
    page.goto(f"{runtime.url}/console/campaigns?state=WY")
    assert "Wyo Other" in page.content() and "Wyo Season" in page.content()
    axe_clean(page)

    # A search (a prefix in another case) and paging through its results, two a page.
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    page.goto(f"{runtime.url}/console/volunteers")
    page.get_by_label("Name or email (the start of it)").fill("zEPHYR")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"who=zEPHYR"))
    shown = page.locator("#volunteers-list tbody a").all_inner_texts()
    assert len(shown) == 2 and all(name.startswith("Zephyr") for name in shown)
    axe_clean(page)
    page.locator("#next-page").click()
    page.wait_for_url(re.compile(r"cursor="))
    more = page.locator("#volunteers-list tbody a").all_inner_texts()
    assert len(more) == 2 and not set(more) & set(shown)
    assert {*shown, *more} == {"Zephyr Lead", "Zephyr Web", "Zephyr Copy", "Zephyr Spare"}
    axe_clean(page)
    monkeypatch.setattr(paging, "PAGE_SIZE", 25)

    # Marking a lead (the volunteer page), then bulk approval of two projects and a decline.
    page.goto(f"{runtime.url}/console/volunteers/{people['Lead']}")
    page.get_by_role("button", name="Mark lead-trained").click()
    assert "Next:" in page.locator(".notice").inner_text()
    page.goto(f"{runtime.url}/console/review?state=WY")  # this test's projects (the runtime is shared)
    axe_clean(page)
    page.locator(f"#select-{first}").check()
    page.locator(f"#select-{second}").check()
    page.locator("#approve-selected").click()
    page.wait_for_load_state()
    assert "Approved 2 of 2 selected projects. Next:" in page.locator(".notice").inner_text()
    page.goto(f"{runtime.url}/console/review?state=WY")
    page.locator(f"#reason-{declined}").fill("We have no paid-social volunteers this month.")
    page.locator(f'form[action="/console/projects/{declined}/decline"] button').click()
    assert "Declined" in page.locator(".notice").inner_text()
    store = main_store()
    assert store.campaigns.get_project(declined).project.status == "declined"
    page.goto(f"{runtime.url}/console")  # two approved and one declined: one of the four still waits
    assert shown_count(page, 'td[data-status="pending_review"]') == counted.status("pending_review") + 1
    assert shown_count(page, 'td[data-status="declined"]') == counted.status("declined") + 1

    # A volunteer staff chose is invited (matching applies its limits; the invitation shows).
    page.goto(f"{runtime.url}/console/projects/{first}")
    page.get_by_label(re.compile("Invite a volunteer you chose")).fill("zephyr.spare@season.example.org")
    page.get_by_role("button", name="Invite", exact=True).click()
    assert "Next:" in page.locator(".notice").inner_text()
    wait_for(lambda: any(i.volunteer_id == people["Spare"] for i in store.campaigns.get_project(first).invitations))

    # The team says yes: staffed. Then kickoff, a member taken off, complete, follow-on; cancel on
    # the second project; resume on the third.
    answered: set[str] = set()
    ours = {f"zephyr.{r}@season.example.org" for r in ("lead", "web", "copy")}

    def staffed() -> bool:
        for m in api.get("/_local/outbox").json():
            subject = m["subject"] or ""
            ours_to_answer = m["to"] in ours and (m["reply_to"] or "").startswith("reply+")
            if ours_to_answer and m["reply_to"] not in answered and "Wyo Season with website refresh" in subject:
                answered.add(m["reply_to"])
                reply = {"from": m["to"], "to": m["reply_to"], "subject": "Re: " + subject, "text": "Yes!"}
                api.post("/_local/inbound/email", json=reply)
        return store.campaigns.get_project(first).project.status == "staffed"

    wait_for(staffed, timeout=120)
    page.goto(f"{runtime.url}/console/projects/{first}")
    axe_clean(page)
    act(page, runtime, first, "#action-kickoff", "active")
    copywriter = next(s.volunteer_id for s in store.campaigns.get_project(first).slots if s.skill == "copywriting")
    seat = next(s.index for s in store.campaigns.get_project(first).slots if s.volunteer_id == copywriter)
    # The seat reopens (matching); a wave finding nobody left to ask may flag it at once.
    act(page, runtime, first, f"#remove-{seat}", {"matching", "needs_attention"})
    act(page, runtime, first, "#action-complete", "done")
    axe_clean(page)
    act(page, runtime, first, "#action-follow_on", "done")
    follow = wait_for(
        lambda: [p for p in store.campaigns.projects_with_status("matching") if p.follows_project_id == first]
    )
    assert follow[0].title == store.campaigns.get_project(first).project.title

    act(page, runtime, second, "#action-cancel", "cancelled")  # matching, or flagged: both may be cancelled
    current = store.campaigns.get_project(third).project
    store.campaigns.transition_project(  # staff-only trouble (set up directly: no flow reaches it quickly)
        current, "needs_attention", from_statuses=["pending_review"], now=utcnow(), reason="the campaign went quiet"
    )
    act(page, runtime, third, "#action-resume", "matching")
    axe_clean(page)

    # A refused action says why, on the page, and changes nothing.
    page.goto(f"{runtime.url}/console/projects/{second}")
    assert page.locator("#action-kickoff").count() == 0  # a cancelled project offers no lifecycle action
