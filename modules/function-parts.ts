/**
 * The parts every function construct builds alike, in one place: its log group, the
 * encryption of its queues, its use of the customer KMS key, and the shape of its alarms.
 * Each helper takes the scope and id, so the resources keep the addresses they have.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueueConfig } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn, Op, Token } from "cdktf";
import type { Construct } from "constructs";
import type { LambdaCode } from "./event-driven-function.js";
import { type ServiceRole, serviceRole } from "./service-role.js";
import { attr } from "./terraform.js";
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

/** An alarm that fires when a metric is above 0 once in 5 minutes; no data is not a breach. */
export function firstOccurrence(
  count: number,
  alarmActions: string[] | undefined,
  tags: Record<string, string>,
): FirstOccurrence & { period: number; threshold: number } {
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
