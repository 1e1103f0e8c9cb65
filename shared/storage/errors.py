"""The storage package's exceptions: what use cases catch instead of botocore's ClientError.

`table.Table` translates DynamoDB's refusals into these, so code above the adapters (and the
in-memory fake, `memory.py`) speaks one vocabulary and use cases test without moto.
"""

from __future__ import annotations


class StorageError(Exception):
    """DynamoDB refused a call for a reason other than a lost condition (throttling after
    botocore's retries, a missing table, bad input). `code` is DynamoDB's error code."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


class ConditionFailed(StorageError):
    """A conditional put, update or delete lost: the item is not in the state the write required."""

    def __init__(self, message: str = "") -> None:
        super().__init__("ConditionalCheckFailedException", message)


class TransactionConflict(StorageError):
    """A TransactWriteItems was cancelled; nothing was written.

    `reasons` holds one code per action, in the transaction's order ("None" for the actions that
    were fine, "ConditionalCheckFailed" for a lost guard, "TransactionConflict" for a concurrent
    transaction on the same item), as DynamoDB's CancellationReasons give them.
    """

    def __init__(self, reasons: list[str], message: str = "") -> None:
        super().__init__("TransactionCanceledException", message)
        self.reasons = reasons

    def failed_at(self) -> int | None:
        """The index of the first action whose condition failed, or None."""
        return next((i for i, code in enumerate(self.reasons) if code == "ConditionalCheckFailed"), None)

    @property
    def first_guard_lost(self) -> bool:
        """The first action's condition failed (many transactions lead with their deciding guard)."""
        return self.reasons[:1] == ["ConditionalCheckFailed"]


class Conflict(Exception):
    """A conditional write lost: the record changed since it was read (reload and retry)."""


class DuplicateRequest(Exception):
    """The same campaign request was already stored (a resubmission)."""

    def __init__(self, campaign_id: str) -> None:
        super().__init__(campaign_id)
        self.campaign_id = campaign_id
