import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EnvVar, Handler, Metric } from "../../functions/ecr-deployer/contract.js";
import { EcrDeployer, InvalidPropError } from "../../modules/index.js";
import { mergedModule, type Tf } from "../support/module.js";

const module = mergedModule();
const resources = module.resource as Tf;
const queue = resources.aws_sqs_queue.deployer_rollout_queue;
const dlq = resources.aws_sqs_queue.deployer_rollout_dlq;
const rollout = resources.aws_lambda_function.deployer_rollout_function;
const push = resources.aws_lambda_function.deployer_function;
const mapping = resources.aws_lambda_event_source_mapping.deployer_rollout_mapping;

describe("the rollout queue and its DLQ", () => {
  it("are FIFO queues named after the rollout function, deduplicated per message group by the sender's id", () => {
    // Assess
    expect(queue.name).toBe("${var.name_prefix}-ecr-deployer-rollout.fifo");
    expect(dlq.name).toBe("${var.name_prefix}-ecr-deployer-rollout-dlq.fifo");
    for (const q of [queue, dlq]) {
      expect(q).toMatchObject({
        fifo_queue: true,
        content_based_deduplication: false,
        deduplication_scope: "messageGroup",
        fifo_throughput_limit: "perMessageGroupId",
        max_message_size: 262144,
        kms_master_key_id: "${var.kms_key_arn}",
        sqs_managed_sse_enabled: "${(var.kms_key_arn == null) ? true : null}",
      });
    }
  });

  it("moves an item to the DLQ after the configured receives, and keeps it there 14 days", () => {
    // Assess
    expect(queue.redrive_policy).toBe(
      '${jsonencode({"deadLetterTargetArn" = one(aws_sqs_queue.deployer_rollout_dlq[*].arn), "maxReceiveCount" = var.deployer_rollout_max_receive_count})}',
    );
    expect(dlq.message_retention_seconds).toBe(1_209_600);
    expect(queue.message_retention_seconds).toBe(345_600);
    expect(
      resources.aws_sqs_queue_redrive_allow_policy.deployer_rollout_dlq_redrive_allow_policy
        .redrive_allow_policy,
    ).toBe(
      '${jsonencode({"redrivePermission" = "byQueue", "sourceQueueArns" = [one(aws_sqs_queue.deployer_rollout_queue[*].arn)]})}',
    );
  });

  it("hides a received item for six times the rollout function's timeout", () => {
    // Assess
    expect(queue.visibility_timeout_seconds).toBe("${(6 * var.deployer_rollout_timeout)}");
    expect(rollout.timeout).toBe("${var.deployer_rollout_timeout}");
  });
});

describe("the rollout function", () => {
  it("runs the rollout handler of the deployer's zip with its own role and log group", () => {
    // Assess
    expect(rollout.handler).toBe(Handler.ROLLOUT);
    expect(push.handler).toBe(Handler.PUSH);
    expect(rollout.filename).toBe(push.filename);
    expect(rollout.source_code_hash).toBe(push.source_code_hash);
    expect(rollout.role).toBe("${one(aws_iam_role.deployer_rollout_role[*].arn)}");
    expect(rollout.logging_config.log_group).toBe(
      "${one(aws_cloudwatch_log_group.deployer_rollout_log_group[*].name)}",
    );
    expect(rollout.depends_on).toEqual([
      "aws_cloudwatch_log_group.deployer_rollout_log_group",
      "aws_iam_role_policy.deployer_rollout_role_policy",
    ]);
    expect(resources.aws_cloudwatch_log_group.deployer_rollout_log_group.retention_in_days).toBe(
      "${var.log_retention_in_days}",
    );
  });

  it("is fed by the queue in batches, reporting the items that failed", () => {
    // Assess
    expect(mapping).toMatchObject({
      count: "${var.create_deployer ? 1 : 0}",
      event_source_arn: "${one(aws_sqs_queue.deployer_rollout_queue[*].arn)}",
      function_name: "${one(aws_lambda_function.deployer_rollout_function[*].function_name)}",
      batch_size: "${var.deployer_rollout_batch_size}",
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: "${var.deployer_rollout_maximum_concurrency}" },
      depends_on: ["aws_iam_role_policy.deployer_rollout_role_policy"],
    });
  });

  it("gets the deployer's settings, the quota share and its queue's URL; the push function the same queue", () => {
    // Prepare
    const env = rollout.environment.variables;
    const pushEnv = push.environment.variables;

    // Assess
    const queueUrl = "${one(aws_sqs_queue.deployer_rollout_queue[*].url)}";
    expect(env[EnvVar.ROLLOUT_QUEUE_URL]).toBe(queueUrl);
    expect(pushEnv[EnvVar.ROLLOUT_QUEUE_URL]).toBe(queueUrl);
    expect(env[EnvVar.QUOTA_SHARE]).toBe("${tostring(var.deployer_quota_share)}");
    expect(pushEnv[EnvVar.QUOTA_SHARE]).toBe("${tostring(var.deployer_quota_share)}");
    expect(env.POWERTOOLS_SERVICE_NAME).toBe("${var.name_prefix}-ecr-deployer-rollout");
    expect(pushEnv.POWERTOOLS_SERVICE_NAME).toBe("${var.name_prefix}-ecr-deployer");
    const { ROLLOUT_QUEUE_URL: _a, POWERTOOLS_SERVICE_NAME: _b, ...shared } = env;
    const { ROLLOUT_QUEUE_URL: _c, POWERTOOLS_SERVICE_NAME: _d, ...pushShared } = pushEnv;
    expect(shared).toEqual(pushShared);
  });
});

