"""Issue 21 probed as an attacker would, over HTTP against the running local runtime (beside
test_security.py, which keeps the ops-route refusals, the reply tokens and the public throttle):
console sessions that end on the server, the log-in throttle, malformed cookies, tokens and CSRF
values of any bytes, pages that cannot be framed, HEAD, and the regressions of what held when
the issue was filed (CSRF on every console action, escaping, header injection, unsubscribe by
link scanners, ops-key variants, path tricks on exports, 16 simultaneous yeses for 3 seats).

Requests go over HTTP only; the store is read to prove nothing changed, and written only to age a
session (standing in for half an hour of idleness) and to rotate the ops key as ops would.
RELIABILITY.md's security table names the test that pins each probe."""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from services.intake.app import app
from tests import payloads
from tests.e2e.conftest import drained, wait_for

pytestmark = pytest.mark.e2e

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ELECTION = payloads.election_date()
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_ADDRESSES = itertools.count(10)


@pytest.fixture
def api(runtime) -> Iterator[httpx.Client]:
    """Each test's requests from an address of its own (any 127.x reaches the loopback), so the
    log-in throttle's per-client window of one test never spills into another, nor into the
    console logins other modules make from 127.0.0.1."""
    with _from(runtime.url, f"127.0.3.{next(_ADDRESSES)}") as client:
        yield client


def _from(url: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def login(api: httpx.Client, key: str) -> str:
    """A new session's cookie value (the ops key for it, through the log-in form)."""
    response = api.post("/console/login", content=urlencode({"ops_key": key}), headers=FORM)
    assert response.status_code == 303, response.text
    api.cookies.clear()  # each test holds its cookies itself (a browser's next log-in replaces its session)
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/console" in header
    return header.split(";")[0].split("=", 1)[1]


def as_session(cookie: str) -> dict[str, str]:
    return {"cookie": f"tfc_console={cookie}"}


def logged_in(api: httpx.Client, cookie: str) -> bool:
    response = api.get("/console", headers=as_session(cookie))
    if response.status_code == 303:
        assert response.headers["location"] == "/console/login"
        return False
    assert response.status_code == 200, response.text
    return True


def csrf_of(api: httpx.Client, cookie: str) -> str:
    found = CSRF.search(api.get("/console", headers=as_session(cookie)).text)
    assert found, "the console page carries no CSRF token"
    return found.group(1)


@pytest.fixture
def session_log() -> Iterator[list[str]]:
    """The console's log lines (message and extra fields) while a test runs, at INFO."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            named = " ".join(f"{k}={getattr(record, k)}" for k in ("session", "client", "reason") if hasattr(record, k))
            every = " ".join(str(v) for v in vars(record).values() if isinstance(v, str))
            lines.append(f"{record.getMessage()} {named} | {every}")

    logger = logging.getLogger("intake.console")
    level, handler = logger.level, Keep()
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def _age(cookie: str, **fields: int) -> None:
    """Move a stored session's times back (standing in for the clock)."""
    from services.intake.console.session import session_hash
    from shared.storage import keys, main_table

    sets = ", ".join(f"{name} = :{name}" for name in fields)
    main_table().update(
        keys.console_session(session_hash(cookie.split(".")[0])),
        f"SET {sets}",
        "attribute_exists(pk)",
        values={f":{name}": value for name, value in fields.items()},
    )


# --- issue 21 item 2: sessions that end ------------------------------------------------------------


def test_logout_ends_the_session_for_every_copy_of_its_cookie_and_is_logged_without_secrets(api, runtime, session_log):
    cookie = login(api, runtime.ops_key)
    copied = as_session(cookie)
    assert logged_in(api, cookie)
    assert api.get("/console/export/volunteers.csv", headers=copied).status_code == 200
    token = csrf_of(api, cookie)
    refused = api.post("/console/logout", content=urlencode({"csrf": "0" * 64}), headers=FORM | copied)
    assert refused.status_code == 403 and logged_in(api, cookie)  # no forced logout without the token
    out = api.post("/console/logout", content=urlencode({"csrf": token}), headers=FORM | copied)
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]

    # The copied cookie opens nothing: pages, the CSV export, an approval (with its old CSRF token).
    assert not logged_in(api, cookie)
    export = api.get("/console/export/volunteers.csv", headers=copied)
    assert (export.status_code, export.headers.get("location")) == (303, "/console/login")
    approve = api.post("/console/projects/p-1/approve", content=urlencode({"csrf": token}), headers=FORM | copied)
    assert (approve.status_code, approve.headers.get("location")) == (303, "/console/login")

    wrong = api.post("/console/login", content=urlencode({"ops_key": "not-the-key-0123456789"}), headers=FORM)
    assert wrong.status_code == 403 and "set-cookie" not in wrong.headers
    text = "\n".join(session_log)
    for event in ("console login", "console logout", "console login refused"):
        assert any(line.startswith(event + " ") for line in session_log), (event, text)
    assert re.search(r"console login session=[0-9a-f]{12} client=[0-9a-f]{12}", text), text
    sid, signature = cookie.split(".")
    for secret in (runtime.ops_key, "not-the-key-0123456789", sid, signature, token, "127.0.0.1"):
        assert secret not in text


