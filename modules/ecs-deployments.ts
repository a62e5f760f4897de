import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Fn, Op, TerraformLocal, TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import { NAME_SUFFIX as TRACKER_SUFFIX } from "../functions/deployment-tracker/contract.js";
import {
  NAME_SUFFIX as DEPLOYER_SUFFIX,
  Defaults as DeployerDefaults,
} from "../functions/ecr-deployer/contract.js";
import {
  DEFAULT_LOG_LEVEL,
  DEFAULT_NAME_PREFIX,
  LOG_LEVELS,
  NAME_PREFIX,
} from "../functions/shared/contract.js";
import { ACCOUNT_ID, CLUSTER_NAME, REGION as REGION_NAME } from "../functions/shared/grammar.js";
import {
  DEFAULT_API_KEY_HEADER,
  DEFAULT_ENDPOINT_URL,
  DeploymentTracker,
} from "./deployment-tracker.js";
import {
  DEFAULT_IMAGE_PIN,
  DEFAULT_OPT_IN_TAG_KEY,
  EcrDeployer,
  IMAGE_PIN_MODES,
} from "./ecr-deployer.js";
import { isEmpty, type LambdaCode, not } from "./event-driven-function.js";
import { EventForwardingRole } from "./event-forwarding-role.js";
import { addressOf, listExpr, ModuleStack, output, terraformRegex } from "./terraform.js";
import { LOG_RETENTION_DAYS } from "./validation.js";

/** Deployment packages of the module's functions. */
export interface ModuleCode {
  readonly deploymentTracker: LambdaCode;
  readonly ecrDeployer: LambdaCode;
}

const REGION = terraformRegex(REGION_NAME);

/**
 * The publishable root module: every user choice is a Terraform variable evaluated at
 * plan time, because this module is synthesised once and used by many.
 */
