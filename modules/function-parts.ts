/**
 * The parts every function construct builds alike, in one place: its log group, the
 * encryption of its queues, its use of the customer KMS key, and its alarms.
 * Each helper creates its resources in the scope given, under the id given or the one the
 * resource has always had, so the resources keep the addresses they have.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue, SqsQueueConfig } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn, Op, Token } from "cdktf";
import type { Construct } from "constructs";
import type { FunctionCommonProps, LambdaCode } from "./event-driven-function.js";
import { type ServiceRole, serviceRole } from "./service-role.js";
import { attr, both, countOf, type Toggle } from "./terraform.js";
import { DEFAULT_LOG_RETENTION_DAYS } from "./validation.js";

/**
 * What a function does with the customer KMS key: decrypt (read the secret, receive from
 * a queue) and, for a function that sends to a queue, generate data keys.
 */
export const KMS_ACTIONS = {
  DECRYPT_AND_ENCRYPT: ["kms:Decrypt", "kms:GenerateDataKey"],
  DECRYPT: ["kms:Decrypt"],
} as const;

/** The statement that lets a function use the customer KMS key (secret, queues). */
export function kmsStatement(
  keyArn: string,
  actions: readonly string[] = KMS_ACTIONS.DECRYPT_AND_ENCRYPT,
): DataAwsIamPolicyDocumentStatement {
  return { sid: "UseCustomerKmsKey", actions: [...actions], resources: [keyArn] };
}

/** The KMS statement of a literal key ARN (none without a key, none for a token). */
export function literalKmsStatements(
  kmsKeyArn: string | undefined,
  actions?: readonly string[],
): DataAwsIamPolicyDocumentStatement[] {
  return kmsKeyArn !== undefined && !Token.isUnresolved(kmsKeyArn)
    ? [kmsStatement(kmsKeyArn, actions)]
    : [];
}

/**
 * Adds the KMS statement of a key ARN given as a token to a policy document, as a dynamic
 * block rather than a counted document: a key created in the same configuration has an
 * unknown ARN at plan time, and a count on its null-ness would be unknown too.
 */
export function addKmsStatementOfToken(
  policy: DataAwsIamPolicyDocument,
  kmsKeyArn: string | undefined,
  actions?: readonly string[],
): void {
  if (kmsKeyArn === undefined || !Token.isUnresolved(kmsKeyArn)) return;
  policy.addOverride("dynamic.statement", {
    for_each: Fn.conditional(Op.eq(kmsKeyArn, Token.nullValue()), [], [kmsKeyArn]),
    content: kmsStatement("${statement.value}", actions),
  });
}

/** How a queue is encrypted: with the customer key when one is given, else SQS-managed SSE. */
export function queueEncryption(
  kmsKeyArn: string | undefined,
): Pick<SqsQueueConfig, "kmsMasterKeyId" | "sqsManagedSseEnabled"> {
  return {
    kmsMasterKeyId: kmsKeyArn,
    // SQS refuses both at once, and an explicit false still counts as set: managed SSE
    // only when no customer key is given, otherwise null (unset).
    sqsManagedSseEnabled:
      kmsKeyArn === undefined
        ? true
        : Token.asAny(Fn.conditional(Op.eq(kmsKeyArn, Token.nullValue()), true, Token.nullValue())),
  };
}

/** What a function's log group needs. */
export interface LogGroupProps {
  readonly count: number;
  /** The function's name: the group is `/aws/lambda/<name>`, where Lambda writes. */
  readonly functionName: string;
  readonly retentionInDays?: number;
  readonly kmsKeyArn?: string;
  readonly tags: Record<string, string>;
}

/**
 * A function's log group with retention. The function must depend on it, or its first
 * invocation creates one without retention and this one then fails with "already exists".
 */
export function functionLogGroup(
  scope: Construct,
  id: string,
  props: LogGroupProps,
): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, {
    count: props.count,
    name: `/aws/lambda/${props.functionName}`,
    retentionInDays: props.retentionInDays ?? DEFAULT_LOG_RETENTION_DAYS,
    kmsKeyId: props.kmsKeyArn,
    tags: props.tags,
  });
}

/** The props of a function construct that {@link functionBase} reads. */
export interface FunctionBaseProps
  extends Pick<
    FunctionCommonProps,
    "enabled" | "kmsKeyArn" | "logRetentionInDays" | "alarms" | "alarmActions" | "tags"
  > {
  /** The function's name: its log group is `/aws/lambda/<name>`. */
  readonly functionName: string;
}

/** What every function construct starts from. */
export interface FunctionBase {
  /** Whether the function and everything it owns exist. */
  readonly enabled: Toggle;
  /** `enabled` as the `count` of each resource. */
  readonly count: number;
  /** The tags of every resource. */
  readonly tags: Record<string, string>;
  /** The function's log group, `log_group` in the construct. */
  readonly logGroup: CloudwatchLogGroup;
  /** What every alarm of the function shares; its count is 0 unless alarms are on. */
  readonly alarm: FirstOccurrenceAlarm;
}

/** A function construct's toggle, count, tags and alarm settings from its props, and its log group. */
export function functionBase(scope: Construct, props: FunctionBaseProps): FunctionBase {
  const enabled = props.enabled ?? true;
  const count = countOf(enabled);
  const tags = props.tags ?? {};
  const logGroup = functionLogGroup(scope, "log_group", {
    count,
    functionName: props.functionName,
    retentionInDays: props.logRetentionInDays,
    kmsKeyArn: props.kmsKeyArn,
    tags,
  });
  const alarm = firstOccurrence(
    countOf(both(enabled, props.alarms ?? false)),
    props.alarmActions,
    tags,
  );
  return { enabled, count, tags, logGroup, alarm };
}