def test_sessions_end_when_idle_or_old_and_when_the_ops_key_is_rotated(api, runtime, session_log):
    import time

    from shared.aws import client
    from shared.secrets import clear_secret_cache
    from shared.settings import get_settings

    now = int(time.time())
    idle, old, kept = (login(api, runtime.ops_key) for _ in range(3))
    _age(idle, last_seen=now - 30 * 60 - 1)  # TFC_CONSOLE_IDLE_SECONDS' default: 30 min
    _age(old, created_at=now - 8 * 3600 - 1, last_seen=now - 60)  # busy, but 8 h since log-in
    assert not logged_in(api, idle) and not logged_in(api, old)
    assert logged_in(api, kept)
    ended = {m.group(1) for m in map(re.compile(r"session ended reason=(\w+)").search, session_log) if m}
    assert {"idle", "expired"} <= ended

    parameter = get_settings().parameter("ops-api-key")
    rotated = runtime.ops_key[::-1] + "-rotated"
    client("ssm").put_parameter(Name=parameter, Value=rotated, Type="SecureString", Overwrite=True)
    clear_secret_cache()  # what the 5-minute cache does on its own in AWS
    try:
        assert not logged_in(api, kept)  # every session opened under the old key has ended
        refused = api.post("/console/login", content=urlencode({"ops_key": runtime.ops_key}), headers=FORM)
        assert refused.status_code == 403
        assert logged_in(api, login(api, rotated))
    finally:
        client("ssm").put_parameter(Name=parameter, Value=runtime.ops_key, Type="SecureString", Overwrite=True)
        clear_secret_cache()
    assert logged_in(api, login(api, runtime.ops_key))


# --- issue 21 item 4: the log-in throttle ----------------------------------------------------------


@pytest.fixture
def gateway(runtime) -> Iterator[str]:
    """A gateway of its own over the same app, with the declared limits and a fresh window: the
    shared one's stays open for the other tests. Yields its URL."""
    from tfc.local.gateway import Gateway

    private = Gateway(app, "127.0.0.1", 0, rate=0)
    private.start()
    yield private.url
    private.stop()


