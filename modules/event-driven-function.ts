import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { DLQ_SUFFIX } from "../functions/shared/contract.js";
import {
  functionAlarms,
  functionBase,
  functionRole,
  moduleFunction,
  queueEncryption,
} from "./function-parts.js";
import { DLQ_RETENTION_SECONDS } from "./limits.js";
import { attr, type Toggle } from "./terraform.js";
import { checkEventDrivenFunctionProps } from "./validation.js";

/** Where a function's deployment package is, as Terraform will see it. */
export interface LambdaCode {
  /** Path of the zip, e.g. `${path.module}/dist/deployment-tracker.zip`. */
  readonly filename: string;
  /** Base64 SHA-256 of the zip bytes (what `filebase64sha256()` gives). */
  readonly sourceCodeHash: string;
}

/** Cross-region event forwarding into the home region's default bus. */
export interface EventForwarding {
  /** The regions (other than the home region) whose matching events are forwarded. A list or a token. */
  readonly regions: string[];
  /** ARN of the home region's default event bus. */
  readonly homeEventBusArn: string;
  /** Role EventBridge assumes to put events on the home bus. */
  readonly roleArn: string;
}

/** Properties every function construct takes alike. */
export interface FunctionCommonProps {
  /**
   * Whether to create the function and everything it owns.
   * @default true
   */
  readonly enabled?: Toggle;
  /**
   * Customer KMS key for the log group, the DLQ (and the tracker's secret).
   * @default - AWS-managed keys
   */
  readonly kmsKeyArn?: string;
  /**
   * Powertools log level.
   * @default "INFO"
   */
  readonly logLevel?: string;
  /**
   * Days to keep logs.
   * @default 30
   */
  readonly logRetentionInDays?: number;
  /**
   * Forward matching events from other regions to the home region.
   * @default - no forwarding
   */
  readonly forwarding?: EventForwarding;
  /**
   * Whether to create CloudWatch alarms on function errors and DLQ depth.
   * @default false
   */
  readonly alarms?: Toggle;
  /**
   * Alarm actions (e.g. SNS topic ARNs).
   * @default []
   */
  readonly alarmActions?: string[];
  /**
   * Tags for every resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/** The {@link EventDrivenFunctionProps} a function construct passes through unchanged. */
export function commonFunctionProps(props: FunctionCommonProps): Partial<EventDrivenFunctionProps> {
  return {
    kmsKeyArn: props.kmsKeyArn,
    logRetentionInDays: props.logRetentionInDays,
    forwarding: props.forwarding,
    alarms: props.alarms,
    alarmActions: props.alarmActions,
    tags: props.tags ?? {},
  };
}

/** Properties of {@link EventDrivenFunction}. */
export interface EventDrivenFunctionProps extends Omit<FunctionCommonProps, "logLevel"> {
  /** The function name; also names the role, log group, rule and queue. */
  readonly functionName: string;
  /** What the function does, for the Lambda console. */
  readonly description: string;
  /** The deployment package. */
  readonly code: LambdaCode;
  /** Environment variables. Never put secrets here. */
  readonly environment: Record<string, string>;
  /** The IAM statements the function needs beyond logs and its own DLQ. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /**
   * Further policy documents (JSON) merged into the function's policy, for statements
   * that exist only on some inputs (a list token such as `data.x[*].json` works).
   * @default []
   */
  readonly sourcePolicyDocuments?: string[];
  /** The EventBridge event pattern (JSON), literal or a token. */
  readonly eventPattern: string;
  /** The rule's description. */
  readonly ruleDescription: string;
  /**
   * Function timeout in seconds.
   * @default 60
   */
  readonly timeout?: number;
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency; -1 for none.
   * @default -1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Lambda async retries before the event goes to the DLQ (0–2).
   * @default 2
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Oldest event age Lambda still processes, seconds (60–21600).
   * @default 21600
   */
  readonly maximumEventAgeInSeconds?: number;
}

/**
 * A Lambda function triggered by an EventBridge rule, with everything that keeps its
 * events safe: its own role, log group with retention, a DLQ that receives both the
 * rule's undeliverable events and the function's failed async invocations, target retry
 * policy, async invoke config, optional alarms and cross-region forwarding rules.
 *
 * Every resource is counted by `enabled`, so a Terraform variable can turn it all off.
 */
export class EventDrivenFunction extends Construct {
  /** The function's ARN (null when disabled). */
  public readonly functionArn: string;
  /** The function's name (null when disabled). */
  public readonly functionName: string;
  /** The execution role's ARN (null when disabled). */
  public readonly roleArn: string;
  /** The DLQ's URL (null when disabled). */
  public readonly dlqUrl: string;
  /** The DLQ's ARN (null when disabled). */
  public readonly dlqArn: string;
  /** The rule's ARN (null when disabled). */
  public readonly ruleArn: string;
  /** The log group's name (null when disabled). */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: EventDrivenFunctionProps) {
    super(scope, id);
    checkEventDrivenFunctionProps(props);
    const { enabled, count, tags, logGroup, alarm } = functionBase(this, props);
    const name = props.functionName;

    const dlq = new SqsQueue(this, "dlq", {
      count,
      name: `${name}${DLQ_SUFFIX}`,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      ...queueEncryption(props.kmsKeyArn),
      tags,
    });

    const { role, rolePolicy } = functionRole(this, {
      count,
      name,
      logGroup,
      sourcePolicyDocuments: props.sourcePolicyDocuments,
      statements: [
        {
          sid: "SendFailedEventsToOwnDlq",
          actions: ["sqs:SendMessage"],
          resources: [attr(dlq, "arn")],
        },
        ...props.statements,
      ],
      kmsKeyArn: props.kmsKeyArn,
      tags,
    });

    const fn = moduleFunction(this, "function", {
      count,
      name,
      description: props.description,
      handler: "index.handler",
      code: props.code,
      timeout: props.timeout ?? 60,
      memorySize: props.memorySize ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? -1,
      environment: props.environment,
      role,
      rolePolicy,
      logGroup,
      tags,
    });

    new LambdaFunctionEventInvokeConfig(this, "async_config", {
      count,
      functionName: attr(fn, "function_name"),
      maximumRetryAttempts: props.maximumRetryAttempts ?? 2,
      maximumEventAgeInSeconds: props.maximumEventAgeInSeconds ?? 21_600,
      destinationConfig: { onFailure: { destination: attr(dlq, "arn") } },
    });

    const rule = new CloudwatchEventRule(this, "rule", {
      count,
      name,
      description: props.ruleDescription,
      eventPattern: props.eventPattern,
      tags,
    });
    new CloudwatchEventTarget(this, "target", {
      count,
      rule: attr(rule, "name"),
      targetId: "function",
      arn: attr(fn, "arn"),
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: attr(dlq, "arn") },
    });
    new LambdaPermission(this, "permission", {
      count,
      statementId: "AllowEventBridgeRule",
      action: "lambda:InvokeFunction",
      functionName: attr(fn, "function_name"),
      principal: "events.amazonaws.com",
      sourceArn: attr(rule, "arn"),
    });

