import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Fn, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { FIFO_QUEUE_SUFFIX } from "../functions/ecr-deployer/contract.js";
import { DLQ_SUFFIX } from "../functions/shared/contract.js";
import type { FunctionCommonProps, LambdaCode } from "./event-driven-function.js";
import {
  functionAlarms,
  functionBase,
  functionRole,
  KMS_ACTIONS,
  moduleFunction,
  queueEncryption,
} from "./function-parts.js";
import {
  DLQ_RETENTION_SECONDS,
  QueueFunctionDefaults,
  VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT,
  WORK_QUEUE_MAX_MESSAGE_BYTES,
  WORK_QUEUE_RETENTION_SECONDS,
} from "./limits.js";
import { attr } from "./terraform.js";
import { checkFifoQueueFunctionProps } from "./validation.js";

/** What the work queue and its DLQ share: FIFO in high-throughput mode. */
const FIFO = {
  fifoQueue: true,
  // The sender sets a deduplication id per item; the body alone says nothing.
  contentBasedDeduplication: false,
  // Limits and deduplication per message group (one group per account and region).
  deduplicationScope: "messageGroup",
  fifoThroughputLimit: "perMessageGroupId",
} as const;

/** Properties of {@link FifoQueueFunction}. */
export interface FifoQueueFunctionProps
  extends Omit<FunctionCommonProps, "logLevel" | "forwarding"> {
  /** The function name; also names its role, log group, queue and DLQ. */
  readonly functionName: string;
  /** What the function does, for the Lambda console. */
  readonly description: string;
  /** The deployment package. */
  readonly code: LambdaCode;
  /** The handler in the package (`index.rolloutHandler`). */
  readonly handler: string;
  /** Environment variables. Never put secrets here. */
  readonly environment: Record<string, string>;
  /**
   * The environment variable that gets the work queue's URL, for a handler that changes
   * the visibility of the items it hands back.
   * @default - none
   */
  readonly queueUrlVariable?: string;
  /** The IAM statements the function needs beyond logs and consuming its queue. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /**
   * Further policy documents (JSON) merged into the function's policy (a list token works).
   * @default []
   */
  readonly sourcePolicyDocuments?: string[];
  /**
   * Function timeout in seconds; the queue's visibility timeout is six times it.
   * @default 300
   */
  readonly timeout?: number;
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Most items one invocation gets (1–10 for a FIFO queue).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Most concurrent invocations the queue's event source starts (2–1000). A FIFO queue
   * also runs at most one batch per message group at a time.
   * @default 10
   */
  readonly maximumConcurrency?: number;
  /**
   * Receives of an item before SQS moves it to the DLQ (1–1000).
   * @default 10
   */
  readonly maxReceiveCount?: number;
  /**
   * Age in seconds of the oldest waiting item above which the age alarm fires.
   * @default 3600
   */
  readonly ageAlarmSeconds?: number;
}

/**
 * A Lambda function fed by an SQS FIFO work queue through an event source mapping that
 * reports partial batch failures, with everything that keeps its items safe: the queue's
 * FIFO DLQ (a redrive policy moves an item there after `maxReceiveCount` receives, and
 * only this queue may use it), its own role and log group with retention, and optional
 * alarms on errors, the DLQ and the age of the oldest item.
 *
 * Every resource is counted by `enabled`, so a Terraform variable can turn it all off.
 */
export class FifoQueueFunction extends Construct {
  /** The function's ARN (null when disabled). */
  public readonly functionArn: string;
  /** The function's name (null when disabled). */
  public readonly functionName: string;
  /** The execution role's ARN (null when disabled). */
  public readonly roleArn: string;
  /** The log group's name (null when disabled). */
  public readonly logGroupName: string;
  /** The work queue's URL (null when disabled). */
  public readonly queueUrl: string;
  /** The work queue's ARN (null when disabled). */
  public readonly queueArn: string;
  /** The DLQ's URL (null when disabled). */
  public readonly dlqUrl: string;
  /** The DLQ's ARN (null when disabled). */
  public readonly dlqArn: string;

