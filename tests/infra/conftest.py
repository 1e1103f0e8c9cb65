"""One synth of the dev stage per test session, shared by every infra test (it costs ~6 s)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@dataclass
class Synth:
    stack: Any
    template: Any  # aws_cdk.assertions.Template
    json: dict[str, Any]
    path: Path
    packages: Any

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.json["Resources"].items() if v["Type"] == kind}


@pytest.fixture(scope="session")
def packages() -> Any:
    from infra.packaging import build

    return build()


@pytest.fixture(scope="session")
def synth(packages: Any, tmp_path_factory: pytest.TempPathFactory) -> Synth:
    from aws_cdk.assertions import Template

    from infra.app import make_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = make_app("dev", outdir, packages=packages)
    assembly = app.synth()
    path = Path(assembly.get_stack_by_name(stack.stack_name).template_full_path)
    return Synth(stack, Template.from_stack(stack), json.loads(path.read_text()), path, packages)
