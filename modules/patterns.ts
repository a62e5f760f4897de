/**
 * EventBridge patterns of the two rules: literal JSON, one place, so the module, the
 * constructs and the tests all read the same patterns. The event names come from the
 * functions' contracts.
 */
import { DeploymentEventName, TrackedEvent } from "../functions/deployment-tracker/contract.js";
import { EcrEvent, ImageAction } from "../functions/ecr-deployer/contract.js";

/** Deployment tracker: finished service deployments; failed ones (rollbacks) too when asked. */
export function trackerEventPattern(includeFailed: boolean): string {
  return JSON.stringify({
    source: [TrackedEvent.SOURCE],
    "detail-type": [TrackedEvent.DETAIL_TYPE],
    detail: {
      eventName: includeFailed
        ? [DeploymentEventName.COMPLETED, DeploymentEventName.FAILED]
        : [DeploymentEventName.COMPLETED],
    },
  });
}

/**
 * ECR deployer: successful pushes that carry a tag. Untagged pushes (the per-platform
 * manifests of a multi-arch image) have no `image-tag` and are left out here already.
 */
export function deployerEventPattern(): string {
  return JSON.stringify({
    source: [EcrEvent.SOURCE],
    "detail-type": [EcrEvent.IMAGE_ACTION],
    detail: {
      "action-type": [ImageAction.PUSH],
      result: [ImageAction.SUCCESS],
      "image-tag": [{ exists: true }],
    },
  });
}