  constructor(scope: Construct, id: string, props: FifoQueueFunctionProps) {
    super(scope, id);
    checkFifoQueueFunctionProps(props);
    const { count, tags, logGroup, alarm } = functionBase(this, props);
    const name = props.functionName;
    const D = QueueFunctionDefaults;
    const timeout = props.timeout ?? D.TIMEOUT;

    const dlqName = `${name}${DLQ_SUFFIX}${FIFO_QUEUE_SUFFIX}`;
    const dlq = new SqsQueue(this, "dlq", {
      count,
      // The DLQ of a FIFO queue must be a FIFO queue too.
      name: dlqName,
      ...FIFO,
      maxMessageSize: WORK_QUEUE_MAX_MESSAGE_BYTES,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      ...queueEncryption(props.kmsKeyArn),
      tags,
    });

    const queue = new SqsQueue(this, "queue", {
      count,
      name: `${name}${FIFO_QUEUE_SUFFIX}`,
      ...FIFO,
      maxMessageSize: WORK_QUEUE_MAX_MESSAGE_BYTES,
      visibilityTimeoutSeconds:
        typeof timeout === "number" && !Token.isUnresolved(timeout)
          ? VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT * timeout
          : Token.asNumber(Op.mul(VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT, timeout)),
      messageRetentionSeconds: WORK_QUEUE_RETENTION_SECONDS,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: attr(dlq, "arn"),
        maxReceiveCount: props.maxReceiveCount ?? D.MAX_RECEIVE_COUNT,
      }),
      ...queueEncryption(props.kmsKeyArn),
      tags,
    });

    // Only the work queue may move items into its DLQ.
    new SqsQueueRedriveAllowPolicy(this, "dlq_redrive_allow_policy", {
      count,
      queueUrl: attr(dlq, "url"),
      redriveAllowPolicy: Fn.jsonencode({
        redrivePermission: "byQueue",
        sourceQueueArns: [attr(queue, "arn")],
      }),
    });

    const { role, rolePolicy } = functionRole(this, {
      count,
      name,
      logGroup,
      sourcePolicyDocuments: props.sourcePolicyDocuments,
      statements: [
        {
          // The event source reads and deletes; the function hides a throttled item longer.
          sid: "ConsumeOwnQueue",
          actions: [
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ReceiveMessage",
          ],
          resources: [attr(queue, "arn")],
        },
        ...props.statements,
      ],
      kmsKeyArn: props.kmsKeyArn,
      // Receiving from an encrypted queue needs only Decrypt.
      kmsActions: KMS_ACTIONS.DECRYPT,
      tags,
    });

    const fn = moduleFunction(this, "function", {
      count,
      name,
      description: props.description,
      handler: props.handler,
      code: props.code,
      timeout,
      memorySize: props.memorySize ?? D.MEMORY_SIZE,
      // Unreserved: the event source's maximum concurrency bounds it without taking any
      // of the account's concurrency away from other functions.
      reservedConcurrentExecutions: -1,
      environment: {
        ...props.environment,
        ...(props.queueUrlVariable !== undefined && {
          [props.queueUrlVariable]: attr(queue, "url"),
        }),
      },
      role,
      rolePolicy,
      logGroup,
      tags,
    });

    new LambdaEventSourceMapping(this, "mapping", {
      count,
      functionName: attr(fn, "function_name"),
      eventSourceArn: attr(queue, "arn"),
      batchSize: props.batchSize ?? D.BATCH_SIZE,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: props.maximumConcurrency ?? D.MAXIMUM_CONCURRENCY },
      tags,
      // Lambda checks at creation that the role may receive from the queue.
      dependsOn: [rolePolicy],
    });

    functionAlarms(this, alarm, {
      name,
      fn,
      dlq,
      errorsDescription: `${name} failed at least once in 5 minutes; its items are received again and, after the last receive, wait in ${dlqName}.`,
      dlqDescription: `Items wait in ${dlqName}: fix the cause, then redrive them.`,
    });
    new CloudwatchMetricAlarm(this, "age_alarm", {
      ...alarm,
      alarmName: `${name}-queue-behind`,
      alarmDescription: `The oldest item in ${name}${FIFO_QUEUE_SUFFIX} has waited longer than the threshold (seconds): ${name} is stuck or far behind.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: attr(queue, "name") },
      statistic: "Maximum",
      threshold: props.ageAlarmSeconds ?? D.AGE_ALARM_SECONDS,
    });

    this.functionArn = attr(fn, "arn");
    this.functionName = attr(fn, "function_name");
    this.roleArn = attr(role, "arn");
    this.logGroupName = attr(logGroup, "name");
    this.queueUrl = attr(queue, "url");
    this.queueArn = attr(queue, "arn");
    this.dlqUrl = attr(dlq, "url");
    this.dlqArn = attr(dlq, "arn");
  }
}
