"""cdk-nag (AwsSolutions) findings that do not apply here, each with the reason it is accepted.

Suppressions name the rule and, for wildcard resources (IAM5), the exact resource pattern, so a
new wildcard anywhere else still fails CI.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo

RUNTIME = (
    "Functions run Python 3.11, the version the project is written and tested for (pyproject "
    "requires-python, CI); moving runtime is a deliberate, tested change, not a lint fix."
)
PUBLIC_API = (
    "The forms and POST /campaigns, /volunteers are public by design (campaigns and volunteers "
    "have no accounts). Ops routes authenticate in the function: x-api-key compared in constant "
    "time with the SSM SecureString /tfc/<stage>/ops-api-key, refusing all when it is unset. "
    "Stage throttling and a WAF rate rule sit in front."
)
VALIDATION = (
    "The chalice app validates every body with pydantic and answers 422 with per-field messages "
    "(and re-renders forms); an API Gateway validator would replace those with opaque errors."
)
OBJECTS = (
    "Read access to the objects of one named bucket, or write access under named key prefixes of it "
    "(scoring's reports/ and rejected/), or delete access under one (intake erasing a forgotten "
    "person's inbound/ mail; scoring moving a refused file out of results/): the keys are generated "
    "(SES message ids, results files, run ids), so they cannot be listed in the policy; the bucket "
    "itself is not wildcarded."
)
SMS = (
    "End User Messaging SMS authorises SendTextMessage on the origination identity; its id is "
    "assigned when ops register the 10DLC number (after deploy), so the policy names the "
    "resource types of this account and region, not all of SMS."
)
CDK_HANDLER = (
    "CDK's own bucket-notification handler: its role and runtime are set by aws-cdk-lib and it "
    "only configures notifications on this stack's buckets at deploy time."
)
APIGW_LOGS = (
    "API Gateway's account-level CloudWatch role must carry AWS's AmazonAPIGatewayPushToCloudWatchLogs "
    "managed policy for stage access logs and execution logs."
)


def _s(rule: str, reason: str, applies_to: list[str | RegexAppliesTo] | None = None) -> NagPackSuppression:
    return NagPackSuppression(id=rule, reason=reason, applies_to=applies_to)


def suppress(stack: Stack) -> None:
    for construct in stack.node.find_all():
        if construct.node.id.startswith("BucketNotificationsHandler"):
            NagSuppressions.add_resource_suppressions(
                construct,
                [
                    _s("AwsSolutions-IAM4", CDK_HANDLER),
                    _s("AwsSolutions-IAM5", CDK_HANDLER),
                    _s("AwsSolutions-L1", CDK_HANDLER),
                ],
                apply_to_children=True,
            )
        elif isinstance(construct, lambda_.Function):
            NagSuppressions.add_resource_suppressions(construct, [_s("AwsSolutions-L1", RUNTIME)])
        elif isinstance(construct, apigw.RestApi):
            NagSuppressions.add_resource_suppressions(
                construct,
                [
                    _s("AwsSolutions-APIG2", VALIDATION),
                    _s("AwsSolutions-APIG4", PUBLIC_API),
                    _s("AwsSolutions-COG4", PUBLIC_API),
                    _s(
                        "AwsSolutions-IAM4",
                        APIGW_LOGS,
                        [
                            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                        ],
                    ),
                ],
                apply_to_children=True,
            )
        elif isinstance(construct, iam.Role) and construct.node.id.startswith("Role-"):
            NagSuppressions.add_resource_suppressions(
                construct,
                [
                    _s(
                        "AwsSolutions-IAM5",
                        OBJECTS,
                        [
                            RegexAppliesTo(
                                regex="/^Resource::<Bucket[A-Za-z0-9]+\\.Arn>\\/(reports\\/|rejected\\/|results\\/|inbound\\/)?\\*$/"
                            )
                        ],
                    ),
                    _s(
                        "AwsSolutions-IAM5",
                        SMS,
                        [
                            RegexAppliesTo(
                                regex="/^Resource::arn:<AWS::Partition>:sms-voice:[^:]+:[^:]+:(phone-number|pool)\\/\\*$/"
                            )
                        ],
                    ),
                ],
                apply_to_children=True,
            )
