import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { Defaults, EnvVar, NAME_SUFFIX } from "../functions/deployment-tracker/contract.js";
import {
  DEFAULT_LOG_LEVEL,
  LINKED_ACCOUNTS_ENV_VAR,
  PowertoolsEnvVar,
} from "../functions/shared/contract.js";
import {
  commonFunctionProps,
  EventDrivenFunction,
  type FunctionCommonProps,
  type LambdaCode,
} from "./event-driven-function.js";
import { trackerEventPattern } from "./patterns.js";
import {
  attr,
  both,
  choose,
  countOf,
  isSet,
  nonsensitiveToggle,
  type Toggle,
} from "./terraform.js";
import { checkDeploymentTrackerProps } from "./validation.js";

/** The function name when none is given. */
export const DEFAULT_TRACKER_FUNCTION_NAME = `ecs-${NAME_SUFFIX}`;

/** Properties of {@link DeploymentTracker}. */
export interface DeploymentTrackerProps extends FunctionCommonProps {
  /**
   * The function name; names its role, log group, rule, DLQ and secret too.
   * @default DEFAULT_TRACKER_FUNCTION_NAME ("ecs-deployment-tracker")
   */
  readonly functionName?: string;
  /** The deployment package. */
  readonly code: LambdaCode;
  /**
   * HTTPS endpoint that receives one record per finished deployment.
   * @default "https://app.cardinalhq.io/_/chip/workloads" (Cardinal's workloads API)
   */
  readonly endpointUrl?: string;
  /**
   * Header that carries the API key.
   * @default "x-cardinalhq-api-key"
   */
  readonly apiKeyHeader?: string;
  /**
   * Whether to create the Secrets Manager secret for the API key.
   * @default true
   */
  readonly createApiKeySecret?: Toggle;
  /**
   * ARN of an existing secret holding the API key; used when `createApiKeySecret` is false.
   * @default - none: required when no secret is created
   */
  readonly apiKeySecretArn?: string;
  /**
   * The API key, written to the created secret as a write-only value (never in state).
   * @default - the secret is created empty; put the key in it yourself
   */
  readonly apiKey?: string;
  /**
   * Bump to write a new `apiKey` into the secret.
   * @default 1
   */
  readonly apiKeyVersion?: number;
  /**
   * Whether failed deployments (circuit-breaker rollbacks) are recorded too.
   * @default false
   */
  readonly trackFailedDeployments?: Toggle;
  /** Regions whose ECS services the function may read. */
  readonly regions: string[];
  /** Account that runs the services. */
  readonly accountId: string;
  /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /**
   * Accounts whose ECR repositories the function may read digests from.
   * @default - `accountId` only
   */
  readonly ecrAccountIds?: string[];
  /**
   * The linked accounts, as the `LINKED_ACCOUNTS` variable gives them (JSON).
   * @default "[]" (none)
   */
  readonly linkedAccountsJson?: string;
  /**
   * Further policy documents (JSON) merged into the function's policy (the linked
   * accounts' read roles it may assume).
   * @default []
   */
  readonly sourcePolicyDocuments?: string[];
}

/**
 * The deployment tracker: records every finished ECS service deployment with the digests
 * of all its images and POSTs it to an HTTP endpoint, with the API key read from Secrets
 * Manager. Failed deliveries end in the DLQ, never silently.
 */
export class DeploymentTracker extends Construct {
  /** The tracker function and its supporting resources. */
  public readonly function: EventDrivenFunction;
  /** ARN of the secret the function reads the API key from. */
  public readonly apiKeySecretArn: string;