def test_150_wrong_keys_from_one_client_meet_the_throttle_while_others_still_log_in(runtime, gateway):
    from shared.throttles import LOGIN_PER_CLIENT

    statuses: list[int] = []
    with _from(gateway, "127.0.4.1") as guesser:
        for n in range(150):  # the issue's probe: all 150 were answered 403
            response = guesser.post("/console/login", content=f"ops_key=guess-{n:04d}-0123456789", headers=FORM)
            statuses.append(response.status_code)
        assert statuses[: LOGIN_PER_CLIENT.requests] == [403] * LOGIN_PER_CLIENT.requests
        assert set(statuses[LOGIN_PER_CLIENT.requests :]) == {429}
        assert 1 <= int(response.headers["retry-after"]) <= LOGIN_PER_CLIENT.window_seconds
        assert response.json()["errors"][0]["field"] == "ops_key"
        # even the right key waits: the throttle counts attempts, so a guesser learns nothing
        right = guesser.post("/console/login", content=urlencode({"ops_key": runtime.ops_key}), headers=FORM)
        assert right.status_code == 429
        assert guesser.get("/console/login").status_code == 200  # only the attempts are throttled
    with _from(gateway, "127.0.4.2") as staff:
        assert logged_in(staff, login(staff, runtime.ops_key))


def test_the_overall_login_limit_holds_across_clients(runtime, gateway):
    from shared.throttles import LOGIN_OVERALL, LOGIN_PER_CLIENT

    clients = LOGIN_OVERALL.requests // LOGIN_PER_CLIENT.requests
    for n in range(clients):
        with _from(gateway, f"127.0.5.{n + 1}") as guesser:
            for _ in range(LOGIN_PER_CLIENT.requests):
                wrong = guesser.post("/console/login", content="ops_key=wrong-key-0123456789", headers=FORM)
                assert wrong.status_code == 403
    with _from(gateway, "127.0.6.1") as fresh:
        refused = fresh.post("/console/login", content="ops_key=wrong-key-0123456789", headers=FORM)
        right = fresh.post("/console/login", content=urlencode({"ops_key": runtime.ops_key}), headers=FORM)
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= LOGIN_OVERALL.window_seconds
    assert right.status_code == 429  # the cost of a global limit: staff wait too (RELIABILITY.md)


# --- issue 21 item 4: malformed input of any bytes, framing, HEAD ------------------------------------

ODD_VALUES: list[bytes] = [
    "é".encode(),
    b"\xff\xfe\xfd",
    b"a" * 24 + b"." + "é".encode() * 43,  # the cookie's shape, in other characters
    b"abc.9999999999." + "é".encode() * 32,  # the issue's probe: the old cookie's shape, a non-ASCII signature
    b"\xc3\x28" * 40,  # invalid UTF-8
    b"%00%ff%c3%28",
    b"x" * 4000,
]


def test_cookies_csrf_values_keys_and_tokens_of_any_bytes_are_refused_never_a_5xx(api, runtime):
    cookie = login(api, runtime.ops_key)
    statuses: dict[str, set[int]] = {}

    def record(kind: str, response: httpx.Response) -> None:
        statuses.setdefault(kind, set()).add(response.status_code)

    for odd in ODD_VALUES:
        record("cookie on a page", api.get("/console", headers={"cookie": b"tfc_console=" + odd}))
        odd_cookie = {"cookie": b"tfc_console=" + odd}
        record("cookie on a POST", api.post("/console/logout", content=b"csrf=x", headers=FORM | odd_cookie))
        for body in (b"csrf=" + odd, b"csrf=" + odd.hex().encode(), odd):
            record("CSRF value", api.post("/console/logout", content=body, headers=FORM | as_session(cookie)))
        record("ops key", api.get("/campaigns/c-1", headers={"x-api-key": odd}))
        record("ops key at log-in", api.post("/console/login", content=b"ops_key=" + odd, headers=FORM))
        path = "/unsubscribe/" + odd.hex()[:42]
        record("unsubscribe token", api.get(path))
        record("unsubscribe token", api.post(path, content=b""))
        keyed = {"content-type": "application/json", "Idempotency-Key": odd}
        record("idempotency key", api.post("/campaigns", content=b"{}", headers=keyed))
    record("unsubscribe token", api.get("/unsubscribe/%FF%FE%00"))
    assert statuses == {
        "cookie on a page": {303},  # to the log-in page, as without a cookie
        "cookie on a POST": {303},
        "CSRF value": {400, 403},  # 400: the form itself cannot be read (not UTF-8)
        "ops key": {403},
        "ops key at log-in": {400, 403},
        "unsubscribe token": {404},
        "idempotency key": {422},
    }, statuses
    assert logged_in(api, cookie)  # none of it ended the real session