    const dlqPolicy = new DataAwsIamPolicyDocument(this, "dlq_policy", {
      count,
      statement: [
        {
          sid: "RuleSendsUndeliverableEvents",
          actions: ["sqs:SendMessage"],
          resources: [attr(dlq, "arn")],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          condition: [
            { test: "ArnEquals", variable: "aws:SourceArn", values: [attr(rule, "arn")] },
          ],
        },
      ],
    });
    new SqsQueuePolicy(this, "dlq_queue_policy", {
      count,
      queueUrl: attr(dlq, "url"),
      policy: attr(dlqPolicy, "json"),
    });

    if (props.forwarding) {
      const regions = TerraformIterator.fromList(
        typeof enabled === "boolean"
          ? enabled
            ? props.forwarding.regions
            : []
          : Token.asList(Fn.conditional(enabled, props.forwarding.regions, [])),
      );
      const forwardRule = new CloudwatchEventRule(this, "forward_rule", {
        forEach: regions,
        region: regions.value,
        name: `${name}-forward`,
        description: `Forwards to the home region: ${props.ruleDescription}`,
        eventPattern: props.eventPattern,
        tags,
      });
      new CloudwatchEventTarget(this, "forward_target", {
        forEach: regions,
        region: regions.value,
        rule: `\${aws_cloudwatch_event_rule.${forwardRule.friendlyUniqueId}[each.key].name}`,
        targetId: "home-event-bus",
        arn: props.forwarding.homeEventBusArn,
        roleArn: props.forwarding.roleArn,
        // No DLQ here: a target's DLQ must be in the rule's region. EventBridge retries
        // delivery to the home bus for 24 hours.
        retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      });
    }

    functionAlarms(this, alarm, {
      name,
      fn,
      dlq,
      errorsDescription: `${name} failed at least once in 5 minutes; failed events wait in ${name}-dlq.`,
      dlqDescription: `Events wait in ${name}-dlq: fix the cause, then redrive them.`,
    });

    this.functionArn = attr(fn, "arn");
    this.functionName = attr(fn, "function_name");
    this.roleArn = attr(role, "arn");
    this.dlqUrl = attr(dlq, "url");
    this.dlqArn = attr(dlq, "arn");
    this.ruleArn = attr(rule, "arn");
    this.logGroupName = attr(logGroup, "name");
  }
}