/** The settings an alarm that fires on the first occurrence in a 5-minute window shares. */
export type FirstOccurrence = Pick<
  CloudwatchMetricAlarmConfig,
  | "count"
  | "period"
  | "evaluationPeriods"
  | "threshold"
  | "comparisonOperator"
  | "treatMissingData"
  | "alarmActions"
  | "tags"
>;

/** {@link FirstOccurrence} with the period and threshold always set. */
export type FirstOccurrenceAlarm = FirstOccurrence & { period: number; threshold: number };

/** An alarm that fires when a metric is above 0 once in 5 minutes; no data is not a breach. */
export function firstOccurrence(
  count: number,
  alarmActions: string[] | undefined,
  tags: Record<string, string>,
): FirstOccurrenceAlarm {
  return {
    count,
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: alarmActions ?? [],
    tags,
  };
}

/** What the alarms on a function's errors and on its DLQ need beyond their shared settings. */
export interface FunctionAlarmsProps {
  /** The function's name; names the alarms. */
  readonly name: string;
  readonly fn: LambdaFunction;
  readonly dlq: SqsQueue;
  /** What the errors alarm says: what happens to the failed events or items. */
  readonly errorsDescription: string;
  /** What the DLQ alarm says: what waits there and what to do. */
  readonly dlqDescription: string;
}

/**
 * The alarms every function has, `errors_alarm` (the function failed) and `dlq_alarm`
 * (its DLQ is not empty), both with the settings of {@link FunctionBase.alarm}: they fire
 * on the first occurrence in a 5-minute window.
 */
export function functionAlarms(
  scope: Construct,
  alarm: FirstOccurrenceAlarm,
  props: FunctionAlarmsProps,
): void {
  new CloudwatchMetricAlarm(scope, "errors_alarm", {
    ...alarm,
    alarmName: `${props.name}-errors`,
    alarmDescription: props.errorsDescription,
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: attr(props.fn, "function_name") },
    statistic: "Sum",
  });
  new CloudwatchMetricAlarm(scope, "dlq_alarm", {
    ...alarm,
    alarmName: `${props.name}-dlq-not-empty`,
    alarmDescription: props.dlqDescription,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: attr(props.dlq, "name") },
    statistic: "Maximum",
  });
}

/** What a function's execution role needs. */
export interface FunctionRoleProps {
  readonly count: number;
  /** The function's name; names the role and its policy. */
  readonly name: string;
  /** The function's log group, the only one it may write to. */
  readonly logGroup: CloudwatchLogGroup;
  /** The statements after `WriteOwnLogs`. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  readonly sourcePolicyDocuments?: string[];
  readonly kmsKeyArn?: string;
  /** What the function does with the customer key. @default decrypt and encrypt */
  readonly kmsActions?: readonly string[];
  readonly tags: Record<string, string>;
}

/** A function's execution role: its own logs, the statements given, the customer key. */
export function functionRole(scope: Construct, props: FunctionRoleProps): ServiceRole {
  const role = serviceRole(scope, {
    count: props.count,
    name: props.name,
    description: `Execution role of ${props.name}`,
    service: "lambda.amazonaws.com",
    trustSid: "LambdaAssumesRole",
    sourcePolicyDocuments: props.sourcePolicyDocuments,
    statements: [
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${attr(props.logGroup, "arn")}:*`],
      },
      ...props.statements,
      ...literalKmsStatements(props.kmsKeyArn, props.kmsActions),
    ],
    tags: props.tags,
  });
  addKmsStatementOfToken(role.policy, props.kmsKeyArn, props.kmsActions);
  return role;
}

/** What a function of the module needs beyond what every one has alike. */
export interface ModuleFunctionProps {
  readonly count: number;
  readonly name: string;
  readonly description: string;
  readonly handler: string;
  readonly code: LambdaCode;
  readonly timeout: number;
  readonly memorySize: number;
  readonly reservedConcurrentExecutions: number;
  readonly environment: Record<string, string>;
  readonly role: ServiceRole["role"];
  readonly rolePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  readonly tags: Record<string, string>;
}

/** A Node.js 22 function on arm64 that logs JSON to its own log group. */
export function moduleFunction(
  scope: Construct,
  id: string,
  props: ModuleFunctionProps,
): LambdaFunction {
  return new LambdaFunction(scope, id, {
    count: props.count,
    functionName: props.name,
    description: props.description,
    role: attr(props.role, "arn"),
    runtime: "nodejs22.x",
    architectures: ["arm64"],
    handler: props.handler,
    filename: props.code.filename,
    sourceCodeHash: props.code.sourceCodeHash,
    timeout: props.timeout,
    memorySize: props.memorySize,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    environment: { variables: props.environment },
    loggingConfig: { logFormat: "JSON", logGroup: attr(props.logGroup, "name") },
    tags: props.tags,
    // Our log group first, or the first invocation creates one without retention and
    // ours then fails with "already exists"; the role's policy first, or that
    // invocation cannot write its logs or reach its queues.
    dependsOn: [props.logGroup, props.rolePolicy],
  });
}
