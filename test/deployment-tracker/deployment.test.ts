import { Logger } from "@aws-lambda-powertools/logger";
import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  describeContainers,
  matchServiceDeployment,
  pickServiceDeployment,
  resolveDeployment,
} from "../../functions/deployment-tracker/deployment.js";
import {
  AwsRequestError,
  AwsThrottledError,
  ServiceNotFoundError,
} from "../../functions/deployment-tracker/errors.js";
import { parseEvent } from "../../functions/deployment-tracker/event.js";
import type { DeploymentStateChange } from "../../functions/deployment-tracker/types.js";
import { withoutServiceRevisions, withServiceRevision } from "./fakes.js";
import {
  accessDenied,
  captureLogs,
  completedEvent,
  DEPLOYMENT_ID,
  DEPLOYMENT_NUMBER,
  digest,
  ecrImage,
  REGION,
  REVISION_ARN,
  SERVICE_DEPLOYMENT_ARN,
  TASK_DEFINITION_ARN,
  throttling,
} from "./helpers.js";

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({
  region: REGION,
  maxAttempts: 1,
  credentials: { accessKeyId: "a", secretAccessKey: "b" },
});
const logger = new Logger({ serviceName: "test", logLevel: "DEBUG" });

function tracked(event: unknown = completedEvent()): DeploymentStateChange {
  const parsed = parseEvent(event);
  if (parsed.kind !== "track") throw new Error("expected a tracked event");
  return parsed.event;
}

describe("matchServiceDeployment", () => {
  it("returns the deployment whose target revision ARN ends in the deployment number", () => {
    // Act
    const match = matchServiceDeployment(
      [{ serviceDeploymentArn: "x/other", targetServiceRevisionArn: REVISION_ARN }],
      DEPLOYMENT_ID,
    );

    // Assess
    expect(match?.targetServiceRevisionArn).toBe(REVISION_ARN);
  });

  it("returns the deployment whose service-deployment ARN ends in the id", () => {
    // Act
    const match = matchServiceDeployment(
      [{ serviceDeploymentArn: SERVICE_DEPLOYMENT_ARN, targetServiceRevisionArn: "r" }],
      "ecs-svc/NCWGC2ZR-taawPAYrIaU5",
    );

    // Assess
    expect(match?.targetServiceRevisionArn).toBe("r");
  });

  it("returns undefined when no deployment ends in the id, nor on a prefix of it", () => {
    // Act
    const match = matchServiceDeployment(
      [
        {
          serviceDeploymentArn: `x/${DEPLOYMENT_NUMBER}1`,
          targetServiceRevisionArn: `y/1${DEPLOYMENT_NUMBER}`,
        },
      ],
      DEPLOYMENT_ID,
    );

    // Assess
    expect(match).toBeUndefined();
  });
});

describe("pickServiceDeployment", () => {
  it("returns the deployment with the event's id even when it is not PRIMARY", () => {
    // Act
    const picked = pickServiceDeployment(
      [
        { id: "ecs-svc/2", status: "PRIMARY", taskDefinition: "new" },
        { id: DEPLOYMENT_ID, status: "ACTIVE", taskDefinition: "failed-one" },
      ],
      DEPLOYMENT_ID,
    );

    // Assess
    expect(picked).toEqual({
      deployment: expect.objectContaining({ taskDefinition: "failed-one" }),
      matched: true,
    });
  });

  it("returns the PRIMARY deployment, unmatched, when the id is gone", () => {
    // Act
    const picked = pickServiceDeployment(
      [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: "td" }],
      DEPLOYMENT_ID,
    );

    // Assess
    expect(picked).toEqual({
      deployment: expect.objectContaining({ taskDefinition: "td" }),
      matched: false,
    });
  });
});