  constructor(scope: Construct, id: string, props: DeploymentTrackerProps) {
    super(scope, id);
    checkDeploymentTrackerProps(props);
    const enabled = props.enabled ?? true;
    const name = props.functionName ?? DEFAULT_TRACKER_FUNCTION_NAME;
    const createSecret = both(enabled, props.createApiKeySecret ?? true);
    const tags = props.tags ?? {};
    const kms = props.kmsKeyArn;

    const secret = new SecretsmanagerSecret(this, "api_key", {
      count: countOf(createSecret),
      name: `${name}-api-key`,
      description: `API key that ${name} sends with each deployment record`,
      kmsKeyId: kms,
      tags,
    });
    if (props.apiKey !== undefined) {
      new SecretsmanagerSecretVersion(this, "api_key_value", {
        // api_key is sensitive, and Terraform refuses sensitive values in count; whether it
        // is set is not a secret.
        count: countOf(both(createSecret, nonsensitiveToggle(isSet(props.apiKey)))),
        secretId: attr(secret, "id"),
        secretStringWo: props.apiKey,
        secretStringWoVersion: props.apiKeyVersion ?? 1,
      });
    }
    // Null when the tracker is off, even if an existing secret's ARN is given.
    const none = Token.asString(Token.nullValue());
    this.apiKeySecretArn = choose(
      enabled,
      choose(props.createApiKeySecret ?? true, attr(secret, "arn"), props.apiKeySecretArn ?? none),
      none,
    );

    const patterns = new TerraformLocal(this, "event_patterns", {
      completed: trackerEventPattern(false),
      completed_and_failed: trackerEventPattern(true),
    });
    const trackFailed = props.trackFailedDeployments ?? false;
    const eventPattern =
      typeof trackFailed === "boolean"
        ? trackerEventPattern(trackFailed)
        : Token.asString(
            Fn.lookupNested(patterns.expression, [
              Fn.conditional(trackFailed, "completed_and_failed", "completed"),
            ]),
          );

    const ecrAccounts = props.ecrAccountIds ?? [props.accountId];
    this.function = new EventDrivenFunction(this, "Default", {
      enabled,
      functionName: name,
      description:
        "Records finished ECS deployments with their image digests and POSTs them to an HTTP API.",
      code: props.code,
      environment: {
        [EnvVar.ENDPOINT_URL]: props.endpointUrl ?? Defaults.ENDPOINT_URL,
        [EnvVar.API_KEY_HEADER]: props.apiKeyHeader ?? Defaults.API_KEY_HEADER,
        [EnvVar.API_KEY_SECRET_ARN]: this.apiKeySecretArn,
        [PowertoolsEnvVar.SERVICE_NAME]: name,
        [PowertoolsEnvVar.LOG_LEVEL]: props.logLevel ?? DEFAULT_LOG_LEVEL,
        [LINKED_ACCOUNTS_ENV_VAR]: props.linkedAccountsJson ?? "[]",
      },
      sourcePolicyDocuments: props.sourcePolicyDocuments,
      eventPattern,
      ruleDescription: "ECS service deployments that finished",
      statements: [
        {
          sid: "ReadServicesAndTheirDeployments",
          actions: ["ecs:DescribeServices", "ecs:ListServiceDeployments"],
          resources: Fn.formatlist("arn:%s:ecs:%s:%s:service/*", [
            props.partition,
            props.regions,
            props.accountId,
          ]),
        },
        {
          sid: "ReadServiceRevisions",
          actions: ["ecs:DescribeServiceRevisions"],
          resources: Fn.formatlist("arn:%s:ecs:%s:%s:service-revision/*", [
            props.partition,
            props.regions,
            props.accountId,
          ]),
        },
        {
          sid: "DescribeTaskDefinitionHasNoResourceType",
          actions: ["ecs:DescribeTaskDefinition"],
          resources: ["*"],
        },
        {
          sid: "ReadImageDigestsInAllowedAccounts",
          actions: ["ecr:BatchGetImage"],
          resources: Fn.formatlist("arn:%s:ecr:*:%s:repository/*", [props.partition, ecrAccounts]),
        },
        {
          sid: "ReadApiKey",
          actions: ["secretsmanager:GetSecretValue"],
          resources: [this.apiKeySecretArn],
        },
      ],
      ...commonFunctionProps(props),
    });
  }
}
