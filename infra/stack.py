"""One stage of the system as a CDK stack, generated from shared/resources.py.

Nothing here names a table, queue, topic, bucket, function or schedule except through the
declaration: a resource added there appears here on the next synth. The few wiring facts the
declaration does not hold (which topic the SES receipt rule notifies, which bucket it stores
mail in) are the constants below, and each is checked against the declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack, Tags
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_ses as ses
from aws_cdk import aws_ses_actions as ses_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.access import DYNAMODB_ACTIONS, access_for
from infra.api import HttpApi
from infra.config import StageConfig
from infra.secure_parameter import SecureParameters, retention
from shared.resources import RESOURCES, Function, Resources, parameter_path, physical_name

# Wiring the declaration leaves to infra: SES stores each inbound reply in INBOUND_BUCKET and
# notifies INBOUND_TOPIC; bounces and complaints go to MAIL_EVENTS_TOPIC; End User Messaging SMS
# publishes two-way replies to SMS_TOPIC.
INBOUND_BUCKET = "inbound-mail"
INBOUND_TOPIC = "inbound-mail"
INBOUND_PREFIX = "inbound/"
MAIL_EVENTS_TOPIC = "mail-events"
SMS_TOPIC = "inbound-sms"
LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_11  # the project's Python (pyproject requires-python, CI)


@dataclass(frozen=True)
class Packages:
    """Built deployment packages (infra/packaging.py): a zip per function, and the layers."""

    functions: dict[str, Path]
    layers: dict[str, Path]
    function_layers: dict[str, tuple[str, ...]]


class TfcStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: StageConfig,
        packages: Packages,
        resources: Resources = RESOURCES,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        self.config = config
        self.resources = resources
        self.stage = config.stage
        Tags.of(self).add("project", "tfc")
        Tags.of(self).add("stage", config.stage)
        retain = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY

        self.key = self._topic_key()
        self.tables = {t.name: self._table(t, retain) for t in resources.tables}
        self.dlqs: dict[str, sqs.Queue] = {}
        self.queues = {q.name: self._queue(q) for q in resources.queues}
        self.topics = {t.name: self._topic(t.name) for t in resources.topics}
        for topic in resources.topics:
            for queue in topic.subscribers:
                self.topics[topic.name].add_subscription(subscriptions.SqsSubscription(self.queues[queue]))
        self.access_logs = self._access_log_bucket()
        self.buckets = {b.name: self._bucket(b) for b in resources.buckets}
        self.parameters = SecureParameters(
            self,
            "SecureParameters",
            paths={p.name: parameter_path(self.stage, p.name) for p in resources.parameters if p.secure},
            retain=config.retain_data,
            log_days=config.log_retention_days,
        )
        self._plain_parameters()
        self.configuration_set = self._mail(retain)
        self.layers = {
            name: lambda_.LayerVersion(
                self,
                f"Layer-{name}",
                layer_version_name=physical_name(self.stage, name),
                code=lambda_.Code.from_asset(str(path)),
                compatible_runtimes=[LAMBDA_RUNTIME],
                compatible_architectures=[lambda_.Architecture.X86_64],
                description=f"tfc {name} (built by infra/packaging.py)",
            )
            for name, path in packages.layers.items()
        }
        self.functions = {f.name: self._function(f, packages) for f in resources.functions}
        if not config.public_url and hasattr(self, "api"):
            # Links in emails (one-click unsubscribe) point at the API itself unless a domain is set.
            for function in resources.functions:
                if not function.http:
                    self.functions[function.name].add_environment("TFC_PUBLIC_URL", self.api.api.url)
        self.ops_topic = self._topic("ops")
        self._alarms()
        self._outputs()

    def _outputs(self) -> None:
        """What the runbook's first-deploy steps need, printed by `cdk deploy`."""
        if hasattr(self, "api"):
            CfnOutput(self, "ApiUrl", value=self.api.api.url, description="Public forms and API (tfc --api)")
        CfnOutput(self, "OpsTopic", value=self.ops_topic.topic_arn, description="Alarms are sent here")
        for parameter in self.resources.parameters:
            CfnOutput(
                self,
                f"Parameter{parameter.name.title().replace('-', '')}",
                value=parameter_path(self.stage, parameter.name),
                description=parameter.purpose,
            )
        if INBOUND_BUCKET in self.buckets and INBOUND_TOPIC in self.topics:
            CfnOutput(
                self,
                "ReceiptRuleSet",
                value=physical_name(self.stage, "inbound"),
                description="Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this>",
            )

    # --- data --------------------------------------------------------------------------------

    def _topic_key(self) -> kms.Key:
        """SNS topics are encrypted with this key; the AWS services that publish to them may use it."""
        key = kms.Key(
            self,
            "TopicKey",
            alias=f"alias/tfc-{self.stage}-topics",
            enable_key_rotation=True,
            description="tfc SNS topics (SES, SMS, CloudWatch alarms publish with it)",
            removal_policy=RemovalPolicy.RETAIN,
        )
        for service in ("ses", "sms-voice", "cloudwatch"):
            key.add_to_resource_policy(
                iam.PolicyStatement(
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    principals=[iam.ServicePrincipal(f"{service}.amazonaws.com")],
                    resources=["*"],  # in a key policy "*" means this key
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                )
            )
        return key

    def _table(self, table: object, retain: RemovalPolicy) -> dynamodb.Table:
        from shared.resources import Table

        assert isinstance(table, Table)
        created = dynamodb.Table(
            self,
            f"Table-{table.name}",
            table_name=physical_name(self.stage, table.name),
            partition_key=dynamodb.Attribute(name=table.pk, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=table.sk, type=dynamodb.AttributeType.STRING) if table.sk else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=table.ttl_attribute,
            deletion_protection=self.config.retain_data,
            removal_policy=retain,
        )
        for index in table.indexes:
            created.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.pk, type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=index.sk, type=dynamodb.AttributeType.STRING),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return created

    def _queue(self, queue: object) -> sqs.Queue:
        from shared.resources import Queue

        assert isinstance(queue, Queue)
        dlq = sqs.Queue(
            self,
            f"Dlq-{queue.name}",
            queue_name=physical_name(self.stage, queue.dlq_name),
            retention_period=Duration.days(queue.dlq_retention_days),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.dlqs[queue.name] = dlq
        return sqs.Queue(
            self,
            f"Queue-{queue.name}",
            queue_name=physical_name(self.stage, queue.name),
            visibility_timeout=Duration.seconds(self.resources.visibility_timeout(queue.name)),
            retention_period=Duration.days(queue.retention_days),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=queue.max_receive_count),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

    def _topic(self, name: str) -> sns.Topic:
        return sns.Topic(
            self,
            f"Topic-{name}",
            topic_name=physical_name(self.stage, name),
            master_key=self.key,
            enforce_ssl=True,
        )

    def _allow_publish(self, topic: sns.Topic, service: str) -> None:
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal(f"{service}.amazonaws.com")],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )

    def _access_log_bucket(self) -> s3.Bucket:
        return s3.Bucket(
            self,
            "AccessLogs",
            bucket_name=physical_name(self.stage, "access-logs"),
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=Duration.days(90), noncurrent_version_expiration=Duration.days(7))
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _bucket(self, bucket: object) -> s3.Bucket:
        from shared.resources import Bucket

        assert isinstance(bucket, Bucket)
        rules = [
            s3.LifecycleRule(
                id="tidy",
                abort_incomplete_multipart_upload_after=Duration.days(7),
                noncurrent_version_expiration=Duration.days(bucket.expire_days or 90),
                expiration=Duration.days(bucket.expire_days) if bucket.expire_days else None,
            )
        ]
        return s3.Bucket(
            self,
            f"Bucket-{bucket.name}",
            bucket_name=physical_name(self.stage, bucket.name),
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=rules,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{bucket.name}/",
            removal_policy=RemovalPolicy.RETAIN,  # never lose mail or results to a stack delete
        )

    def _plain_parameters(self) -> None:
        from aws_cdk import aws_ssm as ssm

        for parameter in self.resources.parameters:
            if not parameter.secure:
                ssm.StringParameter(
                    self,
                    f"Parameter-{parameter.name}",
                    parameter_name=parameter_path(self.stage, parameter.name),
                    string_value="-",
                    description=parameter.purpose,
                )

    # --- mail: sending identity, bounces and complaints, inbound replies ---------------------

    def _mail(self, retain: RemovalPolicy) -> ses.ConfigurationSet:
        configuration_set = ses.ConfigurationSet(
            self, "MailConfiguration", configuration_set_name=physical_name(self.stage, "mail")
        )
        if MAIL_EVENTS_TOPIC in self.topics:
            self._allow_publish(self.topics[MAIL_EVENTS_TOPIC], "ses")
            configuration_set.add_event_destination(
                "BouncesAndComplaints",
                destination=ses.EventDestination.sns_topic(self.topics[MAIL_EVENTS_TOPIC]),
                events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
            )
        ses.EmailIdentity(
            self,
            "SenderIdentity",
            identity=ses.Identity.domain(self.config.sender_domain),
            configuration_set=configuration_set,
        )
        if self.config.reply_domain != self.config.sender_domain:
            ses.EmailIdentity(self, "ReplyIdentity", identity=ses.Identity.domain(self.config.reply_domain))
        if INBOUND_BUCKET in self.buckets and INBOUND_TOPIC in self.topics:
            topic = self.topics[INBOUND_TOPIC]
            self._allow_publish(topic, "ses")
            ses.ReceiptRuleSet(
                self,
                "InboundRules",
                receipt_rule_set_name=physical_name(self.stage, "inbound"),
                rules=[
                    ses.ReceiptRuleOptions(
                        receipt_rule_name=physical_name(self.stage, "replies"),
                        recipients=[self.config.reply_domain],
                        scan_enabled=True,
                        tls_policy=ses.TlsPolicy.REQUIRE,
                        actions=[
                            ses_actions.S3(
                                bucket=self.buckets[INBOUND_BUCKET], object_key_prefix=INBOUND_PREFIX, topic=topic
                            )
                        ],
                    )
                ],
            )
        if SMS_TOPIC in self.topics:
            self._allow_publish(self.topics[SMS_TOPIC], "sms-voice")
        return configuration_set

    # --- functions ---------------------------------------------------------------------------

    def _function(self, function: Function, packages: Packages) -> lambda_.Function:
        if function.name not in packages.functions:
            raise ValueError(f"function {function.name}: no package built (run `make package`)")
        log_group = logs.LogGroup(
            self,
            f"Logs-{function.name}",
            log_group_name=f"/aws/lambda/{physical_name(self.stage, function.name)}",
            retention=retention(self.config.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"Role-{function.name}",
            role_name=physical_name(self.stage, function.name),
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"tfc {function.name}: only what its code calls",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        )
        self._grant(function, role)
        created = lambda_.Function(
            self,
            f"Function-{function.name}",
            function_name=physical_name(self.stage, function.name),
            description=function.purpose[:256],
            runtime=LAMBDA_RUNTIME,
            architecture=lambda_.Architecture.X86_64,
            handler=function.handler.replace(":", "."),
            code=lambda_.Code.from_asset(str(packages.functions[function.name])),
            layers=[self.layers[name] for name in packages.function_layers.get(function.name, ())],
            memory_size=function.memory_mb,
            timeout=Duration.seconds(function.timeout_seconds),
            environment=self.config.function_environment() | {"POWERTOOLS_SERVICE_NAME": function.service},
            role=role,
            log_group=log_group,
        )
        if function.sqs:
            created.add_event_source(
                sources.SqsEventSource(
                    self.queues[function.sqs.queue],
                    batch_size=function.sqs.batch_size,
                    max_batching_window=Duration.seconds(function.sqs.max_batching_window_seconds)
                    if function.sqs.max_batching_window_seconds
                    else None,
                    report_batch_item_failures=function.sqs.report_batch_item_failures,
                    max_concurrency=max(2, function.sqs.max_concurrency),
                )
            )
        if function.schedule:
            events.Rule(
                self,
                f"Schedule-{function.schedule.name}",
                rule_name=physical_name(self.stage, function.schedule.name),
                description=function.schedule.purpose,
                schedule=events.Schedule.expression(function.schedule.expression),
                targets=[targets.LambdaFunction(created, retry_attempts=2)],
            )
        if function.s3:
            key_filter = s3.NotificationKeyFilter(
                **{k: v for k, v in {"prefix": function.s3.prefix, "suffix": function.s3.suffix}.items() if v}
            )
            self.buckets[function.s3.bucket].add_event_notification(
                s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(created), key_filter
            )
        if function.http:
            self.api = HttpApi(self, "Api", function=function, handler=created, config=self.config)
        return created

    def _grant(self, function: Function, role: iam.Role) -> None:
        access = access_for(function)
        for name, level in sorted(access.tables.items()):
            table = self.tables[name]
            declared = self.resources.table(name)
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=list(DYNAMODB_ACTIONS[level]),
                    resources=[table.table_arn] + [f"{table.table_arn}/index/{i.name}" for i in declared.indexes],
                )
            )
        for name in sorted(access.publishes):
            self.queues[name].grant_send_messages(role)
        if access.reads_dlq_depths:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
                    resources=[self.dlqs[name].queue_arn for name in sorted(self.dlqs)],
                )
            )
        for name in sorted(access.reads_buckets):
            bucket = self.buckets[name]
            role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]))
            role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[bucket.arn_for_objects("*")]))
        for name, prefixes in sorted(access.deletes_objects.items()):
            bucket = self.buckets[name]
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["s3:DeleteObject"], resources=[bucket.arn_for_objects(f"{p}*") for p in prefixes]
                )
            )
        for name, prefixes in sorted(access.writes_objects.items()):
            bucket = self.buckets[name]
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["s3:PutObject"], resources=[bucket.arn_for_objects(f"{p}*") for p in prefixes]
                )
            )
        if access.secrets:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["ssm:GetParameter"],
                    resources=[
                        self.format_arn(
                            service="ssm", resource="parameter", resource_name=parameter_path(self.stage, s).lstrip("/")
                        )
                        for s in sorted(access.secrets)
                    ],
                )
            )
        if access.sends_email:
            sender = self.config.sender.split("<")[-1].strip(" >")
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["ses:SendEmail", "ses:SendRawEmail"],
                    resources=[
                        self.format_arn(service="ses", resource="identity", resource_name=self.config.sender_domain),
                        self.format_arn(service="ses", resource="identity", resource_name=sender),
                        self.format_arn(
                            service="ses",
                            resource="configuration-set",
                            resource_name=physical_name(self.stage, "mail"),
                        ),
                    ],
                )
            )
        if access.sends_sms:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["sms-voice:SendTextMessage"],
                    resources=[
                        self.format_arn(service="sms-voice", resource="phone-number", resource_name="*"),
                        self.format_arn(service="sms-voice", resource="pool", resource_name="*"),
                    ],
                )
            )

    # --- alarms ------------------------------------------------------------------------------

    def _alarms(self) -> None:
        if self.config.alarm_email:
            self.ops_topic.add_subscription(subscriptions.EmailSubscription(self.config.alarm_email))
        action = cw_actions.SnsAction(self.ops_topic)
        alarms: list[cloudwatch.Alarm] = []
        minute = Duration.minutes(1)
        for name, dlq in self.dlqs.items():
            alarms.append(
                dlq.metric_approximate_number_of_messages_visible(period=minute, statistic="Maximum").create_alarm(
                    self,
                    f"Alarm-dlq-{name}",
                    alarm_name=physical_name(self.stage, f"{name}-dlq-not-empty"),
                    alarm_description=f"Messages in {name}-dlq: see infra/README.md, 'Redriving a DLQ'",
                    threshold=0,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    evaluation_periods=1,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            )
        for name, queue in self.queues.items():
            alarms.append(
                queue.metric_approximate_age_of_oldest_message(period=minute, statistic="Maximum").create_alarm(
                    self,
                    f"Alarm-age-{name}",
                    alarm_name=physical_name(self.stage, f"{name}-oldest-message"),
                    alarm_description=f"{name}: oldest message older than "
                    f"{self.config.oldest_message_alarm_seconds} s (consumer stuck or throttled)",
                    threshold=self.config.oldest_message_alarm_seconds,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    evaluation_periods=5,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            )
        five = Duration.minutes(5)
        for name, function in self.functions.items():
            for kind, metric in (
                ("errors", function.metric_errors(period=five, statistic="Sum")),
                ("throttles", function.metric_throttles(period=five, statistic="Sum")),
            ):
                alarms.append(
                    metric.create_alarm(
                        self,
                        f"Alarm-{kind}-{name}",
                        alarm_name=physical_name(self.stage, f"{name}-{kind}"),
                        alarm_description=f"{name}: {kind} in the last 5 minutes",
                        threshold=0,
                        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                        evaluation_periods=1,
                        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                    )
                )
        for alarm in alarms:
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
