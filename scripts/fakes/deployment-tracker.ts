/**
 * Fakes of the deployment tracker's world, shared by the tests and the bench: the test
 * account's names and a completed-deployment event.
 */
import { DeploymentEventName, TrackedEvent } from "../../functions/deployment-tracker/contract.js";

export const ACCOUNT = "111122223333";
export const REGION = "us-west-2";
export const CLUSTER = "prod";
export const SERVICE = "web";
export const SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${SERVICE}`;
export const DEPLOYMENT_NUMBER = "4980306466373577095";
export const DEPLOYMENT_ID = `ecs-svc/${DEPLOYMENT_NUMBER}`;
export const REVISION_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/${CLUSTER}/${SERVICE}/${DEPLOYMENT_NUMBER}`;
export const SERVICE_DEPLOYMENT_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/${CLUSTER}/${SERVICE}/NCWGC2ZR-taawPAYrIaU5`;
export const TASK_DEFINITION_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:42`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:tracker-api-key-AbCdEf`;
export const API_KEY = "sk-live-DO-NOT-LOG-4f1c9a7e";
export const ENDPOINT = "https://receiver.example.com/_/chip/workloads";

/** A `sha256:` digest made of one repeated hex character. */
export const digest = (c: string): string => `sha256:${c.repeat(64)}`;

/** An ECR image URI. */
export const ecrImage = (repo: string, tag: string, account = ACCOUNT, region = REGION): string =>
  `${account}.dkr.ecr.${region}.amazonaws.com/${repo}:${tag}`;

/** A completed-deployment event for the test service, with overrides. */
export function completedEvent(
  overrides: Record<string, unknown> = {},
  detail: Record<string, unknown> = {},
) {
  return {
    version: "0",
    id: "0d9c1a44-7a4d-4f8e-9a51-1f2b0c3d4e5f",
    "detail-type": TrackedEvent.DETAIL_TYPE,
    source: TrackedEvent.SOURCE,
    account: ACCOUNT,
    time: "2026-11-21T10:30:45Z",
    region: REGION,
    resources: [SERVICE_ARN],
    detail: {
      eventType: "INFO",
      eventName: DeploymentEventName.COMPLETED,
      deploymentId: DEPLOYMENT_ID,
      updatedAt: "2026-11-21T10:30:40Z",
      reason: `ECS deployment ${DEPLOYMENT_ID} completed.`,
      ...detail,
    },
    ...overrides,
  };
}
