"""Field cases: real-world inputs kept beside the repository (../shared/field-cases), never in it.
A user's clone has no ../shared, so a test that reads one skips cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "shared" / "field-cases"


def field_case(kind: str, name: str) -> Path:
    """The path of ../shared/field-cases/<kind>/<name>; skips the calling test when it is absent."""
    path = ROOT / kind / name
    if not path.exists():
        pytest.skip(f"{path} is not here (field cases live beside the repository)")
    return path