def test_no_page_can_be_framed(api, runtime):
    cookie = as_session(login(api, runtime.ops_key))
    pages = ["/", "/forms/campaign", "/forms/volunteer", "/console/login", "/unsubscribe/" + "a" * 42, "/console"]
    for path in pages:
        response = api.get(path, headers=cookie)
        assert response.status_code in (200, 404), path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-frame-options"] == "DENY", path


def test_head_answers_wherever_get_does_with_the_same_status_and_no_body(api, runtime):
    created = api.post("/campaigns", json=_campaign("Head Check", "31")).json()
    params = {
        "campaign_id": created["campaign_id"],
        "project_id": created["project_ids"][0],
        "volunteer_id": "v-unknown",
        "token": "a" * 42,
        "name": "projects.csv",
    }
    headers = as_session(login(api, runtime.ops_key)) | {"x-api-key": runtime.ops_key}
    gets = sorted(p for p, methods in app.routes.items() if "GET" in methods and not p.startswith("/_local"))
    for path in gets:
        url = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)
        got, head = api.get(url, headers=headers), api.head(url, headers=headers)
        assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
        assert head.content == b"" and head.headers.get("content-type") == got.headers.get("content-type"), path
    for path in ("/console", "/campaigns/" + params["campaign_id"]):  # guarded as GET is
        assert api.head(path).status_code in (303, 401)
        assert api.head(path).content == b""
    not_allowed = api.head("/volunteers/forget")  # a POST-only route
    assert not_allowed.status_code in (403, 405) and not_allowed.content == b""


# --- regressions: what held when the issue was filed ------------------------------------------------


def _campaign(candidate: str, district: str, **extra) -> dict:
    contact = extra.pop("contact", ("Pat Doe", "pat@doe-campaign.example.org"))
    return payloads.campaign(
        candidate,
        "WI",
        district,
        ["analytics_setup"],
        office="State Assembly",
        contact=contact,
        election=ELECTION,
        **extra,
    )


def _console_actions() -> list[str]:
    """Every console POST a logged-in member can make (from the app's route table, so a page added
    later is covered as soon as it exists)."""
    return sorted(
        path
        for path, methods in app.routes.items()
        if "POST" in methods
        and path.startswith("/console")
        and path != "/console/login"
        and not path.startswith("/console/api/")
    )


def test_every_console_action_needs_its_sessions_csrf_token_and_changes_nothing_without_it(api, runtime):
    from shared.storage import main_store

    created = api.post("/campaigns", json=_campaign("<script>alert('xss')</script> Csrf", "32")).json()
    project_id = created["project_ids"][0]
    mine, other = login(api, runtime.ops_key), login(api, runtime.ops_key)
    theirs = csrf_of(api, other)  # a valid token, of another session
    params = {"project_id": project_id, "campaign_id": created["campaign_id"]}
    actions = _console_actions()
    assert "/console/projects/{project_id}/approve" in actions and "/console/logout" in actions
    for path in actions:
        url = re.sub(r"\{(\w+)\}", lambda m: params.get(m.group(1), f"{m.group(1)}-unknown"), path)
        for fields in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": theirs}, {"csrf": theirs.upper()}):
            body = urlencode(fields | {"reason": "no", "volunteer": "v-1", "menu_item": "analytics_setup"})
            response = api.post(url, content=body, headers=FORM | as_session(mine))
            assert response.status_code == 403, (path, fields, response.status_code)
            assert "the form expired" in response.text
    assert main_store().campaigns.get_project(project_id).project.status == "pending_review"
    assert wait_for(lambda: drained(runtime, "matching"), timeout=60)
    assert main_store().campaigns.get_project(project_id).project.status == "pending_review"
    assert logged_in(api, mine)  # the refused logout did not log out

    # escaping: what the public typed is shown as text on the staff page
    review = api.get("/console/review", headers=as_session(mine)).text
    assert "&lt;script&gt;alert(" in review and "<script>alert(" not in review


