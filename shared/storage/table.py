"""The one door to the DynamoDB table: reads with paging, batches, transactions, conditional writes.

Every adapter module (campaigns, volunteers, invitations, waves, lifecycle, threads, scores,
contact) goes through a `Table`; nothing else in the code base imports botocore's ClientError for
DynamoDB. Refusals come out as `errors.ConditionFailed`, `errors.TransactionConflict` (with the
per-action cancellation reasons) or `errors.StorageError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from shared.storage.codec import from_dynamo, to_dynamo
from shared.storage.errors import ConditionFailed, StorageError, TransactionConflict

Key = dict[str, str]
Item = dict[str, Any]
BATCH_GET_LIMIT = 100  # keys per BatchGetItem (DynamoDB API reference, BatchGetItem)


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise a DynamoDB ClientError as the storage package's own exception (cause kept)."""
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Unknown"), error.get("Message", "")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed(message) from exc
        if code == "TransactionCanceledException":
            reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            raise TransactionConflict(reasons, message) from exc
        raise StorageError(code, message) from exc


def _expression_args(
    condition: str | None, names: dict[str, str] | None, values: dict[str, Any] | None
) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if condition:
        args["ConditionExpression"] = condition
    if names:
        args["ExpressionAttributeNames"] = names
    if values:
        args["ExpressionAttributeValues"] = to_dynamo(values)
    return args


def projection(fields: Iterable[str]) -> dict[str, Any]:
    """ProjectionExpression arguments for `fields` (every name aliased: some are reserved words)."""
    fields = tuple(fields)
    return {
        "ProjectionExpression": ", ".join(f"#{f}" for f in fields),
        "ExpressionAttributeNames": {f"#{f}": f for f in fields},
    }


class Table:
    """A boto3 DynamoDB resource Table (its client serialises native values), with our errors.

    Items come out with Decimals turned back into int/float (`codec.from_dynamo`).
    """

    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client
        self.name: str = table.name

    @property
    def client(self) -> Any:
        """The boto3 DynamoDB client underneath (for instrumentation: the bench counts its calls)."""
        return self._client

    # --- reads ----------------------------------------------------------------------------------

    def get(self, key: Key) -> Item | None:
        """One item, strongly consistent; None when absent."""
        with translated():
            found = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return from_dynamo(found) if found else None

    def query(self, **kwargs: Any) -> Iterator[Item]:
        """Every item a Query matches (boto3 Query arguments), following LastEvaluatedKey pages."""
        while True:
            with translated():
                page = self._table.query(**kwargs)
            for found in page.get("Items", []):
                yield from_dynamo(found)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def query_page(self, limit: int, **kwargs: Any) -> tuple[list[Item], Key | None]:
        """One Query page: at most `limit` items (boto3 Query arguments, no filter, so Limit is
        the number returned) and the LastEvaluatedKey to go on from (None at the end)."""
        with translated():
            page = self._table.query(Limit=limit, **kwargs)
        return [from_dynamo(i) for i in page.get("Items", [])], page.get("LastEvaluatedKey")

    def count(self, **kwargs: Any) -> int:
        """How many items a Query matches (Select=COUNT: no items travel), following pages."""
        total = 0
        while True:
            with translated():
                page = self._table.query(Select="COUNT", **kwargs)
            total += int(page.get("Count", 0))
            if "LastEvaluatedKey" not in page:
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def batch_get(self, keys: list[Key], fields: tuple[str, ...] | None = None) -> list[Item]:
        """The items that exist among `keys` (any order), strongly consistent, 100 keys a call,
        retrying UnprocessedKeys; `fields` projects them."""
        found: list[Item] = []
        extra = projection(fields) if fields else {}
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            request = {self.name: {"Keys": keys[start : start + BATCH_GET_LIMIT], "ConsistentRead": True} | extra}
            while request:
                with translated():
                    page = self._client.batch_get_item(RequestItems=request)
                found.extend(from_dynamo(i) for i in page["Responses"].get(self.name, []))
                request = page.get("UnprocessedKeys") or {}
        return found

    # --- writes ---------------------------------------------------------------------------------

    def put(
        self,
        item: Item,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        """PutItem (floats become Decimals); ConditionFailed when `condition` does not hold."""
        with translated():
            self._table.put_item(Item=to_dynamo(item), **_expression_args(condition, names, values))

    def update(
        self,
        key: Key,
        expression: str,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        """UpdateItem; ConditionFailed when `condition` does not hold."""
        with translated():
            self._table.update_item(Key=key, UpdateExpression=expression, **_expression_args(condition, names, values))

    def delete(self, key: Key) -> None:
        with translated():
            self._table.delete_item(Key={"pk": key["pk"], "sk": key["sk"]})

    def batch_write(self, puts: Iterable[Item] = (), deletes: Iterable[Key] = ()) -> None:
        """Unconditional puts and deletes, 25 a BatchWriteItem, unprocessed items retried
        (boto3's batch_writer). Not atomic: for items that may be written again safely."""
        with translated(), self._table.batch_writer() as batch:
            for put in puts:
                batch.put_item(Item=to_dynamo(put))
            for key in deletes:
                batch.delete_item(Key={"pk": key["pk"], "sk": key["sk"]})

    def transact(self, actions: list[dict[str, Any]]) -> None:
        """TransactWriteItems: `actions` as boto3 takes them ({"Put": {...}}, {"Update": ...},
        {"Delete": ...}, {"ConditionCheck": ...}) without TableName. All or nothing;
        TransactionConflict (with each action's reason) when any guard fails."""
        for action in actions:
            next(iter(action.values()))["TableName"] = self.name
        with translated():
            self._client.transact_write_items(TransactItems=actions)
