"""The synthesized template holds the rules the infra issue lists, for every declared resource."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from aws_cdk.assertions import Annotations, Match

from infra.access import ACCESS, scan_service
from infra.api import chalice_routes
from shared.resources import RESOURCES, physical_name

STAGE = "dev"


def _ref_id(value: Any) -> str:
    """The logical id a Ref / Fn::GetAtt points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    raise AssertionError(f"not a reference: {value!r}")


def _by_name(resources: dict[str, dict[str, Any]], prop: str) -> dict[str, str]:
    return {r["Properties"][prop]: k for k, r in resources.items() if prop in r["Properties"]}


def _statements(synth: Any) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for key, res in synth.resources("AWS::IAM::Policy").items():
        found += [(key, s) for s in res["Properties"]["PolicyDocument"]["Statement"]]
    for key, res in synth.resources("AWS::IAM::Role").items():
        for policy in res["Properties"].get("Policies", []):
            found += [(key, s) for s in policy["PolicyDocument"]["Statement"]]
    for kind in ("AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy"):
        for key, res in synth.resources(kind).items():
            found += [(key, s) for s in res["Properties"]["PolicyDocument"]["Statement"]]
    return found


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- queues and their consumers -------------------------------------------------------------------


def test_every_queue_has_a_dlq_with_the_declared_redrive_and_encryption(synth: Any) -> None:
    queues = synth.resources("AWS::SQS::Queue")
    names = _by_name(queues, "QueueName")
    assert len(queues) == 2 * len(RESOURCES.queues)
    for queue in RESOURCES.queues:
        props = queues[names[physical_name(STAGE, queue.name)]]["Properties"]
        redrive = props["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == queue.max_receive_count
        assert _ref_id(redrive["deadLetterTargetArn"]) == names[physical_name(STAGE, queue.dlq_name)]
        for name in (queue.name, queue.dlq_name):
            assert queues[names[physical_name(STAGE, name)]]["Properties"]["SqsManagedSseEnabled"] is True
    dlqs = {names[physical_name(STAGE, q.dlq_name)] for q in RESOURCES.queues}
    for key, res in queues.items():
        assert "RedrivePolicy" in res["Properties"] or key in dlqs, f"{key} has no dead-letter queue"


def test_visibility_timeout_is_at_least_six_times_the_consumer_timeout(synth: Any) -> None:
    queues = synth.resources("AWS::SQS::Queue")
    functions = synth.resources("AWS::Lambda::Function")
    mappings = synth.resources("AWS::Lambda::EventSourceMapping")
    assert len(mappings) == sum(1 for f in RESOURCES.functions if f.sqs)
    for mapping in mappings.values():
        props = mapping["Properties"]
        queue = queues[_ref_id(props["EventSourceArn"])]["Properties"]
        function = functions[_ref_id(props["FunctionName"])]["Properties"]
        assert queue["VisibilityTimeout"] >= 6 * function["Timeout"], (queue["QueueName"], function["FunctionName"])


def test_every_sqs_source_reports_batch_item_failures_with_a_maximum_concurrency(synth: Any) -> None:
    mappings = synth.resources("AWS::Lambda::EventSourceMapping")
    functions = synth.resources("AWS::Lambda::Function")
    for mapping in mappings.values():
        props = mapping["Properties"]
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        name = functions[_ref_id(props["FunctionName"])]["Properties"]["FunctionName"]
        declared = RESOURCES.function(name.removeprefix(f"tfc-{STAGE}-"))
        assert declared.sqs is not None
        assert props["ScalingConfig"]["MaximumConcurrency"] == max(2, declared.sqs.max_concurrency)
        assert props["BatchSize"] == declared.sqs.batch_size


# --- tables, buckets, topics ------------------------------------------------------------------------


def test_tables_have_pitr_encryption_ttl_and_the_declared_indexes(synth: Any) -> None:
    tables = synth.resources("AWS::DynamoDB::Table")
    names = _by_name(tables, "TableName")
    assert len(tables) == len(RESOURCES.tables)
    for table in RESOURCES.tables:
        props = tables[names[physical_name(STAGE, table.name)]]["Properties"]
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        if table.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {"AttributeName": table.ttl_attribute, "Enabled": True}
        assert sorted(i["IndexName"] for i in props.get("GlobalSecondaryIndexes", [])) == sorted(
            i.name for i in table.indexes
        )


def test_buckets_are_versioned_encrypted_private_with_lifecycle_and_tls_only(synth: Any) -> None:
    buckets = synth.resources("AWS::S3::Bucket")
    names = _by_name(buckets, "BucketName")
    policies = {_ref_id(p["Properties"]["Bucket"]): p for p in synth.resources("AWS::S3::BucketPolicy").values()}
    for bucket in RESOURCES.buckets:
        key = names[physical_name(STAGE, bucket.name)]
        props = buckets[key]["Properties"]
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert all(props["PublicAccessBlockConfiguration"].values())
        rules = props["LifecycleConfiguration"]["Rules"]
        if bucket.expire_days:
            assert any(r.get("ExpirationInDays") == bucket.expire_days for r in rules)
        assert any("NoncurrentVersionExpiration" in r for r in rules)
        denies = [s for s in policies[key]["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_topics_are_encrypted_and_subscribed_as_declared(synth: Any) -> None:
    topics = synth.resources("AWS::SNS::Topic")
    names = _by_name(topics, "TopicName")
    queues = _by_name(synth.resources("AWS::SQS::Queue"), "QueueName")
    subscriptions = [s["Properties"] for s in synth.resources("AWS::SNS::Subscription").values()]
    for topic in RESOURCES.topics:
        key = names[physical_name(STAGE, topic.name)]
        assert "KmsMasterKeyId" in topics[key]["Properties"]
        subscribed = {_ref_id(s["Endpoint"]) for s in subscriptions if _ref_id(s["TopicArn"]) == key}
        assert subscribed == {queues[physical_name(STAGE, q)] for q in topic.subscribers}


def test_ses_receipt_rule_stores_replies_in_the_inbound_bucket_and_notifies_the_topic(synth: Any) -> None:
    rules = list(synth.resources("AWS::SES::ReceiptRule").values())
    assert len(rules) == 1
    rule = rules[0]["Properties"]["Rule"]
    assert rule["Enabled"] is True and rule["ScanEnabled"] is True
    assert rule["Recipients"] == ["reply.techforcampaigns.test"]
    action = rule["Actions"][0]["S3Action"]
    buckets = _by_name(synth.resources("AWS::S3::Bucket"), "BucketName")
    topics = _by_name(synth.resources("AWS::SNS::Topic"), "TopicName")
    assert _ref_id(action["BucketName"]) == buckets[physical_name(STAGE, "inbound-mail")]
    assert _ref_id(action["TopicArn"]) == topics[physical_name(STAGE, "inbound-mail")]


def test_secure_parameters_are_created_without_their_value_in_the_template(synth: Any) -> None:
    created = synth.resources("Custom::SecureParameter")
    assert sorted(r["Properties"]["Name"] for r in created.values()) == sorted(
        f"/tfc/{STAGE}/{p.name}" for p in RESOURCES.parameters if p.secure
    )
    assert all(set(r["Properties"]) == {"ServiceToken", "Name", "Description", "Retain"} for r in created.values())


# --- functions, roles, schedules, API --------------------------------------------------------------


def test_functions_match_the_declaration_with_the_environment_settings_reads(synth: Any) -> None:
    functions = _by_name(synth.resources("AWS::Lambda::Function"), "FunctionName")
    res = synth.resources("AWS::Lambda::Function")
    for function in RESOURCES.functions:
        props = res[functions[physical_name(STAGE, function.name)]]["Properties"]
        assert props["Handler"] == function.handler.replace(":", ".")
        assert props["Timeout"] == function.timeout_seconds
        assert props["MemorySize"] == function.memory_mb
        assert props["Runtime"] == "python3.11"
        env = props["Environment"]["Variables"]
        assert env["TFC_STAGE"] == STAGE and env["TFC_SMS_ADAPTER"] == "eum"
        assert {"TFC_SENDER", "TFC_REPLY_DOMAIN", "TFC_POSTAL_ADDRESS"} <= set(env)
        layers = len(props.get("Layers", []))
        assert layers == len(synth.packages.function_layers[function.name])


def test_every_function_has_its_own_role(synth: Any) -> None:
    roles = [_ref_id(f["Properties"]["Role"]) for f in synth.resources("AWS::Lambda::Function").values()]
    assert len(roles) == len(set(roles))


def test_no_wildcard_actions_in_any_allow_statement(synth: Any) -> None:
    for key, statement in _statements(synth):
        if statement["Effect"] != "Allow":
            continue
        for action in _listify(statement["Action"]):
            assert "*" not in action, f"{key} allows {action}"
    # The one exception: a KMS key policy's statement delegating the key to the account's IAM
    # (AWS's default key policy; without it nobody could administer the key). Nothing else.
    for key, res in synth.resources("AWS::KMS::Key").items():
        for statement in res["Properties"]["KeyPolicy"]["Statement"]:
            if any("*" in a for a in _listify(statement["Action"])):
                principal = json.dumps(statement["Principal"])
                assert statement["Action"] == "kms:*" and ":root" in principal, f"{key}: {statement}"


def _function_policy(synth: Any, function: str) -> list[dict[str, Any]]:
    functions = synth.resources("AWS::Lambda::Function")
    key = _by_name(functions, "FunctionName")[physical_name(STAGE, function)]
    role = _ref_id(functions[key]["Properties"]["Role"])
    found = []
    for policy in synth.resources("AWS::IAM::Policy").values():
        if any(_ref_id(r) == role for r in policy["Properties"]["Roles"]):
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def test_each_role_sends_only_to_the_queues_its_code_publishes_to(synth: Any) -> None:
    queues = {v: k for k, v in _by_name(synth.resources("AWS::SQS::Queue"), "QueueName").items()}
    for function in RESOURCES.functions:
        statements = _function_policy(synth, function.name)
        targets = {
            queues[_ref_id(r)].removeprefix(f"tfc-{STAGE}-")
            for s in statements
            if "sqs:SendMessage" in _listify(s["Action"])
            for r in _listify(s["Resource"])
        }
        if function.name not in ACCESS:
            continue  # granted from the scan of its service (infra/access.py)
        assert targets == set(ACCESS[function.name].publishes), function.name
        actions = {a for s in statements for a in _listify(s["Action"])}
        assert ("ses:SendEmail" in actions) == ACCESS[function.name].sends_email, function.name
        assert ("sms-voice:SendTextMessage" in actions) == ACCESS[function.name].sends_sms, function.name
        assert ("s3:GetObject" in actions) == bool(ACCESS[function.name].reads_buckets or function.s3), function.name
        assert ("s3:PutObject" in actions) == bool(ACCESS[function.name].writes_objects), function.name


def test_scoring_may_move_a_refused_file_out_of_results_and_nothing_else(synth: Any) -> None:
    statements = _function_policy(synth, "scoring-run")

    def prefixes(action: str) -> set[str]:
        found = set()
        for s in statements:
            if action in _listify(s["Action"]):
                for r in _listify(s["Resource"]):
                    found.update(re.findall(r"/([a-z-]+/)\*", json.dumps(r)))
        return found

    assert prefixes("s3:DeleteObject") == {"results/"}
    assert prefixes("s3:PutObject") == {"reports/", "rejected/"}


def test_declared_access_agrees_with_what_each_service_calls() -> None:
    for service in {f.service for f in RESOURCES.functions}:
        declared = [ACCESS[f.name] for f in RESOURCES.functions if f.service == service and f.name in ACCESS]
        if not declared:
            continue
        uses = scan_service(service)
        assert set().union(*(a.publishes for a in declared)) == uses.queues, service
        assert set().union(*(a.secrets for a in declared)) == uses.secrets, service
        tables: dict[str, str] = {}
        for access in declared:
            for name, level in access.tables.items():
                tables[name] = "write" if "write" in (level, tables.get(name)) else "read"
        assert tables == uses.tables, service
        assert any(a.sends_email for a in declared) == ("sesv2" in uses.aws), service
        assert any(a.sends_sms for a in declared) == ("pinpoint-sms-voice-v2" in uses.aws), service
        if any(a.reads_dlq_depths for a in declared):
            assert "sqs" in uses.aws, service
        assert uses.buckets <= set().union(*(a.reads_buckets for a in declared)), service
        assert uses.puts_objects == any(a.writes_objects for a in declared), service


def test_schedules_fire_their_functions(synth: Any) -> None:
    rules = synth.resources("AWS::Events::Rule")
    functions = synth.resources("AWS::Lambda::Function")
    found = {
        r["Properties"]["Name"]: (
            r["Properties"]["ScheduleExpression"],
            functions[_ref_id(r["Properties"]["Targets"][0]["Arn"])]["Properties"]["FunctionName"],
        )
        for r in rules.values()
    }
    assert found == {
        physical_name(STAGE, s.name): (s.expression, physical_name(STAGE, f.name)) for s, f in RESOURCES.schedules
    }


def test_api_serves_every_chalice_route_with_stage_throttling_and_a_waf_rate_rule(synth: Any) -> None:
    methods = synth.resources("AWS::ApiGateway::Method")
    http = [f for f in RESOURCES.functions if f.http]
    routes = chalice_routes(http[0].handler)
    assert routes is not None
    assert len(methods) == sum(len(m) for m in routes.values())
    stage = next(iter(synth.resources("AWS::ApiGateway::Stage").values()))["Properties"]
    throttle = stage["MethodSettings"][0]
    assert throttle["ThrottlingRateLimit"] > 0 and throttle["ThrottlingBurstLimit"] > 0
    assert "AccessLogSetting" in stage
    acl = next(iter(synth.resources("AWS::WAFv2::WebACL").values()))["Properties"]
    assert acl["Rules"][0]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert len(synth.resources("AWS::WAFv2::WebACLAssociation")) == 1


# --- alarms ----------------------------------------------------------------------------------------


def test_alarms_on_every_dlq_oldest_message_and_function_errors_and_throttles(synth: Any) -> None:
    alarms = [a["Properties"] for a in synth.resources("AWS::CloudWatch::Alarm").values()]
    topics = _by_name(synth.resources("AWS::SNS::Topic"), "TopicName")
    ops = topics[physical_name(STAGE, "ops")]
    queues = _by_name(synth.resources("AWS::SQS::Queue"), "QueueName")
    functions = _by_name(synth.resources("AWS::Lambda::Function"), "FunctionName")

    def watched(metric: str) -> set[str]:
        return {
            _ref_id(d["Value"]) if isinstance(d["Value"], dict) else d["Value"]
            for a in alarms
            if a["MetricName"] == metric
            for d in a["Dimensions"]
        }

    for a in alarms:
        assert [_ref_id(x) for x in a["AlarmActions"]] == [ops]
    dlqs = {queues[physical_name(STAGE, q.dlq_name)] for q in RESOURCES.queues}
    assert dlqs <= watched("ApproximateNumberOfMessagesVisible")
    assert {queues[physical_name(STAGE, q.name)] for q in RESOURCES.queues} <= watched("ApproximateAgeOfOldestMessage")
    for metric in ("Errors", "Throttles"):
        assert {functions[physical_name(STAGE, f.name)] for f in RESOURCES.functions} <= watched(metric)


# --- scanners ---------------------------------------------------------------------------------------


def test_cdk_nag_finds_no_unsuppressed_error_and_every_suppression_has_a_reason(synth: Any) -> None:
    errors = Annotations.from_stack(synth.stack).find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert [f"{e.id}: {str(e.entry.data)[:120]}" for e in errors] == []
    suppressions = [
        rule
        for res in synth.json["Resources"].values()
        for rule in res.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert suppressions
    assert all(len(rule["reason"]) >= 40 for rule in suppressions)


def test_cfn_lint_finds_no_errors(synth: Any) -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(cfn_lint), "--non-zero-exit-code", "error", str(synth.path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_functions_that_write_links_know_the_public_https_url(synth: Any) -> None:
    """Unsubscribe links (RFC 8058 needs https) point at the deployed API when no domain is configured."""
    functions = _by_name(synth.resources("AWS::Lambda::Function"), "FunctionName")
    props = synth.resources("AWS::Lambda::Function")[functions[physical_name(STAGE, "notify-send")]]["Properties"]
    url = props["Environment"]["Variables"]["TFC_PUBLIC_URL"]
    assert "https://" in json.dumps(url), url
