"""The CDK app: `python -m infra.app -c stage=dev` (what `make synth` and `cdk` run).

Synthesizes offline: no AWS account (a placeholder one unless given), no Docker, no lookups.
Every stack gets the AwsSolutions checks (cdk-nag); the findings that do not apply are
suppressed in infra/nag.py, each with its reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from aws_cdk import App, Aspects, Environment
from cdk_nag import AwsSolutionsChecks

from infra import nag
from infra.config import DEFAULTS, stage_config
from infra.packaging import build
from infra.stack import Packages, TfcStack

OUTDIR = Path(__file__).resolve().parent / "cdk.out"


def make_app(
    stage: str, outdir: Path = OUTDIR, packages: Packages | None = None, context: dict | None = None
) -> tuple[App, TfcStack]:
    app = App(outdir=str(outdir), context={"stage": stage, **(context or {})})
    given = {k: app.node.try_get_context(k) for k in DEFAULTS}
    config = stage_config(stage, {k: v for k, v in given.items() if v is not None})
    stack = TfcStack(
        app,
        f"tfc-{stage}",
        config=config,
        packages=packages or build(),
        env=Environment(account=config.account, region=config.region),
        description=f"Tech for Campaigns volunteer platform, stage {stage} (infra/, from shared/resources.py)",
    )
    nag.suppress(stack)
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stack


def main() -> None:
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    probe = App()
    stage = probe.node.try_get_context("stage") or os.environ.get("STAGE") or "dev"
    context = {k: probe.node.try_get_context(k) for k in DEFAULTS}
    app, _ = make_app(
        stage,
        Path(probe.outdir) if os.environ.get("CDK_OUTDIR") else OUTDIR,
        context={k: v for k, v in context.items() if v is not None},
    )
    app.synth()


if __name__ == "__main__":
    main()
