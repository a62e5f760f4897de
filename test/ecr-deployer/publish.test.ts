import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import {
  GetParameterCommand,
  type GetParameterCommandInput,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { PartialFailureError } from "../../functions/ecr-deployer/errors.js";
import type { DeployerConfig, DeploymentSummary } from "../../functions/ecr-deployer/types.js";
import { throughQueue } from "../../scripts/fakes/rollout-queue.js";
import {
  addTaskDefinition,
  config,
  digest,
  emptyFleet,
  type FakeFleet,
  pushEvent,
  REGISTRY,
  serveFleet,
  silentLogger,
} from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);
const ssmMock = mockClient(SSMClient);
const FOLLOW = "ecs-deployments:follow";
const PUBLISH = "ecs-deployments:publish";
const PATH = "/ecs-deployments/images";
const sleep = vi.fn(async (_ms: number) => {});
const V1 = `${REGISTRY}/team/app:v1@${digest("a")}`;
const V2 = `${REGISTRY}/team/app:v2@${digest("b")}`;
const V3 = `${REGISTRY}/team/app:v3@${digest("c")}`;

/** The Parameter Store calls, in order (`GetParameter /…`, `PutParameter /…`). */
let calls: string[];

function handlerWith(overrides: Partial<DeployerConfig> = {}) {
  return throughQueue({
    config: config({ publishImages: true, imageParameterPath: PATH, ...overrides }),
    logger: silentLogger(),
    sleep,
  });
}

/**
 * An in-memory Parameter Store answering the mocked SSM client: writes of `denied` names
 * are refused (access denied), and the first `throttled` writes are throttled.
 */