describe("pickServiceDeployment for a failed deployment", () => {
  it("returns the deployment whose rollout FAILED, not the PRIMARY one rolled back to, when the id is gone", () => {
    // Act
    const picked = pickServiceDeployment(
      [
        {
          id: "ecs-svc/1",
          status: "PRIMARY",
          rolloutState: "COMPLETED",
          taskDefinition: "rolled-back-to",
        },
        { id: "ecs-svc/2", status: "ACTIVE", rolloutState: "FAILED", taskDefinition: "failed-one" },
      ],
      DEPLOYMENT_ID,
      true,
    );

    // Assess
    expect(picked?.deployment.taskDefinition).toBe("failed-one");
    expect(picked?.matched).toBe(false);
  });

  it("returns the PRIMARY deployment for a completed event even when another rollout failed", () => {
    // Act
    const picked = pickServiceDeployment(
      [
        { id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED", taskDefinition: "td" },
        { id: "ecs-svc/2", status: "ACTIVE", rolloutState: "FAILED", taskDefinition: "failed-one" },
      ],
      DEPLOYMENT_ID,
    );

    // Assess
    expect(picked?.deployment.taskDefinition).toBe("td");
  });
});

describe("resolveDeployment", () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    ecsMock.reset();
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it("returns the service revision's task definition and resolved digests", async () => {
    // Prepare
    withServiceRevision(ecsMock, [
      { name: "app", image: "nginx:1.27", resolvedDigest: digest("a") },
    ]);

    // Act
    const target = await resolveDeployment(ecs, tracked(), logger);

    // Assess
    expect(target).toEqual({
      taskDefinitionArn: TASK_DEFINITION_ARN,
      source: "service-revision",
      serviceRevisionArn: REVISION_ARN,
      resolvedImages: new Map([["app", { image: "nginx:1.27", digest: digest("a") }]]),
    });
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input).toEqual({
      serviceRevisionArns: [REVISION_ARN],
    });
    expect(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0]?.args[0].input).toMatchObject({
      cluster: "prod",
      service: "web",
    });
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(0);
  });

  it("returns the task definition of the event's deployment from DescribeServices when service revisions fail", async () => {
    // Prepare
    withoutServiceRevisions(
      ecsMock,
      [],
      [
        {
          id: "ecs-svc/2",
          status: "PRIMARY",
          taskDefinition: "arn:aws:ecs:us-west-2:111122223333:task-definition/web:43",
        },
        { id: DEPLOYMENT_ID, status: "ACTIVE", taskDefinition: TASK_DEFINITION_ARN },
      ],
    );

    // Act
    const target = await resolveDeployment(ecs, tracked(), logger);

    // Assess
    expect(target).toMatchObject({
      taskDefinitionArn: TASK_DEFINITION_ARN,
      source: "service-deployment-list",
    });
    expect(logs.text()).toContain("falling back to DescribeServices");
  });

  it("returns the primary deployment's task definition with a warning when the deployment is gone", async () => {
    // Prepare
    withoutServiceRevisions(
      ecsMock,
      [],
      [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TASK_DEFINITION_ARN }],
    );

    // Act
    const target = await resolveDeployment(ecs, tracked(), logger);

    // Assess
    expect(target.source).toBe("primary-deployment");
    expect(
      logs
        .entries()
        .some((e) => e.level === "WARN" && String(e.message).includes("primary deployment")),
    ).toBe(true);
  });

  it("falls back to DescribeServices when the deployment is not among the service deployments", async () => {
    // Prepare
    withoutServiceRevisions(ecsMock, []);
    ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });

    // Act
    const target = await resolveDeployment(ecs, tracked(), logger);

    // Assess
    expect(target.source).toBe("service-deployment-list");
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)).toHaveLength(0);
  });

  it("throws AwsThrottledError when ListServiceDeployments is throttled", async () => {
    // Prepare
    ecsMock.on(ListServiceDeploymentsCommand).rejects(throttling());

    // Act
    const act = resolveDeployment(ecs, tracked(), logger);

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsThrottledError);
  });

  it("throws AwsThrottledError when DescribeServices is throttled", async () => {
    // Prepare
    withoutServiceRevisions(ecsMock, []);
    ecsMock.on(DescribeServicesCommand).rejects(throttling());

    // Act
    const act = resolveDeployment(ecs, tracked(), logger);

    // Assess
    await expect(act).rejects.toMatchObject({ name: "AwsThrottledError", retryable: true });
  });

  it("throws ServiceNotFoundError when the service does not exist", async () => {
    // Prepare
    withoutServiceRevisions(ecsMock, []);
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: "x", reason: "MISSING" }] });

    // Act
    const act = resolveDeployment(ecs, tracked(), logger);

    // Assess
    await expect(act).rejects.toBeInstanceOf(ServiceNotFoundError);
  });

  it("throws AwsRequestError (not retryable) when DescribeServices is denied", async () => {
    // Prepare
    withoutServiceRevisions(ecsMock, []);
    ecsMock.on(DescribeServicesCommand).rejects(accessDenied());

    // Act
    const act = resolveDeployment(ecs, tracked(), logger);

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsRequestError);
    await expect(act).rejects.toMatchObject({ retryable: false });
  });
});

describe("describeContainers", () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    ecsMock.reset();
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it("returns the task definition's containers in order", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        containerDefinitions: [
          { name: "app", image: ecrImage("app", "1") },
          { name: "log", image: "fluent/fluent-bit:3" },
        ],
      },
    });

    // Act
    const containers = await describeContainers(
      ecs,
      {
        taskDefinitionArn: TASK_DEFINITION_ARN,
        source: "service-revision",
        resolvedImages: new Map(),
      },
      logger,
    );

    // Assess
    expect(containers).toEqual([
      { name: "app", image: ecrImage("app", "1") },
      { name: "log", image: "fluent/fluent-bit:3" },
    ]);
  });

  it("returns the service revision's images when the task definition cannot be described", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(accessDenied());

    // Act
    const containers = await describeContainers(
      ecs,
      {
        taskDefinitionArn: TASK_DEFINITION_ARN,
        source: "service-revision",
        resolvedImages: new Map([["app", { image: "nginx:1", digest: digest("a") }]]),
      },
      logger,
    );

    // Assess
    expect(containers).toEqual([{ name: "app", image: "nginx:1" }]);
  });

  it("throws AwsThrottledError when DescribeTaskDefinition is throttled", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(throttling());

    // Act
    const act = describeContainers(
      ecs,
      {
        taskDefinitionArn: TASK_DEFINITION_ARN,
        source: "primary-deployment",
        resolvedImages: new Map(),
      },
      logger,
    );

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsThrottledError);
  });
});