export class EcsDeploymentsModule extends ModuleStack {
  constructor(scope: Construct, id: string, code: ModuleCode) {
    super(scope, id);

    // ---- Inputs: module-wide
    const namePrefix = new TerraformVariable(this, "name_prefix", {
      description: "The prefix of every resource name (functions, roles, rules, queues, secret).",
      type: "string",
      default: DEFAULT_NAME_PREFIX,
      validation: [
        {
          condition: `\${can(regex("${terraformRegex(NAME_PREFIX)}", var.name_prefix))}`,
          errorMessage: "The name_prefix must be 1-32 characters of letters, digits, '-' and '_'.",
        },
      ],
    });
    const regions = new TerraformVariable(this, "regions", {
      description:
        "List of further regions whose ECS and ECR events are handled. Their events are forwarded to the home region (the provider's); the functions may act in these regions and the home region only.",
      type: "list(string)",
      default: [],
      validation: [
        {
          condition: `\${alltrue([for r in var.regions : can(regex("${REGION}", r))])}`,
          errorMessage: "Each entry of regions must be an AWS region name such as eu-west-1.",
        },
      ],
    });
    const kmsKeyArn = new TerraformVariable(this, "kms_key_arn", {
      description:
        "The ARN of a customer KMS key for the secret, the DLQs and the log groups. Its key policy must allow Lambda, EventBridge and CloudWatch Logs to use it. Null uses AWS-managed keys.",
      type: "string",
      nullable: true,
      validation: [
        {
          condition: `\${var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\\\d{12}:key/(mrk-)?[a-f0-9-]+$", var.kms_key_arn))}`,
          errorMessage:
            "The kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null.",
        },
      ],
    });
    const logRetention = new TerraformVariable(this, "log_retention_in_days", {
      description: "The number of days CloudWatch keeps the functions' logs.",
      type: "number",
      default: 30,
      validation: [
        {
          condition: `\${contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_in_days)}`,
          errorMessage: `The log_retention_in_days must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(", ")}.`,
        },
      ],
    });
    const logLevel = new TerraformVariable(this, "log_level", {
      description: "The functions' log level: DEBUG, INFO, WARN or ERROR.",
      type: "string",
      default: DEFAULT_LOG_LEVEL,
      validation: [
        {
          condition: `\${contains([${LOG_LEVELS.map((level) => JSON.stringify(level)).join(", ")}], var.log_level)}`,
          errorMessage: `The log_level must be one of ${LOG_LEVELS.join(", ")}.`,
        },
      ],
    });
    const createAlarms = new TerraformVariable(this, "create_alarms", {
      description:
        "Whether to create CloudWatch alarms on function errors and on messages waiting in the DLQs.",
      type: "bool",
      default: false,
    });
    const alarmActions = new TerraformVariable(this, "alarm_actions", {
      description: "List of ARNs (e.g. SNS topics) notified when an alarm fires.",
      type: "list(string)",
      default: [],
    });
    const tags = new TerraformVariable(this, "tags", {
      description: "Map of tags added to every resource.",
      type: "map(string)",
      default: {},
    });

    // ---- Inputs: deployment tracker
    const createTracker = new TerraformVariable(this, "create_tracker", {
      description: "Whether to create the deployment tracker.",
      type: "bool",
      default: true,
    });
    const endpointUrl = new TerraformVariable(this, "tracker_endpoint_url", {
      description: "The HTTPS endpoint that receives one record per finished ECS deployment.",
      type: "string",
      default: DEFAULT_ENDPOINT_URL,
      validation: [
        {
          condition: `\${can(regex("^https://[^\\\\s/?#]+[^\\\\s]*$", var.tracker_endpoint_url))}`,
          errorMessage:
            "The tracker_endpoint_url must be an https:// URL: the API key travels with every request.",
        },
      ],
    });
    const apiKeyHeader = new TerraformVariable(this, "tracker_api_key_header", {
      description: "The HTTP header that carries the API key.",
      type: "string",
      default: DEFAULT_API_KEY_HEADER,
      validation: [
        {
          condition: `\${can(regex("^[A-Za-z0-9-]{1,64}$", var.tracker_api_key_header))}`,
          errorMessage:
            "The tracker_api_key_header must be an HTTP header name (letters, digits and '-').",
        },
      ],
    });
    const trackFailed = new TerraformVariable(this, "tracker_track_failed_deployments", {
      description:
        "Whether failed deployments (circuit-breaker rollbacks) are recorded too, with status FAILED.",
      type: "bool",
      default: false,
    });
    const createSecret = new TerraformVariable(this, "create_api_key_secret", {
      description:
        "Whether to create the Secrets Manager secret for the API key. When false, api_key_secret_arn names an existing one.",
      type: "bool",
      default: true,
    });
    const secretArn = new TerraformVariable(this, "api_key_secret_arn", {
      description:
        "The ARN of an existing Secrets Manager secret that holds the API key (used when create_api_key_secret is false).",
      type: "string",
      nullable: true,
      validation: [
        {
          condition: `\${var.api_key_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\\\d{12}:secret:.+$", var.api_key_secret_arn))}`,
          errorMessage: "The api_key_secret_arn must be a Secrets Manager secret ARN or null.",
        },
        {
          condition:
            "${!var.create_tracker || var.create_api_key_secret || var.api_key_secret_arn != null}",
          errorMessage:
            "The api_key_secret_arn is required when create_tracker is true and create_api_key_secret is false.",
        },
      ],
    });
    const apiKey = new TerraformVariable(this, "api_key", {
      description:
        "The API key, written to the created secret as a write-only value: it is not stored in Terraform state. Null leaves the secret empty for you to fill.",
      type: "string",
      nullable: true,
      sensitive: true,
    });
    const apiKeyVersion = new TerraformVariable(this, "api_key_version", {
      description: "The version of api_key; increase it to write a new api_key into the secret.",
      type: "number",
      default: 1,
    });
    const ecrAccountIds = new TerraformVariable(this, "tracker_ecr_account_ids", {
      description:
        "List of further AWS account IDs whose ECR repositories the tracker may read image digests from (the current account is always included).",
      type: "list(string)",
      default: [],
      validation: [
        {
          condition: `\${alltrue([for a in var.tracker_ecr_account_ids : can(regex("${terraformRegex(ACCOUNT_ID)}", a))])}`,
          errorMessage: "Each entry of tracker_ecr_account_ids must be a 12-digit AWS account ID.",
        },
      ],
    });

    // ---- Inputs: ECR deployer
    const createDeployer = new TerraformVariable(this, "create_deployer", {
      description: "Whether to create the ECR deployer.",
      type: "bool",
      default: true,
    });
    const allowedClusters = new TerraformVariable(this, "deployer_allowed_clusters", {
      description:
        "List of names of the ECS clusters whose services the deployer may update. Empty allows every cluster in the handled regions.",
      type: "list(string)",
      default: [],
      validation: [
        {
          condition: `\${alltrue([for c in var.deployer_allowed_clusters : can(regex("${terraformRegex(CLUSTER_NAME)}", c))])}`,
          errorMessage:
            "Each entry of deployer_allowed_clusters must be a cluster name (letters, digits, '-', '_'), not an ARN.",
        },
      ],
    });
    const optInTagKey = new TerraformVariable(this, "deployer_opt_in_tag_key", {
      description:
        "The ECS service tag key that opts a service in. Its value is the image-tag pattern the service follows; ECS tag values cannot hold * or ?, so + stands for any characters there (v+, main-+, latest), and several patterns are separated by spaces.",
      type: "string",
      default: DEFAULT_OPT_IN_TAG_KEY,
      validation: [
        {
          condition: `\${can(regex("^[\\\\w.:/=+@ -]{1,128}$", var.deployer_opt_in_tag_key)) && !startswith(lower(var.deployer_opt_in_tag_key), "aws:")}`,
          errorMessage:
            "The deployer_opt_in_tag_key must be a valid tag key (1-128 characters of letters, digits, spaces and _.:/=+-@) that does not start with aws:.",
        },
      ],
    });
    const defaultTagPattern = new TerraformVariable(this, "deployer_default_tag_pattern", {
      description:
        "The image-tag pattern followed by services without the opt-in tag (* and + match any characters, ? one; several patterns separated by spaces or commas). Empty means only tagged services are deployed.",
      type: "string",
      default: DeployerDefaults.DEFAULT_TAG_PATTERN,
      validation: [
        {
          condition: `\${can(regex("^[\\\\w.*?+, -]{0,256}$", var.deployer_default_tag_pattern))}`,
          errorMessage:
            "The deployer_default_tag_pattern may hold only tag characters (letters, digits, _ . -), the wildcards * ? +, and spaces or commas between patterns.",
        },
      ],
    });
    const imagePin = new TerraformVariable(this, "deployer_image_pin", {
      description:
        "The way a new revision references the pushed image: tag-and-digest (repo:tag@sha256:...), digest (repo@sha256:...) or tag (repo:tag; not idempotent: a re-delivered push redeploys).",
      type: "string",
      default: DEFAULT_IMAGE_PIN,
      validation: [
        {
          condition: `\${contains(${JSON.stringify([...IMAGE_PIN_MODES])}, var.deployer_image_pin)}`,
          errorMessage: `The deployer_image_pin must be one of ${IMAGE_PIN_MODES.join(", ")}.`,
        },
      ],
    });
    const dryRun = new TerraformVariable(this, "deployer_dry_run", {
      description: "Whether the deployer only logs what it would do and changes nothing.",
      type: "bool",
      default: DeployerDefaults.DRY_RUN,
    });
    const passableRoles = new TerraformVariable(this, "deployer_passable_role_arns", {
      description:
        "List of ARNs of the task and execution roles the deployer may pass to ECS when it registers a new revision. A task definition that uses another role cannot be rolled.",
      type: "list(string)",
      default: [],
      validation: [
        {
          condition: `\${alltrue([for r in var.deployer_passable_role_arns : can(regex("^arn:aws[a-z-]*:iam::\\\\d{12}:role/.+$", r))])}`,
          errorMessage:
            "Each entry of deployer_passable_role_arns must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
        },
      ],
    });

    const reservedConcurrency = new TerraformVariable(this, "deployer_reserved_concurrency", {
      description:
        "The reserved concurrency of the deployer. 1 (the default) keeps two pushes from racing on the same task definition; null leaves it unreserved, for accounts whose Lambda concurrency quota is too small to reserve any.",
      type: "number",
      default: 1,
      nullable: true,
      validation: [
        {
          condition:
            "${var.deployer_reserved_concurrency == null || try(var.deployer_reserved_concurrency >= 1 && floor(var.deployer_reserved_concurrency) == var.deployer_reserved_concurrency, false)}",
          errorMessage:
            "The deployer_reserved_concurrency must be null or a whole number of at least 1.",
        },
      ],
    });

    // CDKTF cannot render `default = null` from props; optional inputs default to null.
    for (const optional of [kmsKeyArn, secretArn, apiKey]) optional.addOverride("default", null);

    // ---- Where we are
    const partition = new DataAwsPartition(this, "current_partition", {});
    const account = new DataAwsCallerIdentity(this, "current_account", {});
    const region = new DataAwsRegion(this, "current_region", {});
    const home = region.region;
    const allRegions = new TerraformLocal(
      this,
      "all_regions",
      Fn.distinct(Fn.concat([[home], regions.listValue])),
    );
    const forwardRegions = new TerraformLocal(
      this,
      "forward_regions",
      listExpr(`[for r in distinct(var.regions) : r if r != ${addressOf(region)}.region]`),
    );
    const homeBus = `arn:${partition.partition}:events:${home}:${account.accountId}:event-bus/default`;
    const forwarding = new EventForwardingRole(this, "event_forwarding", {
      enabled: Op.and(
        Op.or(createTracker.booleanValue, createDeployer.booleanValue),
        not(isEmpty(forwardRegions.asList)),
      ),
      roleName: `${namePrefix.stringValue}-event-forwarding`,
      homeEventBusArn: homeBus,
      tags: Token.asStringMap(tags.value),
    });
    const forwardingProps = {
      regions: forwardRegions.asList,
      homeEventBusArn: homeBus,
      roleArn: forwarding.roleArn,
    };

    const tracker = new DeploymentTracker(this, "tracker", {
      enabled: createTracker.booleanValue,
      functionName: `${namePrefix.stringValue}-${TRACKER_SUFFIX}`,
      code: code.deploymentTracker,
      endpointUrl: endpointUrl.stringValue,
      apiKeyHeader: apiKeyHeader.stringValue,
      createApiKeySecret: createSecret.booleanValue,
      apiKeySecretArn: secretArn.stringValue,
      apiKey: apiKey.stringValue,
      apiKeyVersion: apiKeyVersion.numberValue,
      trackFailedDeployments: trackFailed.booleanValue,
      regions: allRegions.asList,
      accountId: account.accountId,
      partition: partition.partition,
      ecrAccountIds: Fn.distinct(Fn.concat([[account.accountId], ecrAccountIds.listValue])),
      kmsKeyArn: kmsKeyArn.stringValue,
      logLevel: logLevel.stringValue,
      logRetentionInDays: logRetention.numberValue,
      forwarding: forwardingProps,
      alarms: createAlarms.booleanValue,
      alarmActions: alarmActions.listValue,
      tags: Token.asStringMap(tags.value),
    });

    const deployer = new EcrDeployer(this, "deployer", {
      enabled: createDeployer.booleanValue,
      functionName: `${namePrefix.stringValue}-${DEPLOYER_SUFFIX}`,
      code: code.ecrDeployer,
      allowedClusters: allowedClusters.listValue,
      optInTagKey: optInTagKey.stringValue,
      defaultTagPattern: defaultTagPattern.stringValue,
      imagePin: imagePin.stringValue,
      dryRun: dryRun.booleanValue,
      passableRoleArns: passableRoles.listValue,
      reservedConcurrentExecutions: Token.asNumber(
        Fn.conditional(
          Op.eq(reservedConcurrency.numberValue, Token.nullValue()),
          -1,
          reservedConcurrency.numberValue,
        ),
      ),
      regions: allRegions.asList,
      accountId: account.accountId,
      partition: partition.partition,
      kmsKeyArn: kmsKeyArn.stringValue,
      logLevel: logLevel.stringValue,
      logRetentionInDays: logRetention.numberValue,
      forwarding: forwardingProps,
      alarms: createAlarms.booleanValue,
      alarmActions: alarmActions.listValue,
      tags: Token.asStringMap(tags.value),
    });

    // ---- Outputs
    output(
      this,
      "tracker_function_arn",
      "The ARN of the deployment tracker function (null when create_tracker is false).",
      tracker.function.functionArn,
    );
    output(
      this,
      "tracker_function_name",
      "The name of the deployment tracker function (null when create_tracker is false).",
      tracker.function.functionName,
    );
    output(
      this,
      "tracker_role_arn",
      "The ARN of the deployment tracker's execution role (null when create_tracker is false).",
      tracker.function.roleArn,
    );
    output(
      this,
      "tracker_dlq_url",
      "The URL of the queue that keeps deployment events the tracker could not deliver (null when create_tracker is false).",
      tracker.function.dlqUrl,
    );
    output(
      this,
      "tracker_rule_arn",
      "The ARN of the EventBridge rule that triggers the tracker (null when create_tracker is false).",
      tracker.function.ruleArn,
    );
    output(
      this,
      "tracker_log_group_name",
      "The name of the tracker's CloudWatch log group (null when create_tracker is false).",
      tracker.function.logGroupName,
    );
    const deployerOutputs: Array<[string, string, string]> = [
      [
        "deployer_function_arn",
        "The ARN of the ECR deployer function",
        deployer.function.functionArn,
      ],
      [
        "deployer_function_name",
        "The name of the ECR deployer function",
        deployer.function.functionName,
      ],
      [
        "deployer_role_arn",
        "The ARN of the ECR deployer's execution role",
        deployer.function.roleArn,
      ],
      [
        "deployer_dlq_url",
        "The URL of the queue that keeps push events the deployer could not handle",
        deployer.function.dlqUrl,
      ],
      [
        "deployer_rule_arn",
        "The ARN of the EventBridge rule that triggers the deployer",
        deployer.function.ruleArn,
      ],
      [
        "deployer_log_group_name",
        "The name of the deployer's CloudWatch log group",
        deployer.function.logGroupName,
      ],
    ];
    for (const [name, description, value] of deployerOutputs) {
      output(this, name, `${description} (null when create_deployer is false).`, value);
    }
    output(
      this,
      "event_forwarding_role_arn",
      "The ARN of the role EventBridge uses to forward events from other regions (null when regions names no other region).",
      forwarding.roleArn,
    );
    output(
      this,
      "api_key_secret_arn",
      "The ARN of the secret the tracker reads the API key from (null when create_tracker is false).",
      tracker.apiKeySecretArn,
    );
  }
}
