"""infra/ follows the declaration: a topic, a function and an S3 trigger added to it (as another
issue might) appear in the synthesized stack, wired, least-privileged and nag-clean, with no
edit to infra/."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match

from infra.app import make_app
from infra.stack import Packages
from shared.resources import RESOURCES, Function, S3Source, Topic


@pytest.fixture(scope="module")
def extended(packages: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    resources = dataclasses.replace(
        RESOURCES,
        topics=(*RESOURCES.topics, Topic("results-events", ("matching",), "a topic another issue adds")),
        functions=(
            *RESOURCES.functions,
            Function(
                "scoring-ingest",
                "scoring",
                "services.scoring.handlers:on_schedule",
                timeout_seconds=60,
                s3=S3Source("data", prefix="results/", suffix=".csv"),
            ),
        ),
    )
    built = Packages(
        {**packages.functions, "scoring-ingest": packages.functions["scoring-run"]},
        packages.layers,
        {**packages.function_layers, "scoring-ingest": packages.function_layers["scoring-run"]},
    )
    app, stack = make_app("dev", tmp_path_factory.mktemp("extended"), packages=built, resources=resources)
    assembly = app.synth()
    template = json.loads(Path(assembly.get_stack_by_name(stack.stack_name).template_full_path).read_text())
    return stack, template


def _of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_a_new_s3_trigger_topic_and_function_are_deployed(extended: tuple[Any, dict[str, Any]]) -> None:
    stack, template = extended
    functions = {v["Properties"].get("FunctionName"): k for k, v in _of(template, "AWS::Lambda::Function").items()}
    new = functions["tfc-dev-scoring-ingest"]
    notifications = next(iter(_of(template, "Custom::S3BucketNotifications").values()))["Properties"]
    configs = notifications["NotificationConfiguration"]["LambdaFunctionConfigurations"]
    # Other functions may already have triggers on the same bucket: find the new one's.
    config = next(c for c in configs if c["LambdaFunctionArn"]["Fn::GetAtt"][0] == new)
    assert config["Events"] == ["s3:ObjectCreated:*"]
    rules = {r["Name"]: r["Value"] for r in config["Filter"]["Key"]["FilterRules"]}
    assert rules == {"prefix": "results/", "suffix": ".csv"}
    topics = {v["Properties"]["TopicName"]: k for k, v in _of(template, "AWS::SNS::Topic").items()}
    assert any(
        s["Properties"]["TopicArn"]["Ref"] == topics["tfc-dev-results-events"]
        for s in _of(template, "AWS::SNS::Subscription").values()
    )
    # Its role: what its service's code calls (main table, the data bucket), nothing it does not.
    role = template["Resources"][new]["Properties"]["Role"]["Fn::GetAtt"][0]
    actions = {
        a
        for p in _of(template, "AWS::IAM::Policy").values()
        if any(r["Ref"] == role for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert {"s3:GetObject", "dynamodb:BatchWriteItem"} <= actions
    assert not {a for a in actions if a.startswith(("ses:", "sqs:Send", "sms-voice:"))}
    errors = Annotations.from_stack(stack).find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert [str(e.entry.data)[:120] for e in errors] == []
