/**
 * The outputs of the published module, as data: one entry per Terraform output, keyed by
 * the `EcsDeployments` member whose value it gives. `declareOutput` renders an entry.
 */
import type { OutputSpec } from "./terraform.js";

const WITHOUT_TRACKER = "create_tracker is false";
const WITHOUT_DEPLOYER = "create_deployer is false";

export const MODULE_OUTPUTS = {
  trackerFunctionArn: {
    name: "tracker_function_arn",
    description: "The ARN of the deployment tracker function",
    nullWhen: WITHOUT_TRACKER,
  },
  trackerFunctionName: {
    name: "tracker_function_name",
    description: "The name of the deployment tracker function",
    nullWhen: WITHOUT_TRACKER,
  },
  trackerRoleArn: {
    name: "tracker_role_arn",
    description: "The ARN of the deployment tracker's execution role",
    nullWhen: WITHOUT_TRACKER,
  },
  trackerDlqUrl: {
    name: "tracker_dlq_url",
    description: "The URL of the queue that keeps deployment events the tracker could not deliver",
    nullWhen: WITHOUT_TRACKER,
  },
  trackerRuleArn: {
    name: "tracker_rule_arn",
    description: "The ARN of the EventBridge rule that triggers the tracker",
    nullWhen: WITHOUT_TRACKER,
  },
  trackerLogGroupName: {
    name: "tracker_log_group_name",
    description: "The name of the tracker's CloudWatch log group",
    nullWhen: WITHOUT_TRACKER,
  },
  deployerFunctionArn: {
    name: "deployer_function_arn",
    description: "The ARN of the ECR deployer function",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerFunctionName: {
    name: "deployer_function_name",
    description: "The name of the ECR deployer function",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRoleArn: {
    name: "deployer_role_arn",
    description: "The ARN of the ECR deployer's execution role",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerDlqUrl: {
    name: "deployer_dlq_url",
    description: "The URL of the queue that keeps push events the deployer could not handle",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRuleArn: {
    name: "deployer_rule_arn",
    description: "The ARN of the EventBridge rule that triggers the deployer",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerLogGroupName: {
    name: "deployer_log_group_name",
    description: "The name of the deployer's CloudWatch log group",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutQueueUrl: {
    name: "deployer_rollout_queue_url",
    description:
      "The URL of the rollout queue (FIFO), which holds one item per new task-definition revision until the rollout function applies it",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutQueueArn: {
    name: "deployer_rollout_queue_arn",
    description: "The ARN of the rollout queue",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutDlqUrl: {
    name: "deployer_rollout_dlq_url",
    description:
      "The URL of the rollout DLQ (FIFO), which keeps the rollout items that failed every receive",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutDlqArn: {
    name: "deployer_rollout_dlq_arn",
    description: "The ARN of the rollout DLQ",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutFunctionArn: {
    name: "deployer_rollout_function_arn",
    description:
      "The ARN of the rollout function, which registers the revisions and updates the services",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutFunctionName: {
    name: "deployer_rollout_function_name",
    description: "The name of the rollout function",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutRoleArn: {
    name: "deployer_rollout_role_arn",
    description: "The ARN of the rollout function's execution role",
    nullWhen: WITHOUT_DEPLOYER,
  },
  deployerRolloutLogGroupName: {
    name: "deployer_rollout_log_group_name",
    description: "The name of the rollout function's CloudWatch log group",
    nullWhen: WITHOUT_DEPLOYER,
  },
  eventForwardingRoleArn: {
    name: "event_forwarding_role_arn",
    description: "The ARN of the role EventBridge uses to forward events from other regions",
    nullWhen: "regions names no other region",
  },
  apiKeySecretArn: {
    name: "api_key_secret_arn",
    description: "The ARN of the secret the tracker reads the API key from",
    nullWhen: WITHOUT_TRACKER,
  },
  eventBusPolicy: {
    name: "event_bus_policy",
    description:
      "The home default event bus's policy (JSON) that accepts the linked accounts' events: add its statement to your own bus policy when create_event_bus_policy is false",
    nullWhen: "linked_accounts is empty or create_tracker is false",
  },
  eventBusArn: {
    name: "event_bus_arn",
    description:
      "The ARN of the home region's default event bus, where linked workload accounts forward their deployment events (the workload-account module's central_event_bus_arn)",
  },
} as const satisfies Record<string, OutputSpec>;

/** The construct member each module output gives. */
export type ModuleOutputMember = keyof typeof MODULE_OUTPUTS;