function serveParameters(
  parameters: Map<string, string>,
  { denied = [], throttled = 0 }: { denied?: readonly string[]; throttled?: number } = {},
): void {
  ssmMock.on(GetParameterCommand).callsFake((input: GetParameterCommandInput) => {
    calls.push(`GetParameter ${input.Name}`);
    const value = parameters.get(input.Name ?? "");
    if (value === undefined)
      throw Object.assign(new Error(`Parameter ${input.Name} not found.`), {
        name: "ParameterNotFound",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    return { Parameter: { Name: input.Name, Type: "String", Value: value, Version: 1 } };
  });
  ssmMock.on(PutParameterCommand).callsFake((input: PutParameterCommandInput) => {
    calls.push(`PutParameter ${input.Name}`);
    if (throttled-- > 0)
      throw Object.assign(new Error("Rate exceeded"), {
        name: "ThrottlingException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    if (denied.includes(input.Name ?? ""))
      throw Object.assign(new Error(`not authorized to perform: ssm:PutParameter`), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    parameters.set(input.Name as string, input.Value as string);
    return { Version: 2, Tier: "Standard" };
  });
}

/** prod/web on app:1 (team/app v1), following `v*` and publishing by convention; images v1 (10:00), v2 (12:00), v3 (13:00). */
function publishingFleet(publish = "true"): FakeFleet {
  const fleet = emptyFleet();
  fleet.clusters.push("prod");
  const td = addTaskDefinition(fleet, "app", 1, [
    { name: "app", image: V1 },
    { name: "proxy", image: `${REGISTRY}/team/proxy:1.0` },
  ]);
  fleet.services.push({
    cluster: "prod",
    name: "web",
    taskDefinition: td,
    tags: { [FOLLOW]: "v*", [PUBLISH]: publish },
  });
  fleet.images.push(
    { digest: digest("a"), tags: ["v1"], pushedAt: new Date("2026-01-01T10:00:00Z") },
    { digest: digest("b"), tags: ["v2"], pushedAt: new Date("2026-01-01T12:00:00Z") },
    { digest: digest("c"), tags: ["v3"], pushedAt: new Date("2026-01-01T13:00:00Z") },
  );
  return fleet;
}

function addService(fleet: FakeFleet, name: string, tags: Record<string, string>): void {
  const td = fleet.services[0]?.taskDefinition as string;
  fleet.services.push({
    cluster: "prod",
    name,
    taskDefinition: td,
    tags: { [FOLLOW]: "v*", ...tags },
  });
}

function serve(fleet: FakeFleet): void {
  serveFleet(ecsMock, ecrMock, fleet);
}

function updatedServices(): (string | undefined)[] {
  return ecsMock
    .commandCalls(UpdateServiceCommand)
    .map((c) => c.args[0].input.service?.split("/").pop());
}

async function failureOf(run: Promise<DeploymentSummary>): Promise<PartialFailureError> {
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PartialFailureError);
  return error as PartialFailureError;
}

describe("publishing deployed images", () => {
  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
    ssmMock.reset();
    sleep.mockClear();
    calls = [];
  });

  it("writes the pinned image to the conventional parameter after UpdateService", async () => {
    // Prepare
    const fleet = publishingFleet();
    serve(fleet);
    const parameters = new Map<string, string>();
    serveParameters(parameters);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(calls).toEqual([
      `GetParameter ${PATH}/prod/web/app`,
      `PutParameter ${PATH}/prod/web/app`,
    ]);
    const [update] = ecsMock.commandCalls(UpdateServiceCommand);
    const [get] = ssmMock.commandCalls(GetParameterCommand);
    expect(get && update?.calledBefore(get)).toBe(true);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]?.args[0].input).toEqual({
      Name: `${PATH}/prod/web/app`,
      Value: V2,
      Type: "String",
      Overwrite: true,
    });
    expect(summary.published).toEqual([
      {
        cluster: "prod",
        service: "web",
        parameter: `${PATH}/prod/web/app`,
        image: V2,
        outcome: "written",
      },
    ]);
    expect(summary.status).toBe("deployed");
  });

  it.each([
    ["digest", `${REGISTRY}/team/app@${digest("b")}`],
    ["tag", `${REGISTRY}/team/app:v2`],
  ] as const)("writes the image in pin mode %s", async (imagePin, expected) => {
    // Prepare
    serve(publishingFleet());
    const parameters = new Map<string, string>();
    serveParameters(parameters);

    // Act
    await handlerWith({ imagePin })(pushEvent());

    // Assess
    expect(parameters.get(`${PATH}/prod/web/app`)).toBe(expected);
  });

  it("writes the parameter the publish tag names", async () => {
    // Prepare
    serve(publishingFleet(`${PATH}/web-app`));
    const parameters = new Map([[`${PATH}/web-app`, "public.ecr.aws/nginx/nginx:latest"]]);
    serveParameters(parameters);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect([...parameters]).toEqual([[`${PATH}/web-app`, V2]]);
    expect(summary.published.map((p) => p.outcome)).toEqual(["written"]);
  });

  it.each([
    ["no publish tag", undefined, true],
    ['publish tag "false"', "false", true],
    ["publishing off in the module", "true", false],
  ] as const)("rolls the service and touches no parameter with %s", async (_case, tag, on) => {
    // Prepare
    const fleet = publishingFleet();
    fleet.services[0] = {
      ...(fleet.services[0] as FakeFleet["services"][number]),
      tags: { [FOLLOW]: "v*", ...(tag !== undefined && { [PUBLISH]: tag }) },
    };
    serve(fleet);
    serveParameters(new Map());

    // Act
    const summary = await handlerWith({ publishImages: on })(pushEvent());

    // Assess
    expect(summary.updated.map((u) => u.service)).toEqual(["web"]);
    expect(ssmMock.calls()).toHaveLength(0);
    expect(summary.published).toEqual([]);
  });

  it("does not roll a service whose publish tag names a parameter outside the path, and rolls the others", async () => {
    // Prepare
    const fleet = publishingFleet("/other-team/images/web");
    addService(fleet, "api", {});
    serve(fleet);
    serveParameters(new Map());

    // Act
    const error = await failureOf(handlerWith()(pushEvent()));

    // Assess
    expect(error.retryable).toBe(false);
    expect(error.failures).toEqual([
      {
        cluster: "prod",
        service: "web",
        error: expect.stringContaining(`a parameter name under ${PATH}/`),
        retryable: false,
      },
    ]);
    expect(updatedServices()).toEqual(["api"]);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it("leaves a parameter that names an image pushed after this push, and still rolls the service", async () => {
    // Prepare: web runs v1; the parameter already names v3 (13:00), a later push than v2 (12:00).
    serve(publishingFleet());
    const parameters = new Map([[`${PATH}/prod/web/app`, V3]]);
    serveParameters(parameters);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(summary.updated.map((u) => u.service)).toEqual(["web"]);
    expect(parameters.get(`${PATH}/prod/web/app`)).toBe(V3);
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(summary.published).toEqual([
      expect.objectContaining({ outcome: "newer-kept", image: V2, kept: V3 }),
    ]);
    expect(ecrMock.commandCalls(DescribeImagesCommand).at(-1)?.args[0].input.imageIds).toEqual([
      { imageDigest: digest("c") },
    ]);
  });

  it("overwrites a parameter that names an image pushed before this push", async () => {
    // Prepare: the parameter names v1 (10:00), which the service's task definition references too.
    serve(publishingFleet());
    const parameters = new Map([[`${PATH}/prod/web/app`, V1]]);
    serveParameters(parameters);

    // Act
    await handlerWith()(pushEvent());

    // Assess
    expect(parameters.get(`${PATH}/prod/web/app`)).toBe(V2);
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it("moves neither the service nor the parameter when an older push arrives late", async () => {
    // Prepare: web already runs v3 and the parameter names it.
    const fleet = publishingFleet();
    const td = addTaskDefinition(fleet, "app", 3, [{ name: "app", image: V3 }]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serve(fleet);
    const parameters = new Map([[`${PATH}/prod/web/app`, V3]]);
    serveParameters(parameters);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(summary.skipped).toEqual([expect.objectContaining({ reason: "newer-image-running" })]);
    expect(updatedServices()).toEqual([]);
    expect(ssmMock.calls()).toHaveLength(0);
    expect(parameters.get(`${PATH}/prod/web/app`)).toBe(V3);
  });

  it("writes nothing in a dry run and lists the parameters it would write", async () => {
    // Prepare
    serve(publishingFleet());
    serveParameters(new Map());

    // Act
    const summary = await handlerWith({ dryRun: true })(pushEvent());

    // Assess
    expect(ssmMock.calls()).toHaveLength(0);
    expect(updatedServices()).toEqual([]);
    expect(summary.planned).toEqual([
      expect.objectContaining({ service: "web", parameters: [`${PATH}/prod/web/app`] }),
    ]);
    expect(summary.published).toEqual([]);
  });

  it("skips the write when the parameter already names the image", async () => {
    // Prepare: a retry after a complete run.
    serve(publishingFleet());
    const parameters = new Map<string, string>();
    serveParameters(parameters);
    const handler = handlerWith();
    await handler(pushEvent());
    calls = [];

    // Act
    const summary = await handler(pushEvent());

    // Assess
    expect(calls).toEqual([`GetParameter ${PATH}/prod/web/app`]);
    expect(summary.published).toEqual([expect.objectContaining({ outcome: "unchanged" })]);
  });

  it("reports a denied write for that service only: every service rolls, the other parameters are written", async () => {
    // Prepare: web's parameter write is denied; api publishes; jobs does not publish.
    const fleet = publishingFleet();
    addService(fleet, "api", { [PUBLISH]: "true" });
    addService(fleet, "jobs", {});
    serve(fleet);
    const parameters = new Map<string, string>();
    serveParameters(parameters, { denied: [`${PATH}/prod/web/app`] });

    // Act
    const error = await failureOf(handlerWith()(pushEvent()));

    // Assess
    expect(error.failures).toEqual([
      {
        cluster: "prod",
        service: "web",
        parameter: `${PATH}/prod/web/app`,
        error: expect.stringMatching(/^PutParameter: AccessDeniedException: /),
        retryable: false,
      },
    ]);
    expect(error.retryable).toBe(false);
    expect(fleet.services.map((s) => s.taskDefinition.split("/").pop())).toEqual([
      "app:2",
      "app:2",
      "app:2",
    ]);
    expect([...parameters]).toEqual([[`${PATH}/prod/api/app`, V2]]);
  });

  it("publishes on a retry what an earlier attempt rolled but could not write", async () => {
    // Prepare: the first attempt's write is throttled (a mocked client has no SDK retries).
    serve(publishingFleet());
    const parameters = new Map<string, string>();
    serveParameters(parameters, { throttled: 1 });
    const handler = handlerWith();
    const first = await failureOf(handler(pushEvent()));
    expect(first.retryable).toBe(true);

    // Act
    const summary = await handler(pushEvent());

    // Assess
    expect(summary.skipped).toEqual([
      expect.objectContaining({ reason: "already-on-pushed-image" }),
    ]);
    expect(summary.published).toEqual([expect.objectContaining({ outcome: "written", image: V2 })]);
    expect(parameters.get(`${PATH}/prod/web/app`)).toBe(V2);
  });
});
