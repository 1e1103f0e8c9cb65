"""The console's lists on the DynamoDB adapters (moto, where a Scan fails the test) and on the
in-memory store alike: the directory follows every profile change, filters and cursor paging
give the same pages, campaigns and projects page through their indexes."""

from __future__ import annotations

from services.intake.console import lists, paging
from services.intake.console.paging import decode, encode
from services.intake.usecases import set_lead_trained
from shared.models import utcnow
from shared.storage import directory
from tests.aws import builders
from tests.aws.builders import signup


def _all_pages(read, store, flt, size_guard: int = 20) -> list[list[str]]:
    pages, position = [], {}
    for _ in range(size_guard):
        page = read(store, flt, position)
        pages.append(
            [getattr(r, "volunteer_id", None) or getattr(r, "project_id", None) or r.campaign_id for r in page.rows]
        )
        if page.next is None:
            return pages
        position = decode(encode(page.next))
    raise AssertionError("paging never ended")


def test_the_directory_follows_the_profile_and_finds_by_every_pattern(store, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    maria = signup(1, ["copywriting"], store=store, name="María García", hours=12)
    bo = signup(2, ["data_analysis"], store=store, name="Bo Chen", state="TX", hours=3)
    signup(3, ["copywriting"], store=store, name="Mariam Osei", hours=5)

    def names(**given: str) -> set[str]:
        flt = lists.VolunteerFilter.parse(lambda k: given.get(k, ""))
        ids = {v for page in _all_pages(lists.volunteers, store, flt) for v in page}
        return {p.name for p in store.volunteers.get_volunteers(ids).values()}

    assert names(who="maria") == {"María García", "Mariam Osei"}  # accents and case ignored
    assert names(who="garc") == {"María García"}  # a later word
    assert names(who="V2@EX") == {"Bo Chen"}  # an email prefix, any case
    assert names(city="RICHMOND", state="tx") == {"Bo Chen"}
    assert names(city="denver") == {"María García", "Bo Chen", "Mariam Osei"}  # current city, no state
    assert names(min_hours="5") == {"María García", "Mariam Osei"}
    assert names(skill="copywriting", min_hours="6") == {"María García"}
    assert names(lead="yes") == set()
    set_lead_trained(store, now=utcnow(), volunteer_id=bo.volunteer_id)
    assert names(lead="yes") == {"Bo Chen"} and names(lead="no", who="bo") == set()
    assert names(never_matched="1") == {"María García", "Bo Chen", "Mariam Osei"}

    # A profile change moves the entries: the old name no longer finds her, the new one does.
    current = store.volunteers.get_volunteer(maria.volunteer_id)
    renamed = current.model_copy(update={"name": "Maria Lopez", "hours_per_week": 2, "updated_at": utcnow()})
    store.volunteers.update_volunteer_profile(current, renamed, ["name", "hours_per_week"])
    assert names(who="garcia") == set() and names(who="lopez") == {"Maria Lopez"}
    assert names(min_hours="5") == {"Mariam Osei"}
    store.volunteers.erase(store.volunteers.get_volunteer(maria.volunteer_id))
    assert names(who="maria") == {"Mariam Osei"}
    assert (
        store.volunteers.directory_page(directory.who_partition("m"), lists.KeyRange(limit=50, begins="maria l")) == []
    )


def test_everyone_pages_newest_first_without_repeats_and_the_read_bound_holds(store, monkeypatch):
    people = [signup(n, ["copywriting"], store=store, hours=1 + n % 3) for n in range(7)]
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    pages = _all_pages(lists.volunteers, store, lists.VolunteerFilter())
    assert [v for page in pages for v in page] == [p.volunteer_id for p in reversed(people)]
    assert [len(p) for p in pages] == [3, 3, 1]
    # A filter nobody passes reads at most BUDGET batches, then offers to go on.
    monkeypatch.setattr(paging, "BATCH", 2)
    first = paging.fill(
        [("s", lambda after, n: [(f"{i:02d}", i) for i in range(20) if after is None or f"{i:02d}" > after][:n])],
        lambda r: False,
        {},
    )
    assert first.rows == [] and first.stopped_early and first.searched == 2 * paging.BUDGET
    assert first.next == {"source": "s", "after": f"{2 * paging.BUDGET - 1:02d}"}


def test_projects_and_campaigns_page_through_their_indexes_with_filters(store, monkeypatch):
    made = [builders.approved_project(store=store, publish=builders.discard) for _ in range(5)]
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    matching = _all_pages(lists.projects, store, lists.ProjectFilter(status="matching", order="oldest"))
    assert [p for page in matching for p in page] == [p.project_id for p in made]
    newest = _all_pages(lists.projects, store, lists.ProjectFilter())
    assert [p for page in newest for p in page] == [p.project_id for p in reversed(made)]
    # Eight empty status partitions: over the read bound, so two empty pages, the first offering more.
    assert _all_pages(lists.projects, store, lists.ProjectFilter(state="TX")) == [[], []]
    campaigns = _all_pages(lists.campaigns, store, lists.CampaignFilter(order="election"))
    assert sorted(c for page in campaigns for c in page) == sorted(p.campaign_id for p in made)
    store.campaigns.transition_project(made[2], "needs_attention", from_statuses=["matching"], now=utcnow())
    attention = _all_pages(lists.campaigns, store, lists.CampaignFilter(needs_attention=True))
    assert attention == [[made[2].campaign_id]]
