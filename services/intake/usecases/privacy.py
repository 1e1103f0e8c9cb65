"""A person's data out (export) and erased (forget), for staff answering a request (ops routes).

The store holds the profile, pointers, pool entries, invitations and kept replies
(shared/storage/privacy.py). The inbound-mail bucket holds the raw replies the person sent, keyed
by SES message id, not by person: they are found by reading each stored message's From (an ops
action that happens a few times a season; never on a request or message path of the pipeline).
"""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy
from email.utils import parseaddr
from typing import Any

from shared.aws import client
from shared.models import email_hash
from shared.settings import get_settings
from shared.storage import Store
from shared.storage.privacy import export_volunteer, forget_volunteer

INBOUND_PREFIX = "inbound/"


def _their_mail(email: str) -> list[str]:
    s3 = client("s3")
    bucket = get_settings().bucket("inbound-mail")
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=INBOUND_PREFIX):
        for obj in page.get("Contents", []):
            head = s3.get_object(Bucket=bucket, Key=obj["Key"], Range="bytes=0-16383")["Body"].read()
            sender = parseaddr(str(message_from_bytes(head, policy=policy.default).get("From", "")))[1]
            if sender.strip().lower() == email:
                found.append(obj["Key"])
    return found


def export_person(store: Store, email: str) -> dict[str, Any] | None:
    volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(email))
    data = export_volunteer(store, volunteer_id) if volunteer_id else None
    if data is None:
        return None
    return data | {"replies_received": len(_their_mail(email))}


def forget_person(store: Store, email: str, now: datetime) -> dict[str, int] | None:
    """Erase everything about the person; their opt-outs stay, as hashes. None if unknown."""
    volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(email))
    erased = forget_volunteer(store, volunteer_id, now) if volunteer_id else None
    if erased is None:
        return None
    keys = _their_mail(email)
    bucket = get_settings().bucket("inbound-mail")
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        client("s3").delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
    return erased | {"inbound_mail": len(keys)}
