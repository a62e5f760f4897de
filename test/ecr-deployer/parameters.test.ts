import { describe, expect, it } from "vitest";
import {
  decideParameter,
  publicationsOf,
  readPublishTag,
} from "../../functions/ecr-deployer/parameters.js";
import type { CandidateService, PublishTarget } from "../../functions/ecr-deployer/types.js";
import { digest, pushedImage, REGISTRY } from "./support.js";

const PATH = "/ecs-deployments/images";

function service(
  publishTo: PublishTarget,
  name = "web",
): CandidateService & { publishTo: PublishTarget } {
  return {
    cluster: "prod",
    service: name,
    serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
    taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
    pattern: "v*",
    patternSource: "tag",
    publishTo,
  };
}

describe("readPublishTag", () => {
  it.each([
    [undefined, { kind: "off" }],
    ["", { kind: "off" }],
    ["false", { kind: "off" }],
    [" FALSE ", { kind: "off" }],
    ["true", { kind: "target", target: { kind: "conventional-names" } }],
    ["True", { kind: "target", target: { kind: "conventional-names" } }],
    [`${PATH}/web`, { kind: "target", target: { kind: "named", name: `${PATH}/web` } }],
    [
      `${PATH}/team.a/web_app-1`,
      { kind: "target", target: { kind: "named", name: `${PATH}/team.a/web_app-1` } },
    ],
  ] as const)("reads %j", (value, expected) => {
    // Act
    const result = readPublishTag(value, PATH);

    // Assess
    expect(result).toEqual(expected);
  });

  it.each([
    ["yes"],
    ["/other/images/web"],
    [`${PATH}`],
    [`${PATH}/`],
    [`${PATH}web`],
    [`${PATH}/web app`],
    [`${PATH}/web//app`],
    [`${PATH}/a/b/c/d/e/f/g/h/i/j/k/l/m/n`],
  ])("says why %s is invalid", (value) => {
    // Act
    const result = readPublishTag(value, PATH);

    // Assess
    expect(result).toMatchObject({
      kind: "invalid",
      error: expect.stringContaining(`got "${value}"`),
    });
  });
});

describe("publicationsOf", () => {
  it("returns one conventional parameter per container of the pushed repository", () => {
    // Act
    const result = publicationsOf(
      service({ kind: "conventional-names" }),
      [
        { container: "app", image: "repo:v2" },
        { container: "worker", image: "repo:v2" },
      ],
      PATH,
    );

    // Assess
    expect(result).toEqual({
      publications: [
        { cluster: "prod", service: "web", parameter: `${PATH}/prod/web/app`, image: "repo:v2" },
        { cluster: "prod", service: "web", parameter: `${PATH}/prod/web/worker`, image: "repo:v2" },
      ],
    });
  });

  it("writes one named parameter when every container runs the same image", () => {
    // Act
    const result = publicationsOf(
      service({ kind: "named", name: `${PATH}/web` }),
      [
        { container: "app", image: "repo:v2" },
        { container: "worker", image: "repo:v2" },
      ],
      PATH,
    );

    // Assess
    expect(result.publications.map((p) => p.parameter)).toEqual([`${PATH}/web`]);
  });

  it("fails a named parameter when the containers run different images", () => {
    // Act
    const result = publicationsOf(
      service({ kind: "named", name: `${PATH}/web` }),
      [
        { container: "app", image: "repo:v2" },
        { container: "worker", image: "repo@sha256:1" },
      ],
      PATH,
    );

    // Assess
    expect(result.publications).toEqual([]);
    expect(result.error).toMatch(/names one parameter .* 2 different images/);
  });

  it("fails a conventional name whose ARN would exceed 1011 characters", () => {
    // Prepare: the ARN prefix (44) + the path + /prod + two names of 255: 584 characters; a longer path passes 1011.
    const longName = "s".repeat(255);

    // Act
    const fits = publicationsOf(
      service({ kind: "conventional-names" }, longName),
      [{ container: "c".repeat(255), image: "repo:v2" }],
      PATH,
    );
    const tooLong = publicationsOf(
      service({ kind: "conventional-names" }, longName),
      [{ container: "c".repeat(255), image: "repo:v2" }],
      `${PATH}/${"p".repeat(240)}/${"q".repeat(240)}`,
    );

    // Assess
    expect(fits.error).toBeUndefined();
    expect(tooLong.publications).toEqual([]);
    expect(tooLong.error).toMatch(/too long: its ARN would exceed 1011 characters/);
  });
});

describe("decideParameter", () => {
  const image = pushedImage();
  const wanted = `${REGISTRY}/team/app:v2@${digest("b")}`;

  it.each([
    ["a missing parameter", undefined, "write"],
    ["the wanted value", wanted, "unchanged"],
    ["an image of another repository", "public.ecr.aws/nginx/nginx:latest", "write"],
    [
      "the same repository in another region",
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v9`,
      "write",
    ],
    ["the pushed digest under another tag", `${REGISTRY}/team/app:latest@${digest("b")}`, "write"],
    ["a value that is no image reference", "not an image!", "write"],
    ["another image of the repository", `${REGISTRY}/team/app:v3@${digest("c")}`, "compare"],
    ["a tag of the repository", `${REGISTRY}/team/app:v3`, "compare"],
  ] as const)("decides %s: %s", (_case, current, action) => {
    // Act
    const decision = decideParameter(current, wanted, image);

    // Assess
    expect(decision.action).toBe(action);
  });
});
