/**
 * The cdktf library: constructs that deploy ecs-deployments into your own stack, beside
 * your own `AwsProvider`. Start with {@link EcsDeployments}.
 */

/** Only the deployment tracker, for stacks that want just one of the functions. */
export { DeploymentTracker, type DeploymentTrackerProps } from "./deployment-tracker.js";
/** Only the ECR deployer, for stacks that want just one of the functions. */
export { EcrDeployer, type EcrDeployerProps } from "./ecr-deployer.js";
/** The props of {@link EcsDeployments}: the module's inputs, plus where the zips come from. */
export type {
  EcsDeploymentsOptions,
  EcsDeploymentsProps,
  ModuleCode,
} from "./ecs-deployments.js";
/** Both functions and everything they own, configured like the published Terraform module. */
export { EcsDeployments } from "./ecs-deployments.js";
/** Where a function's zip is, as Terraform sees it (a path and its base64 SHA-256). */
export type { LambdaCode } from "./event-driven-function.js";
/** One linked workload account of {@link EcsDeployments}' `linkedAccounts`. */
export type { LinkedAccountInput } from "./linked-accounts.js";
/** A boolean prop: a literal, or a Terraform expression decided at plan time. */
export type { Toggle } from "./terraform.js";
/** Thrown when a literal prop is invalid; the message names the prop, the limit and the value. */
export { InvalidPropError } from "./validation.js";
/**
 * What a workload account needs for the central installation: event forwarding to the
 * central bus, and the read and deploy roles only the central functions may assume.
 */
export { WorkloadAccount, type WorkloadAccountProps } from "./workload-account.js";
