"""Convert between pydantic records and DynamoDB items (floats <-> Decimal, dates as ISO text)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel


def to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [to_dynamo(v) for v in value]
    return value


def from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [from_dynamo(v) for v in value]
    return value


def item(record: BaseModel, keys: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A full item: the record's fields (JSON-mode, so dates are ISO strings), its keys, extras."""
    body = record.model_dump(mode="json")
    body["type"] = type(record).__name__
    return to_dynamo(body | keys | extra)