describe("the deployer's alarms", () => {
  const alarms = resources.aws_cloudwatch_metric_alarm;

  it("watch the rollout's errors, DLQ and oldest item, and services with unreadable task definitions", () => {
    // Assess
    expect(alarms.deployer_rollout_errors_alarm).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: {
        FunctionName: "${one(aws_lambda_function.deployer_rollout_function[*].function_name)}",
      },
    });
    expect(alarms.deployer_rollout_dlq_alarm).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "${one(aws_sqs_queue.deployer_rollout_dlq[*].name)}" },
    });
    expect(alarms.deployer_rollout_age_alarm).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: "${one(aws_sqs_queue.deployer_rollout_queue[*].name)}" },
      threshold: "${var.deployer_rollout_age_alarm_seconds}",
      statistic: "Maximum",
    });
    expect(alarms.deployer_unreadable_task_definitions_alarm).toMatchObject({
      namespace: Metric.NAMESPACE,
      metric_name: Metric.UNREADABLE_TASK_DEFINITIONS,
      dimensions: {
        [Metric.SERVICE_DIMENSION]:
          "${one(aws_lambda_function.deployer_function[*].function_name)}",
      },
      statistic: "Sum",
      threshold: 0,
    });
    // The one dimension the push function's metrics carry (Powertools' service name).
    expect(Object.keys(alarms.deployer_unreadable_task_definitions_alarm.dimensions)).toEqual([
      "service",
    ]);
    for (const name of [
      "deployer_rollout_errors_alarm",
      "deployer_rollout_dlq_alarm",
      "deployer_rollout_age_alarm",
      "deployer_unreadable_task_definitions_alarm",
    ]) {
      expect(alarms[name].count, name).toBe(
        "${(var.create_deployer && var.create_alarms) ? 1 : 0}",
      );
    }
  });
});

describe("EcrDeployer with literal rollout props", () => {
  function synthDeployer(props: Record<string, unknown>): Tf {
    const stack = new TerraformStack(Testing.app(), "user");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new EcrDeployer(stack, "deployer", {
      code: { filename: "deployer.zip", sourceCodeHash: "h=" },
      regions: ["eu-west-1"],
      accountId: "123456789012",
      partition: "aws",
      ...props,
    });
    return JSON.parse(Testing.synth(stack)) as Tf;
  }

  it("renders literal settings as literals: six times the timeout, the batch and concurrency given", () => {
    // Act
    const tf = synthDeployer({
      rolloutTimeout: 120,
      rolloutBatchSize: 5,
      rolloutMaximumConcurrency: 3,
      rolloutMaxReceiveCount: 4,
      quotaShare: 0.25,
    });

    // Assess
    const queues = Object.values(tf.resource.aws_sqs_queue as Tf) as Tf[];
    const work = queues.find((q) => q.name === "ecs-ecr-deployer-rollout.fifo");
    expect(work?.visibility_timeout_seconds).toBe(720);
    expect(work?.redrive_policy).toContain('"maxReceiveCount" = 4');
    const esm = Object.values(tf.resource.aws_lambda_event_source_mapping as Tf)[0] as Tf;
    expect(esm.batch_size).toBe(5);
    expect(esm.scaling_config.maximum_concurrency).toBe(3);
    const fns = Object.values(tf.resource.aws_lambda_function as Tf) as Tf[];
    for (const fn of fns) expect(fn.environment.variables.QUOTA_SHARE).toBe("0.25");
  });

  it("takes tokens and leaves their checks to Terraform", () => {
    // Prepare
    const stack = new TerraformStack(Testing.app(), "user");
    const share = new TerraformVariable(stack, "share", { type: "number" });

    // Act
    new EcrDeployer(stack, "deployer", {
      code: { filename: "deployer.zip", sourceCodeHash: "h=" },
      regions: ["eu-west-1"],
      accountId: "123456789012",
      partition: "aws",
      quotaShare: share.numberValue,
    });
    const tf = JSON.parse(Testing.synth(stack)) as Tf;

    // Assess
    const fns = Object.values(tf.resource.aws_lambda_function as Tf) as Tf[];
    for (const fn of fns)
      expect(fn.environment.variables.QUOTA_SHARE).toBe("${tostring(var.share)}");
  });

  it.each([
    [{ quotaShare: 0 }, /quotaShare must be a number greater than 0 and at most 1, got 0/],
    [{ quotaShare: 2 }, /quotaShare must be .*got 2/],
    [{ rolloutTimeout: 30 }, /rolloutTimeout must be a whole number from 60 to 900, got 30/],
    [{ rolloutBatchSize: 20 }, /rolloutBatchSize must be a whole number from 1 to 10, got 20/],
    [
      { rolloutMaximumConcurrency: 1001 },
      /rolloutMaximumConcurrency must be a whole number from 2 to 1000, got 1001/,
    ],
    [
      { rolloutMaxReceiveCount: 0 },
      /rolloutMaxReceiveCount must be a whole number from 1 to 1000, got 0/,
    ],
    [
      { rolloutAgeAlarmSeconds: 1e9 },
      /rolloutAgeAlarmSeconds must be a whole number from 60 to 345600/,
    ],
  ])("rejects %j with the limit and the value", (props, message) => {
    // Act
    const act = () => synthDeployer(props);

    // Assess
    expect(act).toThrow(InvalidPropError);
    expect(act).toThrow(message);
  });
});
