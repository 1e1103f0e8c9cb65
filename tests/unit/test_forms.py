"""The intake's public forms: labels, catalog coverage, re-fill, errors, escaping, actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from services.intake.forms import (
    SMS_CONSENT_TEXT,
    render_campaign_form,
    render_confirmation,
    render_volunteer_form,
)
from shared.catalog import CATEGORY_LABELS, catalog
from shared.geo import RESIDENCE_STATES, STATES

XSS = "<script>alert(1)</script>"
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})
CONTROLS = frozenset({"input", "select", "textarea"})

CAMPAIGN_PATHS: dict[str, str] = {  # contract path -> the id of its (first) control
    "candidate_name": "candidate_name",
    "office": "office",
    "chamber": "chamber-lower",
    "state": "state",
    "district": "district",
    "election_date": "election_date",
    "contact.name": "contact_name",
    "contact.email": "contact_email",
    "contact.phone": "contact_phone",
    "needs": "needs-website_launch",
    "notes": "notes",
}
VOLUNTEER_PATHS: dict[str, str] = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "sms_consent": "sms_consent",
    "skills": f"skills-{catalog().skills[0].id}",
    "hometown.city": "hometown_city",
    "hometown.state": "hometown_state",
    "current_location.city": "current_city",
    "current_location.state": "current_state",
    "hours_per_week": "hours_per_week",
    "weeks_available": "weeks_available",
}


# --- a tiny DOM over html.parser ---------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def walk(self) -> list[Node]:
        found: list[Node] = [self]
        for child in self.children:
            if isinstance(child, Node):
                found.extend(child.walk())
        return found

    def ancestors(self) -> list[Node]:
        chain: list[Node] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def has(self, name: str) -> bool:
        return name in self.attrs


class Dom(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self._open = self.root
        self.feed(html)
        self.close()
        self.nodes = self.root.walk()[1:]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self._open)
        self._open.children.append(node)
        if tag not in VOID:
            self._open = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.children.append(Node(tag, dict(attrs), parent=self._open))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self._open
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self._open = node.parent

    def handle_data(self, data: str) -> None:
        self._open.children.append(data)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        return [
            n for n in self.nodes if n.tag == tag and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> Node:
        found = [n for n in self.nodes if n.attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def controls(self) -> list[Node]:
        return [
            n for n in self.nodes if n.tag in CONTROLS and n.attrs.get("type") not in {"hidden", "submit", "button"}
        ]

    def label_for(self, element_id: str) -> Node:
        labels = self.all("label", for_=element_id)
        assert len(labels) == 1, f"{len(labels)} labels for {element_id!r}"
        return labels[0]


def state(dom: Dom) -> list[tuple[str | None, ...]]:
    """What a user typed or chose, as the page shows it."""
    return [
        (n.attrs.get("id"), n.attrs.get("value"), str(n.has("checked")), str(n.has("selected")))
        for n in dom.nodes
        if n.tag in CONTROLS or n.tag == "option"
    ] + [(n.attrs.get("id"), n.text()) for n in dom.all("textarea")]


def campaign_values() -> dict[str, object]:
    return {
        "submission_id": "3f6c2a9e5b7d4e1f",  # a re-rendered form keeps the id it was posted with
        "candidate_name": "Ana Ruiz",
        "office": "State Delegate",
        "chamber": "lower",
        "state": "VA",
        "district": "HD-07",
        "election_date": "2026-11-03",
        "contact_name": "Sam Lee",
        "contact_email": "sam@example.org",
        "contact_phone": "+1 804 555 0100",
        "needs": ["email_program", "gotv_texting"],
        "notes": "We use NGP VAN.\nDeadline: Sept 1.",
    }


def volunteer_values() -> dict[str, object]:
    return {
        "name": "Jo Park",
        "email": "jo@example.org",
        "phone": "+1 617 555 0199",
        "sms_consent": "yes",
        "skills": ["copywriting", "data_analysis"],
        "hometown_city": "Dayton",
        "hometown_state": "OH",
        "current_city": "Washington",
        "current_state": "DC",
        "hours_per_week": "5",
        "weeks_available": "8",
    }


FORMS = {
    "campaign": (render_campaign_form, campaign_values, CAMPAIGN_PATHS),
    "volunteer": (render_volunteer_form, volunteer_values, VOLUNTEER_PATHS),
}


# --- page structure and accessibility ---------------------------------------------------------


@pytest.mark.parametrize("kind", FORMS)
@pytest.mark.parametrize("filled", [False, True])
def test_page_structure(kind: str, filled: bool) -> None:
    render, values, _ = FORMS[kind]
    dom = Dom(render(values() if filled else None))
    (html,) = dom.all("html")
    assert html.attrs["lang"] == "en"
    assert len(dom.all("title")) == 1 and dom.all("title")[0].text()
    assert len(dom.all("main")) == 1
    assert len(dom.all("h1")) == 1
    ids = [n.attrs["id"] for n in dom.nodes if n.has("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert not dom.all("script")
    assert not dom.all("link") and "http" not in "".join(str(n.attrs) for n in dom.nodes)
    (button,) = dom.all("button")
    assert button.attrs["type"] == "submit"
    (form,) = dom.all("form")
    assert button in form.walk()
    assert form.attrs["method"] == "post"
    assert form.attrs["enctype"] == "application/x-www-form-urlencoded"
    assert ":focus" in dom.all("style")[0].text()


def test_actions_are_relative() -> None:
    assert Dom(render_campaign_form()).all("form")[0].attrs["action"] == "../campaigns"
    assert Dom(render_volunteer_form()).all("form")[0].attrs["action"] == "../volunteers"


@pytest.mark.parametrize("kind", FORMS)
def test_every_control_has_a_label(kind: str) -> None:
    render, values, _ = FORMS[kind]
    dom = Dom(render(values()))
    controls = dom.controls()
    assert len(controls) > 10
    for control in controls:
        assert control.has("id"), control
        assert control.has("name"), control
        assert dom.label_for(str(control.attrs["id"])).text(), control


@pytest.mark.parametrize("kind", FORMS)
def test_groups_are_fieldsets_with_legends(kind: str) -> None:
    render, _, _ = FORMS[kind]
    dom = Dom(render())
    boxes = [c for c in dom.controls() if c.attrs.get("type") in {"radio", "checkbox"}]
    for box in boxes:
        if box.attrs["name"] == "sms_consent":  # a single box: its label says it all
            continue
        fieldsets = [a for a in box.ancestors() if a.tag == "fieldset"]
        assert fieldsets, box
        legend = next(c for c in fieldsets[0].children if isinstance(c, Node))
        assert legend.tag == "legend" and legend.text()


@pytest.mark.parametrize("kind", FORMS)
def test_required_fields_are_marked_visibly(kind: str) -> None:
    render, _, _ = FORMS[kind]
    dom = Dom(render())
    for control in dom.controls():
        if control.has("required"):
            assert "(required)" in dom.label_for(str(control.attrs["id"])).text() or any(
                "(required)" in a.text() for a in control.ancestors() if a.tag == "fieldset"
            )
    optional = {"contact_phone", "notes", "phone", "sms_consent"}
    for control in dom.controls():
        if control.attrs["name"] in optional:
            assert not control.has("required")
            assert "(optional)" in dom.label_for(str(control.attrs["id"])).text()


def test_campaign_required_and_types() -> None:
    dom = Dom(render_campaign_form())
    required = {str(c.attrs["name"]) for c in dom.controls() if c.has("required")}
    assert required == {
        "candidate_name", "office", "chamber", "state", "district", "election_date",
        "contact_name", "contact_email",
    }  # fmt: skip
    assert dom.by_id("election_date").attrs["type"] == "date"
    assert dom.by_id("contact_email").attrs["type"] == "email"
    assert dom.by_id("contact_phone").attrs["type"] == "tel"
    assert dom.by_id("notes").tag == "textarea"
    chambers = {n.attrs["value"]: dom.label_for(str(n.attrs["id"])).text() for n in
                dom.all("input", name="chamber")}  # fmt: skip
    assert chambers == {"lower": "State House / Assembly", "upper": "State Senate"}
    states = [o.attrs["value"] for o in dom.by_id("state").walk() if o.tag == "option"]
    assert states[0] == "" and set(states[1:]) == set(STATES) and "DC" not in states


def test_volunteer_required_and_types() -> None:
    dom = Dom(render_volunteer_form())
    required = {str(c.attrs["name"]) for c in dom.controls() if c.has("required")}
    assert required == {
        "name", "email", "hometown_city", "hometown_state", "current_city", "current_state",
        "hours_per_week", "weeks_available",
    }  # fmt: skip
    assert dom.by_id("email").attrs["type"] == "email"
    assert dom.by_id("phone").attrs["type"] == "tel"
    hours, weeks = dom.by_id("hours_per_week"), dom.by_id("weeks_available")
    assert (hours.attrs["type"], hours.attrs["min"], hours.attrs["max"]) == ("number", "1", "40")
    assert (weeks.attrs["type"], weeks.attrs["min"], weeks.attrs["max"]) == ("number", "1", "52")
    sms = dom.by_id("sms_consent")
    assert (sms.attrs["type"], sms.attrs["value"]) == ("checkbox", "yes")
    assert SMS_CONSENT_TEXT in dom.label_for("sms_consent").text()
    assert SMS_CONSENT_TEXT == (
        "Text me about projects I could join. Message frequency varies, at most a few per month. "
        "Msg & data rates may apply. Reply STOP to opt out, HELP for help."
    )
    for select, extra in (("hometown_state", set()), ("current_state", {"abroad"})):
        codes = [o.attrs["value"] for o in dom.by_id(select).walk() if o.tag == "option"]
        assert codes[0] == "" and set(codes[1:]) == set(RESIDENCE_STATES) | extra
    assert {"PR", "GU", "VI", "AS", "MP", "DC"} <= set(RESIDENCE_STATES)
    countries = [o.attrs["value"] for o in dom.by_id("current_country").walk() if o.tag == "option"]
    assert countries[0] == "" and "DE" in countries and "US" not in countries and "PR" not in countries
    assert "required" not in dom.by_id("current_country").attrs
    assert "Most projects ask 4-6 hours a week for 3-8 weeks" in dom.by_id("hours_per_week-hint").text()


# --- the catalog ------------------------------------------------------------------------------


def test_every_menu_item_appears_grouped_by_category() -> None:
    dom = Dom(render_campaign_form())
    boxes = dom.all("input", name="needs")
    assert [b.attrs["value"] for b in boxes] == [
        m.id for c in CATEGORY_LABELS for m in catalog().menu if m.category == c
    ]
    for item in catalog().menu:
        box = dom.by_id(f"needs-{item.id}")
        assert box.attrs["type"] == "checkbox" and box.attrs["value"] == item.id
        assert dom.label_for(f"needs-{item.id}").text() == item.title
        category = box.ancestors()[1]  # the box's .choice div, then its category's fieldset
        assert category.tag == "fieldset"
        legend = next(c for c in category.children if isinstance(c, Node) and c.tag == "legend")
        assert legend.text() == CATEGORY_LABELS[item.category]
        desc = dom.by_id(f"needs-{item.id}-desc")
        assert desc.attrs["id"] in str(box.attrs["aria-describedby"]).split()
        text = desc.text()
        assert item.summary in text
        assert f"Team of {item.team_size}" in text
        assert f"{item.weeks} weeks" in text
        assert f"{item.hours_per_week} hours a week" in text


def test_every_skill_appears() -> None:
    dom = Dom(render_volunteer_form())
    boxes = dom.all("input", name="skills")
    assert [b.attrs["value"] for b in boxes] == [s.id for s in catalog().skills]
    for skill in catalog().skills:
        assert dom.label_for(f"skills-{skill.id}").text() == skill.label


# --- re-filling -------------------------------------------------------------------------------


def test_campaign_values_refill() -> None:
    dom = Dom(render_campaign_form(campaign_values()))
    for name in ("candidate_name", "office", "district", "election_date", "contact_name",
                 "contact_email", "contact_phone"):  # fmt: skip
        assert dom.by_id(name).attrs["value"] == campaign_values()[name]
    assert dom.by_id("chamber-lower").has("checked")
    assert not dom.by_id("chamber-upper").has("checked")
    selected = [o.attrs["value"] for o in dom.by_id("state").walk() if o.has("selected")]
    assert selected == ["VA"]
    checked = [b.attrs["value"] for b in dom.all("input", name="needs") if b.has("checked")]
    assert checked == ["email_program", "gotv_texting"]
    assert dom.by_id("notes").text() == " ".join(str(campaign_values()["notes"]).split())
    raw = render_campaign_form(campaign_values())
    assert ">We use NGP VAN.\nDeadline: Sept 1.</textarea>" in raw


def test_volunteer_values_refill() -> None:
    dom = Dom(render_volunteer_form(volunteer_values()))
    for name in ("name", "email", "phone", "hometown_city", "current_city", "hours_per_week",
                 "weeks_available"):  # fmt: skip
        assert dom.by_id(name).attrs["value"] == volunteer_values()[name]
    assert dom.by_id("sms_consent").has("checked")
    checked = [b.attrs["value"] for b in dom.all("input", name="skills") if b.has("checked")]
    assert checked == ["copywriting", "data_analysis"]
    for select, code in (("hometown_state", "OH"), ("current_state", "DC")):
        selected = [o.attrs["value"] for o in dom.by_id(select).walk() if o.has("selected")]
        assert selected == [code]


def test_empty_form_has_nothing_checked_or_selected() -> None:
    for html in (render_campaign_form(), render_volunteer_form()):
        dom = Dom(html)
        assert not [n for n in dom.nodes if n.has("checked") or n.has("selected")]
        assert not [n for n in dom.nodes if n.has("aria-invalid")]
        assert not dom.all("div", role="alert")
        assert not dom.all("title")[0].text().startswith("Error")


def test_loose_value_shapes() -> None:
    """A single string for a list field, ints and booleans are all re-filled."""
    dom = Dom(render_volunteer_form({"skills": "copywriting", "sms_consent": True,
                                     "hours_per_week": 5}))  # fmt: skip
    assert [b.attrs["value"] for b in dom.all("input", name="skills") if b.has("checked")] == ["copywriting"]
    assert dom.by_id("sms_consent").has("checked")
    assert dom.by_id("hours_per_week").attrs["value"] == "5"
    assert not Dom(render_volunteer_form({"sms_consent": ""})).by_id("sms_consent").has("checked")


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMS)
def test_each_error_renders_beside_its_field_and_in_the_summary(kind: str) -> None:
    render, values, paths = FORMS[kind]
    for path, anchor in paths.items():
        message = f"problem with {path}"
        dom = Dom(render(values(), {path: [message]}))
        name = next(str(c.attrs["name"]) for c in dom.controls() if c.attrs["id"] == anchor)
        error = dom.by_id(f"{name}-error")
        assert message in error.text()
        # beside the field: in the same field wrapper as the control
        wrapper = next(a for a in error.ancestors() if "field" in str(a.attrs.get("class")))
        assert dom.by_id(anchor) in wrapper.walk()
        # every control of the field is invalid and described by the message
        for control in dom.all(dom.by_id(anchor).tag, name=name):
            assert control.attrs["aria-invalid"] == "true"
            assert f"{name}-error" in str(control.attrs["aria-describedby"]).split()
        invalid = [n for n in dom.nodes if n.attrs.get("aria-invalid") == "true"]
        assert {n.attrs["name"] for n in invalid} == {name}
        # the summary links to the control
        (summary,) = dom.all("div", role="alert")
        links = [a for a in summary.walk() if a.tag == "a"]
        assert [a.attrs["href"] for a in links] == [f"#{anchor}"]
        assert message in links[0].text()
        assert dom.all("title")[0].text().startswith("Error: ")
        # nothing typed is lost: every control keeps the state it had without the error
        assert state(dom) == state(Dom(render(values())))


def test_summary_lists_errors_in_form_order_and_form_level_messages_first() -> None:
    errors = {
        "needs": ["Choose at least one thing you need"],
        "_form": ["We could not save your request. Please try again."],
        "contact.email": ["Enter a valid email", "Use your campaign address"],
        "district": ["Virginia has 100 lower-chamber districts; 107 is not one of them"],
    }
    dom = Dom(render_campaign_form(campaign_values(), errors))
    (summary,) = dom.all("div", role="alert")
    text = summary.text()
    assert text.index("We could not save") < text.index("Virginia has")
    hrefs = [a.attrs["href"] for a in summary.walk() if a.tag == "a"]
    assert hrefs == ["#district", "#contact_email", "#contact_email", "#needs-website_launch"]
    assert "Enter a valid email" in dom.by_id("contact_email-error").text()
    assert "Use your campaign address" in dom.by_id("contact_email-error").text()
    # the summary comes before the form
    assert dom.nodes.index(summary) < dom.nodes.index(dom.all("form")[0])


def test_unknown_and_nested_paths_are_never_dropped() -> None:
    dom = Dom(render_volunteer_form({}, {"skills.3": ["unknown skill"], "hometown": ["bad"]}))
    assert "unknown skill" in dom.by_id("skills-error").text()
    (summary,) = dom.all("div", role="alert")
    assert "hometown: bad" in summary.text()
    only_form = Dom(render_campaign_form({}, {"_form": ["Try again later"]}))
    (summary,) = only_form.all("div", role="alert")
    assert "Try again later" in summary.text()
    assert not [n for n in only_form.nodes if n.has("aria-invalid")]


# --- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMS)
def test_values_and_errors_are_escaped(kind: str) -> None:
    render, values, paths = FORMS[kind]
    hostile = {k: ([XSS, "copywriting"] if isinstance(v, list) else XSS) for k, v in values().items()}
    hostile['"><b>'] = XSS
    errors = {path: [XSS] for path in paths} | {"_form": [XSS], XSS: [XSS]}
    html = render(hostile, errors)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    dom = Dom(html)
    assert not dom.all("script")
    assert dom.by_id(next(iter(paths.values()))).attrs.get("value", XSS) == XSS


def test_attribute_breakout_is_escaped() -> None:
    payload = '" autofocus onfocus="alert(1)'
    dom = Dom(render_campaign_form({"candidate_name": payload, "notes": "</textarea>" + XSS}))
    field = dom.by_id("candidate_name")
    assert field.attrs["value"] == payload
    assert not [n for n in dom.nodes if n.has("onfocus")]
    assert dom.by_id("notes").text() == "</textarea>" + XSS


def test_confirmation_is_escaped() -> None:
    html = render_confirmation(
        "campaign",
        {
            "campaign_id": XSS,
            "project_ids": [XSS],
            "projects": [{"title": XSS, "status": XSS}],
            "candidate_name": XSS,
        },
    )
    assert "<script" not in html and "&lt;script&gt;" in html
    html = render_confirmation("volunteer", {"volunteer_id": XSS, "name": XSS, "updated": False})
    assert "<script" not in html and "&lt;script&gt;" in html


# --- confirmation -----------------------------------------------------------------------------


def test_campaign_confirmation() -> None:
    dom = Dom(
        render_confirmation(
            "campaign",
            {
                "campaign_id": "cmp_123",
                "project_ids": ["prj_1", "prj_2"],
                "projects": [
                    {"title": "Email program", "status": "pending_review"},
                    {"title": "Get-out-the-vote texting", "status": "pending_review"},
                ],
                "candidate_name": "Ana Ruiz",
            },
        )
    )
    assert len(dom.all("h1")) == 1 and "Thank you" in dom.all("h1")[0].text()
    text = dom.all("main")[0].text()
    assert "Ana Ruiz" in text and "cmp_123" in text
    items = [li.text() for li in dom.all("ul", class_="projects")[0].walk() if li.tag == "li"]
    assert items == [
        "Email program Waiting for our team's review",
        "Get-out-the-vote texting Waiting for our team's review",
    ]
    assert "pending_review" not in text
    assert "within 2 business days" in text
    assert "match volunteers" in text and "email you" in text
    assert not dom.all("form")


def test_volunteer_confirmation_is_the_same_for_new_and_known_addresses() -> None:
    """Issue 21 item 3: the page says "check your inbox" in words that fit both cases."""
    pages = [Dom(render_confirmation("volunteer", {"name": "Jo", "updated": u})) for u in (False, True)]
    assert pages[0].all("main")[0].text() == pages[1].all("main")[0].text()
    dom = pages[0]
    assert len(dom.all("h1")) == 1 and dom.all("h1")[0].text() == "Check your inbox"
    text = dom.all("main")[0].text()
    assert "Jo" in text and "Nothing is saved or changed" in text
    assert "YES" in text and "NO" in text


def test_unknown_confirmation_kind() -> None:
    with pytest.raises(ValueError, match="unknown"):
        render_confirmation("donor", {})  # type: ignore[arg-type]
