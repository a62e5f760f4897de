/**
 * EventBridge patterns of the two rules: literal JSON, one place, so the module, the
 * constructs and the tests all read the same patterns.
 */

/** The `detail-type` of ECS service deployment state changes. */
export const ECS_DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change";

/** Deployment tracker: finished service deployments; failed ones (rollbacks) too when asked. */
export function trackerEventPattern(includeFailed: boolean): string {
  return JSON.stringify({
    source: ["aws.ecs"],
    "detail-type": [ECS_DEPLOYMENT_STATE_CHANGE],
    detail: {
      eventName: includeFailed
        ? ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"]
        : ["SERVICE_DEPLOYMENT_COMPLETED"],
    },
  });
}

/**
 * ECR deployer: successful pushes that carry a tag. Untagged pushes (the per-platform
 * manifests of a multi-arch image) have no `image-tag` and are left out here already.
 */
export function deployerEventPattern(): string {
  return JSON.stringify({
    source: ["aws.ecr"],
    "detail-type": ["ECR Image Action"],
    detail: {
      "action-type": ["PUSH"],
      result: ["SUCCESS"],
      "image-tag": [{ exists: true }],
    },
  });
}