def test_header_injection_is_refused_by_name_and_never_reaches_a_header(api, runtime):
    for email in ("pat@doe.example.org\r\nBcc: all@example.net", "pat@doe.example.org\nBcc: all@example.net"):
        refused = api.post("/campaigns", json=_campaign("Header Inject", "33", contact=("Pat Doe", email)))
        assert refused.status_code == 422, refused.text
        assert any("email" in e["field"] for e in refused.json()["errors"]), refused.text
    cookie = as_session(login(api, runtime.ops_key))
    page = api.get("/console/review", params={"notice": "done\r\nSet-Cookie: tfc_console=planted"}, headers=cookie)
    assert page.status_code == 200 and "set-cookie" not in page.headers
    assert not any("planted" in value for value in page.headers.values())


def test_unsubscribe_links_survive_link_scanners_and_one_click_unsubscribes(api, runtime):
    from shared import unsubscribe
    from shared.models import email_hash
    from shared.secrets import get_secret
    from shared.storage.contact import contact_state

    email_key = email_hash("scanned.reader@example.com")
    token = unsubscribe.sign(email_key, get_secret("reply-token-key").encode())
    for _ in range(3):  # a scanner fetches the link, and may check it with HEAD first
        assert api.head(f"/unsubscribe/{token}").status_code == 200
        assert api.get(f"/unsubscribe/{token}").status_code == 200
    assert contact_state().suppression(email_key) is None
    altered = token[:-1] + ("a" if token[-1] != "a" else "b")
    assert api.post(f"/unsubscribe/{altered}", content=b"").status_code == 404
    assert contact_state().suppression(email_key) is None
    assert api.post(f"/unsubscribe/{token}", content=b"").status_code == 200  # the one click
    assert contact_state().suppression(email_key) == "unsubscribe"


def test_ops_key_variants_are_refused(api, runtime):
    created = api.post("/campaigns", json=_campaign("Key Variants", "34")).json()
    path = f"/campaigns/{created['campaign_id']}"
    key = runtime.ops_key
    variants = [
        {"x-api-key": key[:-1]},
        {"x-api-key": key + "x"},
        {"x-api-key": key.upper() if key.upper() != key else key.lower()},
        {"x-api-key": key.encode() + b"\xff"},
        {"authorization": f"Bearer {key}"},
        {"x-api-key": ""},
        {"cookie": f"tfc_console={key}"},
    ]
    answers = [api.get(path, headers=headers).status_code for headers in variants]
    assert answers == [403, 403, 403, 403, 401, 401, 401], answers
    assert api.get(path, params={"x-api-key": key}).status_code == 401  # never from a URL
    assert api.get(path, headers={"X-API-KEY": key}).status_code == 200  # header names are case-blind


def test_path_tricks_on_exports_reach_no_file(api, runtime):
    headers = {"x-api-key": runtime.ops_key}
    tricks = [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd.csv",
        "volunteers.csv%00.txt",
        "VOLUNTEERS.csv",
        "volunteers.csv.csv",
        "%76olunteers.csv%2F..",
    ]
    for trick in tricks:
        response = api.get(f"/console/export/{trick}", headers=headers)
        assert response.status_code in (403, 404), (trick, response.status_code)
        assert "root:" not in response.text and not response.headers.get("content-disposition"), trick
    assert api.get("/console/export/volunteers.csv", headers=headers).status_code == 200


