"""Who may be contacted, and how: the email suppression list and each phone's SMS state.

Kept apart from store.py (notify owns these items; other services only read them). Addresses and
numbers are keys only as hashes (`shared.models.email_hash`), never stored in clear here.

    SUPPRESSED#<email hash> / EMAIL   reason (bounce | complaint | unsubscribe), at, source
    SMS#<phone hash>        / STATE   opted_out, changed_at, confirmed (the STOP/START reply went),
                                      disclosed (the first-text disclosure went)
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from typing import Any, Protocol

from shared.models import Project, Volunteer, email_hash
from shared.storage import keys
from shared.storage.errors import ConditionFailed, TransactionConflict
from shared.storage.table import Table

SuppressionReason = str  # "bounce" | "complaint" | "unsubscribe"


def suppression_key(email_key: str) -> dict[str, str]:
    return keys.suppression(email_key)


def sms_state_key(phone: str) -> dict[str, str]:
    return keys.sms_state(email_hash(phone))


class Contacts(Protocol):
    """What senders, inbound and privacy need of contact state (ContactState)."""

    def suppress(self, email_key: str, reason: SuppressionReason, now: datetime, volunteer_id: str | None) -> bool: ...
    def suppression(self, email_key: str) -> str | None: ...
    def suppressed(self, email_keys: list[str]) -> set[str]: ...
    def contact_reads(
        self, email_keys: Iterable[str], phones: Iterable[str]
    ) -> tuple[set[str], dict[str, dict[str, Any]]]: ...
    def message_reads(
        self, project_ids: Iterable[str], volunteer_ids: Iterable[str], email_keys: Iterable[str]
    ) -> tuple[dict[str, Project], dict[str, Volunteer], set[str]]: ...
    def opt_outs(self, people: Iterable[Volunteer]) -> dict[str, dict[str, Any]]: ...
    def sms_state(self, phone: str) -> dict[str, Any]: ...
    def sms_opt_out(self, phone: str, now: datetime) -> bool: ...
    def sms_opt_in(self, phone: str, now: datetime) -> bool: ...
    def mark_confirmed(self, phone: str, changed_at: str) -> None: ...
    def claim_disclosure(self, phone: str, now: datetime) -> bool: ...
    def release_disclosure(self, phone: str) -> None: ...


class ContactState:
    def __init__(self, table: Table) -> None:
        self.table = table

    # --- email suppression ------------------------------------------------------------------

    def suppress(self, email_key: str, reason: SuppressionReason, now: datetime, volunteer_id: str | None) -> bool:
        """Put the address on the suppression list (the first reason is kept). With a volunteer,
        also set their `email_opt_out` in the same transaction, so matching stops inviting them.
        Returns True when this call added the address."""
        item = suppression_key(email_key) | {"type": "Suppression", "reason": reason, "at": now.isoformat()}
        put = {
            "Put": {
                "Item": item,
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        actions = [put]
        if volunteer_id:
            actions.append(
                {
                    "Update": {
                        "Key": keys.volunteer(volunteer_id),
                        "UpdateExpression": "SET email_opt_out = :yes",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":yes": True},
                    }
                }
            )
        try:
            self.table.transact(actions)
        except TransactionConflict as exc:
            if exc.first_guard_lost:
                return False  # already suppressed
            if exc.reasons[1:2] == ["ConditionalCheckFailed"]:
                return self.suppress(email_key, reason, now, None)  # the volunteer is gone
            raise
        return True

    def suppression(self, email_key: str) -> str | None:
        """The reason an address must not be mailed, or None."""
        found = self.table.get(suppression_key(email_key))
        return str(found["reason"]) if found else None

    def suppressed(self, email_keys: list[str]) -> set[str]:
        """Which of these addresses are suppressed (one BatchGetItem per 100)."""
        found = self.table.batch_get([suppression_key(k) for k in sorted(set(email_keys))])
        return {keys.suppressed_email_key(str(i["pk"])) for i in found}

    def message_reads(
        self, project_ids: Iterable[str], volunteer_ids: Iterable[str], email_keys: Iterable[str]
    ) -> tuple[dict[str, Project], dict[str, Volunteer], set[str]]:
        """What notes to volunteers need, in one BatchGetItem per 100 keys (strongly consistent):
        ({project id: its item}, {volunteer id: volunteer}, the suppressed ones of `email_keys`).
        Absent projects and volunteers are left out."""
        wanted = (
            [keys.project(p) for p in dict.fromkeys(project_ids)]
            + [keys.volunteer(v) for v in dict.fromkeys(volunteer_ids)]
            + [suppression_key(k) for k in dict.fromkeys(email_keys)]
        )
        projects: dict[str, Project] = {}
        volunteers: dict[str, Volunteer] = {}
        suppressed: set[str] = set()
        for found in self.table.batch_get(wanted) if wanted else []:
            pk = str(found["pk"])
            if pk.startswith("PROJECT#"):
                projects[found["project_id"]] = Project.model_validate(found)
            elif pk.startswith("VOLUNTEER#"):
                volunteers[found["volunteer_id"]] = Volunteer.model_validate(found)
            else:
                suppressed.add(keys.suppressed_email_key(pk))
        return projects, volunteers, suppressed

    def contact_reads(
        self, email_keys: Iterable[str], phones: Iterable[str]
    ) -> tuple[set[str], dict[str, dict[str, Any]]]:
        """`suppressed` and `sms_state` for many in one BatchGetItem per 100 keys: (the suppressed
        ones of `email_keys`, {phone: its SMS state, {} when none}) for every phone given."""
        phones = list(dict.fromkeys(phones))
        wanted = [suppression_key(k) for k in dict.fromkeys(email_keys)] + [sms_state_key(p) for p in phones]
        found = self.table.batch_get(wanted) if wanted else []
        suppressed = {keys.suppressed_email_key(str(i["pk"])) for i in found if str(i["pk"]).startswith("SUPPRESSED#")}
        states = {str(i["pk"]): i for i in found if str(i["pk"]).startswith("SMS#")}
        return suppressed, {p: states.get(sms_state_key(p)["pk"], {}) for p in phones}

    # --- what a person has stopped, for staff and for the person ------------------------------

    def opt_outs(self, people: Iterable[Volunteer]) -> dict[str, dict[str, Any]]:
        """Each volunteer's opt-outs as the suppression list and the SMS state hold them (the
        truth senders check), by volunteer id: {"sms_opt_out": bool, "sms_opt_out_at": ISO time
        or None, "email_suppressed": "bounce" | "complaint" | "unsubscribe" | ... or None,
        "email_suppressed_at": ISO time or None}. One BatchGetItem per 50 people (100 keys), no Scan."""
        people = list(people)
        wanted: dict[tuple[str, str], dict[str, str]] = {}
        for v in people:
            mail_key = suppression_key(v.email_key)
            wanted[(mail_key["pk"], mail_key["sk"])] = mail_key
            if v.phone:
                key = sms_state_key(v.phone)
                wanted[(key["pk"], key["sk"])] = key
        found = {(i["pk"], i["sk"]): i for i in self.table.batch_get(list(wanted.values()))}
        out: dict[str, dict[str, Any]] = {}
        for v in people:
            mail_key = suppression_key(v.email_key)
            mail = found.get((mail_key["pk"], mail_key["sk"]), {})
            text = found.get(tuple(sms_state_key(v.phone).values()), {}) if v.phone else {}  # type: ignore[arg-type]
            stopped = bool(text.get("opted_out"))
            out[v.volunteer_id] = {
                "sms_opt_out": stopped,
                "sms_opt_out_at": str(text["changed_at"]) if stopped and text.get("changed_at") else None,
                "email_suppressed": str(mail["reason"]) if mail else None,
                "email_suppressed_at": str(mail["at"]) if mail.get("at") else None,
            }
        return out

    # --- SMS ----------------------------------------------------------------------------------

    def sms_state(self, phone: str) -> dict[str, Any]:
        return self.table.get(sms_state_key(phone)) or {}

    def sms_opt_out(self, phone: str, now: datetime) -> bool:
        """STOP: True only for the call that moved the number from in to out (one confirmation)."""
        return self._flip(phone, True, now)

    def sms_opt_in(self, phone: str, now: datetime) -> bool:
        """START: True only for the call that moved the number from out to in."""
        return self._flip(phone, False, now)

    def _flip(self, phone: str, out: bool, now: datetime) -> bool:
        if out:
            condition, values = "attribute_not_exists(opted_out) OR opted_out = :no", {":no": False}
        else:
            condition, values = "opted_out = :yes", {":yes": True}
        try:
            self.table.update(
                sms_state_key(phone),
                "SET opted_out = :out, changed_at = :now, confirmed = :no_confirm, #t = :type",
                condition,
                names={"#t": "type"},
                values={
                    ":out": out,
                    ":now": now.isoformat(),
                    ":no_confirm": False,
                    ":type": "SmsState",
                }
                | values,
            )
        except ConditionFailed:
            return False
        return True

    def mark_confirmed(self, phone: str, changed_at: str) -> None:
        """The STOP or START confirmation for the change made at `changed_at` went out."""
        with suppress(ConditionFailed):  # a newer change owns its own confirmation
            self.table.update(
                sms_state_key(phone),
                "SET confirmed = :yes",
                "changed_at = :at",
                values={":yes": True, ":at": changed_at},
            )

    def claim_disclosure(self, phone: str, now: datetime) -> bool:
        """The first-text disclosure's at-most-once guard: True only for the one call that moves
        the number from not disclosed to disclosed (a conditional UpdateItem), which then sends it.
        Written before the send, as a sending marker would be, and it is the only write: the
        disclosure needs no marker of its own."""
        try:
            self.table.update(
                sms_state_key(phone),
                "SET disclosed = :yes, disclosed_at = :now, #t = :type",
                "attribute_not_exists(disclosed) OR disclosed = :no",
                names={"#t": "type"},
                values={":yes": True, ":no": False, ":now": now.isoformat(), ":type": "SmsState"},
            )
        except ConditionFailed:
            return False
        return True

    def release_disclosure(self, phone: str) -> None:
        """The disclosure was refused or never reached the provider: the retry may send it."""
        self.table.update(
            sms_state_key(phone),
            "SET disclosed = :no REMOVE disclosed_at",
            "disclosed = :yes",
            values={":yes": True, ":no": False},
        )


def contact_state() -> ContactState:
    """Built per call (cheap): the table handle follows the current endpoint and stage."""
    from shared.aws import dynamodb_resource
    from shared.settings import get_settings

    return ContactState(Table(dynamodb_resource().Table(get_settings().table("main"))))
