import {
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { applyPlan } from "../../functions/ecr-deployer/apply.js";
import type { Pacer } from "../../functions/ecr-deployer/throttle.js";
import type { CandidateService, TaskDefinitionChange } from "../../functions/ecr-deployer/types.js";
import { ACCOUNT, REGION, silentLogger } from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({ region: REGION });

const tdArn = (family: string, revision: number) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
const candidate = (name: string, family: string): CandidateService => ({
  cluster: "prod",
  service: name,
  serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/${name}`,
  taskDefinitionArn: tdArn(family, 1),
  pattern: "v*",
  patternSource: "tag",
});
const change = (family: string, services: string[], register = true): TaskDefinitionChange => ({
  sourceArn: tdArn(family, 1),
  family,
  containers: [{ container: "app", from: "repo:v1", to: "repo:v2" }],
  images: [{ container: "app", image: "repo:v2" }],
  ...(register && {
    input: { family, containerDefinitions: [{ name: "app", image: "repo:v2" }] },
  }),
  services: services.map((s) => candidate(s, family)),
});
const awsError = (name: string, status = 400) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

function pacers() {
  const registerPacer: Pacer = { wait: vi.fn(async () => {}) };
  const updatePacer: Pacer = { wait: vi.fn(async () => {}) };
  return { registerPacer, updatePacer };
}

describe("applyPlan", () => {
  beforeEach(() => {
    ecsMock.reset();
    ecsMock
      .on(RegisterTaskDefinitionCommand)
      .callsFake((input: RegisterTaskDefinitionCommandInput) => ({
        taskDefinition: { taskDefinitionArn: tdArn(input.family as string, 2) },
      }));
    ecsMock.on(UpdateServiceCommand).resolves({});
  });

  it("registers one revision per change and moves each of its services to it, pacing every call", async () => {
    // Prepare
    const paced = pacers();

    // Act
    const result = await applyPlan(
      {
        changes: [change("app", ["web", "api"]), change("worker", ["jobs"])],
        skipped: [],
        current: [],
      },
      { ecs, logger: silentLogger(), ...paced },
    );

    // Assess
    expect(result.registered).toEqual([tdArn("app", 2), tdArn("worker", 2)]);
    expect(result.updated.map((u) => [u.service, u.toTaskDefinition])).toEqual([
      ["web", tdArn("app", 2)],
      ["api", tdArn("app", 2)],
      ["jobs", tdArn("worker", 2)],
    ]);
    expect(result.failed).toEqual([]);
    expect(paced.registerPacer.wait).toHaveBeenCalledTimes(2);
    expect(paced.updatePacer.wait).toHaveBeenCalledTimes(3);
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: "prod",
      service: candidate("web", "app").serviceArn,
      taskDefinition: tdArn("app", 2),
    });
  });

  it("forces a new deployment of the same revision when there is nothing to register", async () => {
    // Act
    const result = await applyPlan(
      { changes: [change("app", ["web"], false)], skipped: [], current: [] },
      { ecs, logger: silentLogger(), ...pacers() },
    );

    // Assess
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({
      taskDefinition: tdArn("app", 1),
      forceNewDeployment: true,
    });
    expect(result.updated).toHaveLength(1);
  });

  it("fails every service of a change whose registration fails, and carries on with the others", async () => {
    // Prepare
    ecsMock
      .on(RegisterTaskDefinitionCommand, { family: "app" })
      .rejects(awsError("AccessDeniedException"));

    // Act
    const result = await applyPlan(
      {
        changes: [change("app", ["web", "api"]), change("worker", ["jobs"])],
        skipped: [],
        current: [],
      },
      { ecs, logger: silentLogger(), ...pacers() },
    );

    // Assess
    expect(result.failed).toEqual([
      {
        cluster: "prod",
        service: "web",
        error: "RegisterTaskDefinition: AccessDeniedException: AccessDeniedException happened",
        retryable: false,
      },
      expect.objectContaining({ service: "api", retryable: false }),
    ]);
    expect(result.updated.map((u) => u.service)).toEqual(["jobs"]);
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(2);
  });

  it("fails only the service whose update fails, retryable when ECS failed on its side", async () => {
    // Prepare
    ecsMock
      .on(UpdateServiceCommand, { service: candidate("web", "app").serviceArn })
      .rejects(awsError("ServerException", 500));

    // Act
    const result = await applyPlan(
      { changes: [change("app", ["web", "api"])], skipped: [], current: [] },
      { ecs, logger: silentLogger(), ...pacers() },
    );

    // Assess
    expect(result.failed).toEqual([
      {
        cluster: "prod",
        service: "web",
        error: "UpdateService: ServerException: ServerException happened",
        retryable: true,
      },
    ]);
    expect(result.updated.map((u) => u.service)).toEqual(["api"]);
  });

  it("fails the services when RegisterTaskDefinition returns no ARN", async () => {
    // Prepare
    ecsMock.on(RegisterTaskDefinitionCommand).resolves({});

    // Act
    const result = await applyPlan(
      { changes: [change("app", ["web"])], skipped: [], current: [] },
      { ecs, logger: silentLogger(), ...pacers() },
    );

    // Assess
    expect(result.failed).toEqual([
      expect.objectContaining({
        service: "web",
        error: expect.stringContaining("returned no task definition ARN"),
      }),
    ]);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });
});
