"""The HTTP API: API Gateway (REST) in front of the chalice app's Lambda, with stage throttling,
access logs and a WAF rate rule.

Plain CDK rather than the chalice CDK construct: that construct runs `chalice package`, which
downloads wheels at synth time, and `make synth` must work offline. The routes still come from
the chalice app itself (one API Gateway resource and method per chalice route, as `chalice
package` would emit), so chalice sees the same `resourcePath` it routes on. A handler that is not
a chalice app gets a catch-all proxy.
"""

from __future__ import annotations

import importlib

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.config import StageConfig
from infra.secure_parameter import retention
from shared.resources import Function, physical_name

LOCAL_ONLY_PREFIX = "/_local"  # the local runtime's outbox and inbound injection: never deployed


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
                )
            ],
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WafAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name.replace("-", ""), sampled_requests_enabled=True
    )
