import { Logger } from "@aws-lambda-powertools/logger";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/ecr-deployer/config.js";
import { PartialFailureError } from "../../functions/ecr-deployer/errors.js";
import type { DeploymentSummary } from "../../functions/ecr-deployer/types.js";
import { throughQueue } from "../../scripts/fakes/rollout-queue.js";
import { ecrPushEvent, motoAvailable, pushFakeImage } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { type AccessKey, createMotoUser, setMotoAuthentication } from "../support/moto-iam.js";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const REPOSITORY = "team/app";
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}`;
const PATH = "/platform/images";
const WEB_PARAMETER = `${PATH}/prod/web/app`;
const API_PARAMETER = `${PATH}/prod/api/app`;
const noSleep = async () => {};

describe.skipIf(!motoAvailable())("ecr-deployer publishing images against moto_server", () => {
  const moto = motoServerFixture(REGION);
  let ecs: ECSClient;
  let ecr: ECRClient;
  let ssm: SSMClient;
  const digests = new Map<string, string>();

  /** A handler as the module configures it, with publishing on; `credentials` sign every call. */
  function handler(options: { dryRun?: boolean; credentials?: AccessKey } = {}) {
    const { credentials } = options;
    const config = loadConfig({
      PUBLISH_IMAGES: "true",
      IMAGE_PARAMETER_PATH: PATH,
      DRY_RUN: String(options.dryRun ?? false),
    });
    // Push and rollout through an in-memory queue (the SQS path is in integration.test.ts).
    return throughQueue({
      config,
      logger: new Logger({ serviceName: "publish-integration", logLevel: "SILENT" }),
      sleep: noSleep,
      ...(credentials && {
        ecsIn: (region: string) => new ECSClient({ region, credentials }),
        ecrIn: (region: string) => new ECRClient({ region, credentials }),
        ssmIn: (region: string) => new SSMClient({ region, credentials }),
      }),
    });
  }

  /** Pushes `tag` to the repository and returns its push event (`time`: the event's). */
  async function push(tag: string, time?: Date) {
    const pushed = await pushFakeImage(ecr, REPOSITORY, tag);
    const digest = pushed.image?.imageId?.imageDigest as string;
    digests.set(tag, digest);
    return eventFor(tag, time);
  }

  function eventFor(tag: string, time = new Date()) {
    return ecrPushEvent({
      account: ACCOUNT,
      region: REGION,
      repository: REPOSITORY,
      digest: digests.get(tag) as string,
      tag,
      time,
    });
  }

  const pinned = (tag: string) => `${IMAGE}:${tag}@${digests.get(tag)}`;

  async function imageOf(service: string): Promise<string | undefined> {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: [service] }),
    );
    const described = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: services?.[0]?.taskDefinition }),
    );
    return described.taskDefinition?.containerDefinitions?.find((c) => c.name === "app")?.image;
  }

  async function parameter(name: string): Promise<string | undefined> {
    try {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
      return Parameter?.Value;
    } catch (error) {
      if ((error as { name?: string }).name === "ParameterNotFound") return undefined;
      throw error;
    }
  }

  beforeAll(async () => {
    ecs = new ECSClient({ region: REGION });
    ecr = new ECRClient({ region: REGION });
    ssm = new SSMClient({ region: REGION });

    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await push("v1", new Date(Date.now() - 3_600_000));
    await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "app", image: pinned("v1"), essential: true }],
      }),
    );
    // web publishes (as a Terraform-managed service would); api only follows.
    for (const [serviceName, publish] of [
      ["web", "true"],
      ["api", undefined],
    ] as const) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: "prod",
          serviceName,
          taskDefinition: registered.taskDefinition?.taskDefinitionArn,
          desiredCount: 1,
          launchType: "FARGATE",
          tags: [
            { key: "ecs-deployments:follow", value: "v*" },
            ...(publish ? [{ key: "ecs-deployments:publish", value: publish }] : []),
          ],
        }),
      );
    }
    // What the team's Terraform creates: the parameter with its initial image.
    await ssm.send(
      new PutParameterCommand({ Name: WEB_PARAMETER, Value: pinned("v1"), Type: "String" }),
    );
  });

  afterAll(async () => {
    if (moto.running) await setMotoAuthentication(moto.endpoint, false).catch(() => {});
  });

  it("rolls a push out and writes the pinned image to the parameter of the service that asks", async () => {
    // Prepare
    const event = await push("v2");

    // Act
    const summary = await handler()(event);

    // Assess
    expect(summary.updated.map((u) => u.service).sort()).toEqual(["api", "web"]);
    expect(await imageOf("web")).toBe(pinned("v2"));
    expect(await parameter(WEB_PARAMETER)).toBe(pinned("v2"));
    expect(summary.published).toEqual([
      expect.objectContaining({ service: "web", parameter: WEB_PARAMETER, outcome: "written" }),
    ]);
  });

  it("gives the service without the publish tag no parameter", async () => {
    // Prepare / Act
    const value = await parameter(API_PARAMETER);

    // Assess
    expect(await imageOf("api")).toBe(pinned("v2"));
    expect(value).toBeUndefined();
  });

  it("moves neither the services nor the parameter when an older push arrives late", async () => {
    // Prepare: v1's event, an hour older than v2's push.
    const late = eventFor("v1", new Date(Date.now() - 3_600_000));

    // Act
    const summary = await handler()(late);

    // Assess
    expect(summary.updated).toEqual([]);
    expect(summary.skipped.map((s) => s.reason)).toEqual([
      "newer-image-running",
      "newer-image-running",
    ]);
    expect(await imageOf("web")).toBe(pinned("v2"));
    expect(await parameter(WEB_PARAMETER)).toBe(pinned("v2"));
  });

  it("writes nothing in a dry run", async () => {
    // Prepare
    const event = await push("v3");

    // Act
    const summary = await handler({ dryRun: true })(event);

    // Assess
    expect(summary.status).toBe("planned");
    expect(summary.planned?.find((p) => p.service === "web")?.parameters).toEqual([WEB_PARAMETER]);
    expect(await imageOf("web")).toBe(pinned("v2"));
    expect(await parameter(WEB_PARAMETER)).toBe(pinned("v2"));
  });

  it("reports a denied parameter write for that service and neither undoes nor blocks any rollout", async () => {
    // Prepare: the deployer's identity may do anything but ssm:PutParameter.
    const credentials = await createMotoUser(moto.endpoint, "deployer-without-put", {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Deny", Action: "ssm:PutParameter", Resource: "*" },
      ],
    });
    const event = eventFor("v3");
    await setMotoAuthentication(moto.endpoint, true);

    // Act
    let error: unknown;
    try {
      await handler({ credentials })(event);
    } catch (caught) {
      error = caught;
    } finally {
      await setMotoAuthentication(moto.endpoint, false);
    }

    // Assess
    expect(error).toBeInstanceOf(PartialFailureError);
    const failure = error as PartialFailureError;
    expect(failure.retryable).toBe(false);
    expect(failure.failures).toEqual([
      {
        cluster: "prod",
        service: "web",
        parameter: WEB_PARAMETER,
        // moto answers a denied call of a JSON API in XML, which the SDK cannot parse, so the
        // name is not AccessDeniedException here; publish.test.ts checks it with AWS's shape.
        error: expect.stringMatching(/^PutParameter: /),
        retryable: false,
      },
    ]);
    expect(await imageOf("web")).toBe(pinned("v3"));
    expect(await imageOf("api")).toBe(pinned("v3"));
    expect(await parameter(WEB_PARAMETER)).toBe(pinned("v2"));
  });

  it("publishes on the retry once the write is allowed again", async () => {
    // Prepare
    const event = eventFor("v3");

    // Act
    const summary: DeploymentSummary = await handler()(event);

    // Assess
    expect(summary.updated).toEqual([]);
    expect(summary.published).toEqual([
      expect.objectContaining({ service: "web", outcome: "written", image: pinned("v3") }),
    ]);
    expect(await parameter(WEB_PARAMETER)).toBe(pinned("v3"));
  });
});
