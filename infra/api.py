"""The HTTP API: API Gateway (REST) in front of the chalice app's Lambda, with stage throttling,
access logs, a WAF rate rule per IP and the log-in throttle's rules (shared/throttles.py).

Plain CDK rather than the chalice CDK construct: that construct runs `chalice package`, which
downloads wheels at synth time, and `make synth` must work offline. The routes still come from
the chalice app itself (one API Gateway resource and method per chalice route, as `chalice
package` would emit), so chalice sees the same `resourcePath` it routes on. A handler that is not
a chalice app gets a catch-all proxy.
"""

from __future__ import annotations

import importlib
import re

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.config import StageConfig
from infra.secure_parameter import retention
from shared.resources import Function, physical_name
from shared.throttles import LOGIN_LIMITS, REFUSAL, RateLimit

LOCAL_ONLY_PREFIX = "/_local"  # the local runtime's outbox and inbound injection: never deployed
TOO_MANY_BODY = "too-many"  # the WebACL's custom response body of a throttled log-in (our refusal shape)


def chalice_routes(handler: str) -> dict[str, list[str]] | None:
    """{path: [methods]} of the chalice app a handler names, or None if it is not one."""
    module, _, attribute = handler.partition(":")
    app = getattr(importlib.import_module(module), attribute)
    routes = getattr(app, "routes", None)
    if not isinstance(routes, dict):
        return None
    return {path: sorted(methods) for path, methods in sorted(routes.items()) if not path.startswith(LOCAL_ONLY_PREFIX)}


def binary_types(handler: str) -> list[str]:
    module, _, attribute = handler.partition(":")
    app = getattr(importlib.import_module(module), attribute)
    return list(getattr(getattr(app, "api", None), "binary_types", []))


class HttpApi(Construct):
    def __init__(
        self, scope: Construct, id: str, *, function: Function, handler: lambda_.IFunction, config: StageConfig
    ) -> None:
        super().__init__(scope, id)
        access_logs = logs.LogGroup(self, "AccessLogs", retention=retention(config.log_retention_days))
        routes = chalice_routes(function.handler)
        self.api = apigw.RestApi(
            self,
            "Rest",
            rest_api_name=physical_name(config.stage, function.name),
            description=function.purpose,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            binary_media_types=binary_types(function.handler) or None,
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name="api",
                throttling_rate_limit=config.api_rate_limit,
                throttling_burst_limit=config.api_burst_limit,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                metrics_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        integration = apigw.LambdaIntegration(handler, proxy=True, allow_test_invoke=False)
        if routes is None:
            self.api.root.add_proxy(default_integration=integration, any_method=True)
        else:
            for path, methods in routes.items():
                resource = self.api.root if path == "/" else self.api.root.resource_for_path(path)
                for method in methods:
                    resource.add_method(method, integration)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "Waf",
            name=physical_name(config.stage, "api"),
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(physical_name(config.stage, "api")),
            custom_response_bodies={
                TOO_MANY_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content=REFUSAL, content_type="APPLICATION_JSON"
                )
            },
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="rate-per-ip",
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=config.waf_rate_limit, aggregate_key_type="IP"
                        )
                    ),
                    visibility_config=_visibility("rate-per-ip"),
                ),
                *(_throttle_rule(limit, priority) for priority, limit in enumerate(LOGIN_LIMITS, start=1)),
            ],
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WafAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )


def _throttle_rule(limit: RateLimit, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    """One declared rate limit (shared/throttles.py) as a WAF rate-based rule: requests with its
    method whose path ends with its route are counted over its
    window, per source IP or all together (CONSTANT), and blocked with 429 + Retry-After."""
    matches = [
        wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(method={}),
                positional_constraint="EXACTLY",
                search_string=limit.method,
                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
            )
        ),
        wafv2.CfnWebACL.StatementProperty(
            regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                # after the stage prefix, with or without a trailing slash; doubled slashes and
                # dot segments are normalised first so they cannot slip past the count
                regex_string=re.escape(limit.path) + "/?$",
                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NORMALIZE_PATH")],
            )
        ),
    ]
    return wafv2.CfnWebACL.RuleProperty(
        name=limit.name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                    response_code=429,
                    custom_response_body_key=TOO_MANY_BODY,
                    response_headers=[
                        wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value=str(limit.window_seconds))
                    ],
                )
            )
        ),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=limit.requests,
                evaluation_window_sec=limit.window_seconds,
                aggregate_key_type="IP" if limit.per == "client" else "CONSTANT",
                scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                    and_statement=wafv2.CfnWebACL.AndStatementProperty(statements=matches)
                ),
            )
        ),
        visibility_config=_visibility(limit.name),
    )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name.replace("-", ""), sampled_requests_enabled=True
    )
