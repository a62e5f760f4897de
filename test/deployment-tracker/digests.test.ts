import { Logger } from "@aws-lambda-powertools/logger";
import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planDigests, resolveDigests } from "../../functions/deployment-tracker/digests.js";
import { AwsThrottledError } from "../../functions/deployment-tracker/errors.js";
import type { ResolvedImage } from "../../functions/deployment-tracker/types.js";
import {
  ACCOUNT,
  accessDenied,
  captureLogs,
  digest,
  ecrImage,
  REGION,
  throttling,
} from "./helpers.js";

const ecrMock = mockClient(ECRClient);
const ecrIn = (region: string) =>
  new ECRClient({
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  });
const none = new Map<string, ResolvedImage>();

describe("planDigests", () => {
  it("returns the service revision digest for Docker Hub, GHCR and public.ecr.aws images", () => {
    // Prepare
    const containers = [
      { name: "hub", image: "nginx:1.27" },
      { name: "ghcr", image: "ghcr.io/acme/api:2.0" },
      { name: "public", image: "public.ecr.aws/aws-observability/aws-otel-collector:latest" },
    ];
    const resolved = new Map<string, ResolvedImage>([
      ["hub", { digest: digest("1") }],
      ["ghcr", { digest: digest("2") }],
      ["public", { digest: digest("3") }],
    ]);

    // Act
    const plan = planDigests(containers, resolved);

    // Assess
    expect(plan.lookups).toEqual([]);
    expect(plan.containers.map((c) => [c.digest, c.digestSource])).toEqual([
      [digest("1"), "service-revision"],
      [digest("2"), "service-revision"],
      [digest("3"), "service-revision"],
    ]);
  });

  it("returns the pinned digest of repo@sha256 and repo:tag@sha256 references without ECR", () => {
    // Prepare
    const containers = [
      { name: "pinned", image: `nginx@${digest("a")}` },
      { name: "tagged", image: `${ecrImage("team/app", "v1")}@${digest("b")}` },
    ];

    // Act
    const plan = planDigests(containers, none);

    // Assess
    expect(plan.lookups).toEqual([]);
    expect(plan.containers.map((c) => c.digest)).toEqual([digest("a"), digest("b")]);
  });

  it("groups ECR lookups per registry, region and repository", () => {
    // Prepare
    const containers = [
      { name: "a", image: ecrImage("team/app", "v1") },
      { name: "b", image: ecrImage("team/app", "v2") },
      { name: "c", image: ecrImage("team/app", "v1") },
      { name: "d", image: ecrImage("team/app", "v1", "444455556666") },
      { name: "e", image: ecrImage("team/app", "v1", ACCOUNT, "eu-central-1") },
      { name: "f", image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/other` },
    ];

    // Act
    const plan = planDigests(containers, none);

    // Assess
    expect(plan.lookups).toEqual([
      { region: REGION, registryId: ACCOUNT, repository: "team/app", tags: ["v1", "v2"] },
      { region: REGION, registryId: "444455556666", repository: "team/app", tags: ["v1"] },
      { region: "eu-central-1", registryId: ACCOUNT, repository: "team/app", tags: ["v1"] },
      { region: REGION, registryId: ACCOUNT, repository: "other", tags: ["latest"] },
    ]);
  });

  it("returns no source for registries with ports and unparsable images", () => {
    // Prepare
    const containers = [
      { name: "local", image: "localhost:5000/app:1" },
      { name: "broken", image: "NOT A REFERENCE" },
    ];

    // Act
    const plan = planDigests(containers, none);

    // Assess
    expect(plan.lookups).toEqual([]);
    expect(plan.containers.map((c) => [c.digest, c.digestSource])).toEqual([
      [null, "none"],
      [null, "none"],
    ]);
  });
});

describe("resolveDigests", () => {
  let logs: ReturnType<typeof captureLogs>;
  const logger = new Logger({ serviceName: "test", logLevel: "DEBUG" });

  beforeEach(() => {
    ecrMock.reset();
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it("returns ECR digests for cross-account and cross-region images with one call per repository", async () => {
    // Prepare
    ecrMock
      .on(BatchGetImageCommand)
      .callsFake(async (input: { registryId: string; imageIds: { imageTag: string }[] }) => ({
        images: input.imageIds.map((id) => ({
          imageId: {
            imageTag: id.imageTag,
            imageDigest: digest(input.registryId === ACCOUNT ? "c" : "d"),
          },
        })),
        failures: [],
      }));
    const containers = [
      { name: "app", image: ecrImage("team/app", "v1") },
      { name: "worker", image: ecrImage("team/app", "v1") },
      { name: "shared", image: ecrImage("platform/agent", "3", "444455556666", "eu-central-1") },
    ];

    // Act
    const images = await resolveDigests(containers, none, ecrIn, logger);

    // Assess
    expect(images.map((i) => i.digest)).toEqual([digest("c"), digest("c"), digest("d")]);
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(2);
    expect(ecrMock.commandCalls(BatchGetImageCommand)[1]?.args[0].input).toMatchObject({
      registryId: "444455556666",
      repositoryName: "platform/agent",
    });
  });

  it("returns digest null with a warning when ECR has no such tag", async () => {
    // Prepare
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [],
      failures: [
        {
          imageId: { imageTag: "gone" },
          failureCode: "ImageNotFound",
          failureReason: "Requested image not found",
        },
      ],
    });

    // Act
    const images = await resolveDigests(
      [{ name: "app", image: ecrImage("team/app", "gone") }],
      none,
      ecrIn,
      logger,
    );

    // Assess
    expect(images).toEqual([
      {
        containerName: "app",
        image: ecrImage("team/app", "gone"),
        digest: null,
        digestSource: "none",
      },
    ]);
    expect(logs.text()).toContain("No digest for container image");
  });

  it("returns digest null when ECR refuses access", async () => {
    // Prepare
    ecrMock.on(BatchGetImageCommand).rejects(accessDenied());

    // Act
    const images = await resolveDigests(
      [{ name: "app", image: ecrImage("team/app", "v1", "444455556666") }],
      none,
      ecrIn,
      logger,
    );

    // Assess
    expect(images[0]?.digest).toBeNull();
    expect(logs.text()).toContain("ECR lookup failed");
  });

  it("throws AwsThrottledError when ECR throttles", async () => {
    // Prepare
    ecrMock.on(BatchGetImageCommand).rejects(throttling());

    // Act
    const act = resolveDigests(
      [{ name: "app", image: ecrImage("team/app", "v1") }],
      none,
      ecrIn,
      logger,
    );

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsThrottledError);
    await expect(act).rejects.toMatchObject({ retryable: true });
  });

  it("returns a null digest for a registry with a port and still returns every container", async () => {
    // Act
    const images = await resolveDigests(
      [
        { name: "local", image: "localhost:5000/app:1" },
        { name: "pinned", image: `localhost:5000/app:1@${digest("e")}` },
      ],
      none,
      ecrIn,
      logger,
    );

    // Assess
    expect(images.map((i) => i.digest)).toEqual([null, digest("e")]);
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it("prefers the service revision digest over ECR", async () => {
    // Act
    const images = await resolveDigests(
      [{ name: "app", image: ecrImage("team/app", "v1") }],
      new Map([["app", { digest: digest("f") }]]),
      ecrIn,
      logger,
    );

    // Assess
    expect(images[0]).toMatchObject({ digest: digest("f"), digestSource: "service-revision" });
    expect(ecrMock.calls()).toHaveLength(0);
  });
});
