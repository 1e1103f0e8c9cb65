"""Resolve a declared handler ("module:attribute") and call it as Lambda would."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from shared.resources import Function
from tfc.local.lambda_context import LocalContext


def load_handler(function: Function) -> Callable[[dict[str, Any], Any], Any]:
    module, _, attribute = function.handler.partition(":")
    return getattr(importlib.import_module(module), attribute)


def invoke(function: Function, event: dict[str, Any], region: str, time_scale: float = 1.0) -> Any:
    """Call the handler with a Lambda context whose timeout is the declared one times `time_scale`
    (the local runtime compresses every timeout by the same factor; see RuntimeOptions)."""
    context = LocalContext(function.name, function.timeout_seconds * time_scale, function.memory_mb, region)
    return load_handler(function)(event, context)
