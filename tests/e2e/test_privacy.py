"""A person's data out and erased, over the ops API of the running local runtime: export holds
their profile and invitations; forget erases the profile, pointers, pool entries, invitation
reasons and their inbound mail, keeps the opt-outs as hashes, and they are never mailed again."""

from __future__ import annotations

import pytest

from tests import payloads
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

PERSON = payloads.volunteer(
    "forget.me@example.com",
    ["web_analytics"],
    name="Forget Me",
    hours=5,
    weeks=10,
    phone="804-555-0142",
    sms_consent=True,
)


def test_export_then_forget_erases_everywhere_and_keeps_opt_outs(api, runtime):
    from shared.models import email_hash
    from shared.storage import keys, main_store, main_table
    from shared.storage.contact import contact_state
    from tfc.local import inbound

    ops = {"x-api-key": runtime.ops_key}
    volunteer_id = signed_up(api, PERSON)
    inbound.inject_email(PERSON["email"], "reply+notatoken@reply.local", "Re: hi", "a message from me")
    assert api.post("/volunteers/export", json={"email": PERSON["email"]}).status_code == 401
    exported = api.post("/volunteers/export", json={"email": PERSON["email"]}, headers=ops)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["volunteer"]["email"] == PERSON["email"] and data["volunteer"]["volunteer_id"] == volunteer_id
    assert data["replies_received"] >= 1
    missing = api.post("/volunteers/export", json={}, headers=ops)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "email"

    forgotten = api.post("/volunteers/forget", json={"email": PERSON["email"]}, headers=ops)
    assert forgotten.status_code == 200, forgotten.text
    assert forgotten.json()["erased"]["inbound_mail"] >= 1
    store = main_store()
    assert store.volunteers.get_volunteer(volunteer_id) is None
    assert store.volunteers.volunteer_id_for_email(email_hash(PERSON["email"])) is None
    assert store.volunteers.volunteer_id_for_phone("+18045550142") is None
    assert all(p["volunteer_id"] != volunteer_id for p in store.volunteers.pool("web_analytics"))
    assert main_table().get(keys.volunteer(volunteer_id)) is None
    # The opt-outs stay, as hashes only: the address is suppressed, the phone opted out.
    assert contact_state().suppression(email_hash(PERSON["email"])) == "forgotten"
    assert contact_state().sms_state("+18045550142")["opted_out"] is True
    again = api.post("/volunteers/export", json={"email": PERSON["email"]}, headers=ops)
    assert again.status_code == 404
    assert api.post("/volunteers/forget", json={"email": PERSON["email"]}, headers=ops).status_code == 404
    # Nothing stored still holds the address: search the whole table (a test may Scan).
    from shared.aws import dynamodb_resource

    table = dynamodb_resource().Table(main_table().name)
    items = table.scan()["Items"]
    assert not [i for i in items if PERSON["email"] in str(i) or "8045550142" in str(i)]
