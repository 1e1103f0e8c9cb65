"""SSM SecureString parameters with a generated value that never appears in a template.

CloudFormation's AWS::SSM::Parameter cannot create a SecureString, so one small custom resource
does it: on create it stores `secrets.token_urlsafe(32)` unless a value already exists (a redeploy
or a re-created stack keeps the key in use); updates never touch the value (ops rotate it, see
README.md); delete removes it only where the stage does not retain data.
"""

from __future__ import annotations

from aws_cdk import CustomResource, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

_HANDLER = """
import secrets

import boto3
import cfnresponse

ssm = boto3.client("ssm")


def handler(event, context):
    props = event.get("ResourceProperties", {})
    name = props.get("Name") or event.get("PhysicalResourceId") or "unnamed"
    try:  # every path answers CloudFormation, or the stack would wait an hour
        if event["RequestType"] == "Create":
            try:
                ssm.get_parameter(Name=name)
            except ssm.exceptions.ParameterNotFound:
                ssm.put_parameter(
                    Name=name, Value=secrets.token_urlsafe(32), Type="SecureString", Description=props["Description"]
                )
        elif event["RequestType"] == "Delete" and props.get("Retain") != "true":
            try:
                ssm.delete_parameter(Name=name)
            except ssm.exceptions.ParameterNotFound:
                pass
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Name": name}, name)
    except Exception as exc:
        cfnresponse.send(event, context, cfnresponse.FAILED, {"Error": str(exc)[:200]}, name)
"""


class SecureParameters(Construct):
    """One provider function for all of a stage's SecureString parameters."""

    def __init__(self, scope: Construct, id: str, *, paths: dict[str, str], retain: bool, log_days: int) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        arns = [
            stack.format_arn(service="ssm", resource="parameter", resource_name=p.lstrip("/")) for p in paths.values()
        ]
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        role.add_to_policy(
            iam.PolicyStatement(actions=["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"], resources=arns)
        )
        log_group = logs.LogGroup(self, "Logs", retention=retention(log_days))
        log_group.grant_write(role)
        self.function = lambda_.Function(
            self,
            "Provider",
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler="index.handler",
            code=lambda_.Code.from_inline(_HANDLER),
            timeout=Duration.seconds(30),
            role=role,
            log_group=log_group,
        )
        for name, path in paths.items():
            CustomResource(
                self,
                name,
                service_token=self.function.function_arn,
                resource_type="Custom::SecureParameter",
                properties={"Name": path, "Description": f"tfc {name}", "Retain": "true" if retain else "false"},
            )


_RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
}


def retention(days: int) -> logs.RetentionDays:
    """The shortest CloudWatch Logs retention that keeps at least `days`."""
    return _RETENTION[min((d for d in _RETENTION if d >= days), default=731)]
