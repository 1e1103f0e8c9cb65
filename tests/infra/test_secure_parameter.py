"""The custom resource that creates the SecureString secrets, run against moto's SSM: it
generates a value once, keeps it across redeploys, and deletes it only where data is not retained."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.config import stage_config
from infra.secure_parameter import _HANDLER

NAME = "/tfc/dev/reply-token-key"


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[tuple[str, dict[str, Any]]]]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSM"):
        monkeypatch.delenv(var, raising=False)
    sent: list[tuple[str, dict[str, Any]]] = []
    cfnresponse = types.ModuleType("cfnresponse")
    cfnresponse.SUCCESS, cfnresponse.FAILED = "SUCCESS", "FAILED"  # type: ignore[attr-defined]
    cfnresponse.send = lambda event, context, status, data, physical_id: sent.append((status, data))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
    with mock_aws():
        namespace: dict[str, Any] = {}
        exec(compile(_HANDLER, "secure_parameter_handler", "exec"), namespace)  # the inline Lambda code
        yield namespace["handler"], sent


def _event(kind: str, retain: bool = False) -> dict[str, Any]:
    return {
        "RequestType": kind,
        "ResourceProperties": {"Name": NAME, "Description": "d", "Retain": str(retain).lower()},
    }


def _value() -> dict[str, Any]:
    return boto3.client("ssm").get_parameter(Name=NAME, WithDecryption=True)["Parameter"]


def test_create_generates_a_securestring_once_and_keeps_it(handler: Any) -> None:
    run, sent = handler
    run(_event("Create"), None)
    first = _value()
    assert first["Type"] == "SecureString" and len(first["Value"]) >= 32
    run(_event("Create"), None)  # a re-created stack finds the key in use
    run(_event("Update"), None)
    assert _value()["Value"] == first["Value"]
    assert [s for s, _ in sent] == ["SUCCESS"] * 3


def test_delete_removes_it_unless_the_stage_retains_data(handler: Any) -> None:
    run, sent = handler
    run(_event("Create"), None)
    run(_event("Delete", retain=True), None)
    assert _value()["Value"]
    run(_event("Delete", retain=False), None)
    with pytest.raises(boto3.client("ssm").exceptions.ParameterNotFound):
        _value()
    assert [s for s, _ in sent] == ["SUCCESS"] * 3


def test_a_failure_is_reported_to_cloudformation(handler: Any) -> None:
    run, sent = handler
    bad = _event("Create")
    del bad["ResourceProperties"]["Description"]  # the put fails on a property the template lacks
    run(bad, None)
    assert sent[-1][0] == "FAILED" and sent[-1][1]["Error"]


def test_stage_settings_refuse_an_unknown_stage_and_convert_context_types() -> None:
    with pytest.raises(ValueError, match="stage: 'qa' is not one of"):
        stage_config("qa")
    config = stage_config("prod", {"api_rate_limit": "25", "retain_data": "false", "alarm_email": "ops@x.org"})
    assert config.api_rate_limit == 25 and config.retain_data is False and config.alarm_email == "ops@x.org"
    assert stage_config("prod").retain_data is True
