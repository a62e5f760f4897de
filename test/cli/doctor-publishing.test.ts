import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  gatherPublishingFacts,
  publishesImages,
  publishingVerdicts,
} from "../../cli/doctor/publishing.js";
import type { Check } from "../../cli/doctor/types.js";
import { motoAvailable } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";

const REGION = "us-east-1";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app";
const V1 = `${IMAGE}:v1@sha256:${"a".repeat(64)}`;
const V2 = `${IMAGE}:v2@sha256:${"b".repeat(64)}`;
const PATH = "/ecs-deployments/images";
const FOLLOW = "ecs-deployments:follow";
const PUBLISH = "ecs-deployments:publish";

describe("publishesImages", () => {
  it.each([
    [{ PUBLISH_IMAGES: "true" }, true],
    [{ PUBLISH_IMAGES: "TRUE" }, true],
    [{ PUBLISH_IMAGES: "false" }, false],
    [{}, false],
  ])("reads %j as %s", (environment, expected) => {
    // Act / Assess
    expect(publishesImages(environment)).toBe(expected);
  });
});

describe.skipIf(!motoAvailable())("doctor's published-image checks against moto_server", () => {
  motoServerFixture(REGION);
  let checks: Check[];

  beforeAll(async () => {
    const ecs = new ECSClient({ region: REGION });
    const ssm = new SSMClient({ region: REGION });
    await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
    const services: [string, Record<string, string>, string | undefined][] = [
      ["web", { [FOLLOW]: "v+", [PUBLISH]: "true" }, V2],
      ["api", { [FOLLOW]: "v+", [PUBLISH]: "true" }, V1],
      ["jobs", { [FOLLOW]: "v+", [PUBLISH]: "true" }, undefined],
      ["batch", { [FOLLOW]: "v+" }, undefined],
      ["named", { [FOLLOW]: "v+", [PUBLISH]: `${PATH}/named-app` }, V2],
      ["stray", { [FOLLOW]: "v+", [PUBLISH]: "/elsewhere/app" }, undefined],
    ];
    for (const [name, tags, parameter] of services) {
      const { taskDefinition } = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: name,
          containerDefinitions: [
            { name: "app", image: V2, memory: 128 },
            { name: "proxy", image: "public.ecr.aws/nginx/nginx:1.27", memory: 64 },
          ],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: "prod",
          serviceName: name,
          taskDefinition: taskDefinition?.taskDefinitionArn,
          desiredCount: 1,
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        }),
      );
      if (parameter !== undefined) {
        const parameterName = tags[PUBLISH]?.startsWith("/")
          ? (tags[PUBLISH] as string)
          : `${PATH}/prod/${name}/app`;
        await ssm.send(
          new PutParameterCommand({ Name: parameterName, Value: parameter, Type: "String" }),
        );
      }
    }
    const facts = await gatherPublishingFacts(
      { ecs, ssm },
      { PUBLISH_IMAGES: "true", ALLOWED_CLUSTERS: "prod", IMAGE_PARAMETER_PATH: PATH },
    );
    checks = publishingVerdicts(facts);
  });

  const check = (subject: string) => checks.find((c) => c.subject === subject);

  it("passes a parameter that names the image the service runs", () => {
    // Assess
    expect(check(`parameter ${PATH}/prod/web/app`)).toEqual({
      status: "pass",
      subject: `parameter ${PATH}/prod/web/app`,
      message: `names the image prod/web runs (${V2})`,
    });
    expect(check(`parameter ${PATH}/named-app`)?.status).toBe("pass");
  });

  it("fails a parameter that names another image, with the command that fixes it", () => {
    // Assess
    expect(check(`parameter ${PATH}/prod/api/app`)).toMatchObject({
      status: "fail",
      message: expect.stringContaining(`names ${V1}, but prod/api runs ${V2}`),
      fix: expect.stringContaining(
        `aws ssm put-parameter --overwrite --type String --name ${PATH}/prod/api/app --value ${V2}`,
      ),
    });
  });

  it("fails a service that asks for publishing but has no parameter", () => {
    // Assess
    expect(check(`parameter ${PATH}/prod/jobs/app`)).toMatchObject({
      status: "fail",
      message: "does not exist: prod/jobs asks for its image to be published",
    });
  });

  it("fails a publish tag outside the path, and checks nothing for services without the tag or for non-ECR containers", () => {
    // Assess
    expect(check("service prod/stray")).toMatchObject({
      status: "fail",
      message: expect.stringContaining("is not rolled"),
    });
    expect(checks.filter((c) => c.subject.includes("batch"))).toEqual([]);
    expect(checks.filter((c) => c.subject.includes("proxy"))).toEqual([]);
    expect(checks).toHaveLength(5);
  });
});
