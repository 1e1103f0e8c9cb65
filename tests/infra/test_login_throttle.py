"""The log-in throttle's WAF rules are the declaration's limits (shared/throttles.py), the same
ones the local gateway enforces: one rate-based rule per limit, counting POSTs to the log-in route
per IP or from everyone, answering 429 with Retry-After and our refusal's JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from shared.throttles import LOGIN_LIMITS, REFUSAL


def test_each_login_limit_is_a_waf_rate_rule_answering_429_with_retry_after(synth: Any) -> None:
    acl = next(iter(synth.resources("AWS::WAFv2::WebACL").values()))["Properties"]
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    assert len({rule["Priority"] for rule in acl["Rules"]}) == len(acl["Rules"])  # WAF needs distinct priorities
    for limit in LOGIN_LIMITS:
        rule = rules[limit.name]
        rated = rule["Statement"]["RateBasedStatement"]
        assert (rated["Limit"], rated["EvaluationWindowSec"]) == (limit.requests, limit.window_seconds)
        assert rated["AggregateKeyType"] == {"client": "IP", "everyone": "CONSTANT"}[limit.per]
        method, path = rated["ScopeDownStatement"]["AndStatement"]["Statements"]
        assert method["ByteMatchStatement"]["SearchString"] == limit.method
        assert method["ByteMatchStatement"]["PositionalConstraint"] == "EXACTLY"
        pattern = path["RegexMatchStatement"]["RegexString"]
        for seen in ("/api/console/login", "/api/console/login/", "/console/login"):
            assert re.search(pattern, seen), seen  # with API Gateway's stage prefix or without
        for other in ("/api/console/logout", "/api/console/login/x", "/api/console"):
            assert not re.search(pattern, other), other
        answer = rule["Action"]["Block"]["CustomResponse"]
        assert answer["ResponseCode"] == 429
        assert answer["ResponseHeaders"] == [{"Name": "Retry-After", "Value": str(limit.window_seconds)}]
        body = acl["CustomResponseBodies"][answer["CustomResponseBodyKey"]]
        assert body["ContentType"] == "APPLICATION_JSON"
        assert body["Content"] == REFUSAL and json.loads(REFUSAL)["errors"][0]["field"] == "ops_key"