def test_sixteen_simultaneous_yeses_for_three_seats_fill_the_team_exactly_once(api, runtime):
    """The issue's race: sixteen yes replies at the same instant to one 3-seat project's
    invitations (several copies from each invitee): the team ends full, nobody placed twice."""
    from shared.storage import main_store

    ops = {"x-api-key": runtime.ops_key}
    emails = [f"seat.racer.{n}@example.com" for n in range(7)]
    place = {"hometown_city": "Madison", "hometown_state": "WI", "current_city": "Madison", "current_state": "WI"}
    rows = [
        {
            "row": n + 1,
            "patch": place
            | {"email": email, "name": f"Seat Racer {n}", "hours_per_week": 6, "weeks_available": 12}
            | {"skills": ["project_management"] if n < 2 else ["web_analytics", "data_analysis"]},
        }
        for n, email in enumerate(emails)
    ]  # through the roster import (ops key): volunteers staff vouch for
    imported = api.post("/volunteers/import", json={"rows": rows}, headers=ops)
    assert imported.status_code == 200, imported.text
    assert {r["status"] for r in imported.json()["results"]} <= {"added", "updated", "unchanged"}, imported.text
    for email in emails[:2]:
        assert api.post("/volunteers/lead-trained", json={"email": email}, headers=ops).status_code == 200
    project_id = api.post("/campaigns", json=_campaign("Seat Race", "35")).json()["project_ids"][0]
    assert api.post(f"/projects/{project_id}/approve", headers=ops).status_code == 200

    def invitations() -> list[dict]:
        return [
            m
            for m in api.get("/_local/outbox").json()
            if (m["reply_to"] or "").startswith("reply+")
            and "Seat Race" in (m["text"] or "")
            and (m.get("message_key") or "").endswith(":invite:email")
        ]

    def enough() -> list[dict] | None:
        found = invitations()
        record = main_store().campaigns.get_project(project_id)
        return found if len(found) >= 3 and len(found) == len(record.invitations) else None

    invited = wait_for(enough, timeout=120)
    replies = [invited[n % len(invited)] for n in range(16)]
    start = threading.Barrier(len(replies))
    answers: list[int | str] = []  # a thread's failed assert would only be a warning: collect instead

    def yes(message: dict) -> None:
        start.wait()
        body = {"from": message["to"], "to": message["reply_to"], "subject": "Re: invitation", "text": "Yes!"}
        try:
            answers.append(api.post("/_local/inbound/email", json=body).status_code)
        except Exception as error:  # a reset connection is the failure looked for
            answers.append(repr(error))

    threads = [threading.Thread(target=yes, args=(m,)) for m in replies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [202] * len(replies), answers

    def settled() -> bool:
        if not drained(runtime, "inbound", "matching"):
            return False
        record = main_store().campaigns.get_project(project_id)
        return all(i.status != "pending" for i in record.invitations if i.invitation_id in _ids(invited))

    wait_for(settled, timeout=120)
    record = main_store().campaigns.get_project(project_id)
    placed = [s.volunteer_id for s in record.slots if s.volunteer_id]
    assert len(record.slots) == 3 and len(placed) == len(set(placed))  # nobody placed twice
    assert record.project.filled == len(placed)
    assert all(p in _invitees(record) for p in placed)
    accepted = [i for i in record.invitations if i.status == "accepted"]
    assert len(accepted) == len(placed)  # every yes beyond the seats was turned down, not seated
    assert len(placed) == 3  # every invitee said yes: the team ended exactly full
    for email in emails:  # leave the shared pools as they were
        assert api.post("/volunteers/forget", json={"email": email}, headers=ops).status_code == 200


def _ids(messages: list[dict]) -> set[str]:
    return {m["message_key"].split(":")[1] for m in messages}


def _invitees(record) -> set[str]:
    return {i.volunteer_id for i in record.invitations}
