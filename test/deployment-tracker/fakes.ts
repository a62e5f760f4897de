import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClientResolvedConfig,
  ListServiceDeploymentsCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-ecs";
import type { mockClient } from "aws-sdk-client-mock";
import {
  DEPLOYMENT_ID,
  REVISION_ARN,
  SERVICE,
  SERVICE_ARN,
  SERVICE_DEPLOYMENT_ARN,
  TASK_DEFINITION_ARN,
} from "./helpers.js";

type EcsMock = ReturnType<
  typeof mockClient<ServiceInputTypes, ServiceOutputTypes, ECSClientResolvedConfig>
>;

/** A container of the fake task definition: name, image and the digest ECS resolved (if any). */
export interface FakeContainer {
  readonly name: string;
  readonly image: string;
  readonly resolvedDigest?: string;
}

/** Makes the ECS mock answer as AWS does when service revisions are available. */
export function withServiceRevision(ecsMock: EcsMock, containers: readonly FakeContainer[]): void {
  ecsMock.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        serviceDeploymentArn: SERVICE_DEPLOYMENT_ARN.replace(/[^/]+$/, "older"),
        targetServiceRevisionArn: REVISION_ARN.replace(/\d+$/, "1111111111111111111"),
        status: "SUCCESSFUL",
      },
      {
        serviceDeploymentArn: SERVICE_DEPLOYMENT_ARN,
        targetServiceRevisionArn: REVISION_ARN,
        status: "SUCCESSFUL",
      },
    ],
  });
  ecsMock.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [
      {
        serviceRevisionArn: REVISION_ARN,
        serviceArn: SERVICE_ARN,
        taskDefinition: TASK_DEFINITION_ARN,
        containerImages: containers.map((c) => ({
          containerName: c.name,
          image: c.image,
          ...(c.resolvedDigest && { imageDigest: c.resolvedDigest }),
        })),
      },
    ],
  });
  withTaskDefinition(ecsMock, containers);
}

/** Makes the ECS mock answer DescribeTaskDefinition with these containers. */
export function withTaskDefinition(ecsMock: EcsMock, containers: readonly FakeContainer[]): void {
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION_ARN,
      containerDefinitions: containers.map((c) => ({ name: c.name, image: c.image })),
    },
  });
}

/** Makes the ECS mock answer as moto does: no service-deployment APIs, deployments[] on the service. */
export function withoutServiceRevisions(
  ecsMock: EcsMock,
  containers: readonly FakeContainer[],
  deployments = [
    { id: DEPLOYMENT_ID, status: "PRIMARY", taskDefinition: TASK_DEFINITION_ARN },
    {
      id: "ecs-svc/1",
      status: "ACTIVE",
      taskDefinition: TASK_DEFINITION_ARN.replace(/:42$/, ":41"),
    },
  ],
): void {
  const unavailable = Object.assign(new SyntaxError("Unexpected token '<'"), {
    $metadata: { httpStatusCode: 500 },
  });
  ecsMock.on(ListServiceDeploymentsCommand).rejects(unavailable);
  ecsMock.on(DescribeServiceRevisionsCommand).rejects(unavailable);
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: SERVICE,
        serviceArn: SERVICE_ARN,
        taskDefinition: TASK_DEFINITION_ARN,
        deployments,
      },
    ],
    failures: [],
  });
  withTaskDefinition(ecsMock, containers);
}

export type { EcsMock };
