"""The CDK app: `python -m infra.app -c stage=dev` (what `make synth` and `cdk` run).

Synthesizes offline: no AWS account (a placeholder one unless given), no Docker, no lookups.
Every stack gets the AwsSolutions checks (cdk-nag); the findings that do not apply are
suppressed in infra/nag.py, each with its reason.
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

from aws_cdk import App, Aspects, Environment
from cdk_nag import AwsSolutionsChecks

from infra import nag
from infra.config import DEFAULTS, stage_config
from infra.packaging import build
from infra.stack import Packages, TfcStack
from shared.resources import RESOURCES, Resources

OUTDIR = Path(__file__).resolve().parent / "cdk.out"
# CDK feature flags a new project gets from `cdk init`; set here so every synth (tests, make, the
# cdk CLI) uses them without a cdk.json.
FEATURE_FLAGS = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,  # a bucket policy, not the legacy ACL
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
    "@aws-cdk/aws-apigateway:disableCloudWatchRole": True,
    "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption": True,
}


def make_app(
    stage: str,
    outdir: Path = OUTDIR,
    packages: Packages | None = None,
    context: dict | None = None,
    resources: Resources = RESOURCES,
) -> tuple[App, TfcStack]:
    app = App(outdir=str(outdir), context={"stage": stage, **FEATURE_FLAGS, **(context or {})})
    given = {k: app.node.try_get_context(k) for k in DEFAULTS}
    config = stage_config(stage, {k: v for k, v in given.items() if v is not None})
    stack = TfcStack(
        app,
        f"tfc-{stage}",
        config=config,
        packages=packages or build(resources),
        resources=resources,
        env=Environment(account=config.account, region=config.region),
        description=f"Tech for Campaigns volunteer platform, stage {stage} (infra/, from shared/resources.py)",
    )
    nag.suppress(stack)
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stack


def main(argv: list[str] | None = None) -> None:
    """`python -m infra.app -c stage=prod -c alarm_email=ops@example.org` (make synth), or run by
    the cdk CLI, which passes context in CDK_CONTEXT_JSON and the output dir in CDK_OUTDIR."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    args = list(sys.argv[1:] if argv is None else argv)
    context: dict[str, str] = {}
    for flag, value in itertools.pairwise(args):
        if flag in ("-c", "--context"):
            key, _, val = value.partition("=")
            context[key] = val
    probe = App()
    for key in ("stage", *DEFAULTS):
        found = probe.node.try_get_context(key)
        if found is not None:
            context.setdefault(key, found)
    stage = str(context.pop("stage", None) or os.environ.get("STAGE") or "dev")
    outdir = Path(os.environ["CDK_OUTDIR"]) if os.environ.get("CDK_OUTDIR") else OUTDIR
    app, _ = make_app(stage, outdir, context=context)
    app.synth()
    print(f"synthesized tfc-{stage} into {outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
