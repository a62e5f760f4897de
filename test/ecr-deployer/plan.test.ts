import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { selectCandidates } from "../../functions/ecr-deployer/discovery.js";
import {
  imagesToCompare,
  matchingContainers,
  planDeployment,
} from "../../functions/ecr-deployer/plan.js";
import type { CandidateService } from "../../functions/ecr-deployer/types.js";
import { ACCOUNT, config, digest, pushedImage, REGION, REGISTRY } from "./support.js";

function taskDefinition(images: string[]): TaskDefinition {
  return {
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:1`,
    family: "app",
    revision: 1,
    containerDefinitions: images.map((image, i) => ({ name: `c${i}`, image })),
  };
}

const candidate: CandidateService = {
  cluster: "prod",
  service: "web",
  serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web`,
  taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:1`,
  pattern: "v*",
  patternSource: "tag",
};

describe("matchingContainers", () => {
  it("returns only containers of the same account, region and repository, whatever they are pinned to", () => {
    // Prepare
    const td = taskDefinition([
      `${REGISTRY}/team/app:v1`,
      `${REGISTRY}/team/app@${digest("a")}`,
      `${ACCOUNT}.dkr.ecr-fips.${REGION}.amazonaws.com/team/app:v1`,
      `${REGISTRY}/team/app-worker:v1`,
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/app:v1`,
      `210987654321.dkr.ecr.${REGION}.amazonaws.com/team/app:v1`,
      "team/app:v1",
      "not a valid image!",
    ]);

    // Act
    const matches = matchingContainers(td, pushedImage());

    // Assess
    expect(matches.map((m) => m.name)).toEqual(["c0", "c1", "c2"]);
  });
});

describe("imagesToCompare", () => {
  it("returns no ids when every matching container is on the pushed digest", () => {
    // Prepare
    const td = taskDefinition([`${REGISTRY}/team/app:v2@${digest("b")}`]);

    // Act
    const ids = imagesToCompare(pushedImage(), [{ taskDefinition: td }]);

    // Assess
    expect(ids).toEqual([]);
  });

  it("returns each running digest or tag once, without the pushed digest", () => {
    // Prepare
    const tds = [
      {
        taskDefinition: taskDefinition([
          `${REGISTRY}/team/app:v1@${digest("a")}`,
          `${REGISTRY}/team/app`,
        ]),
      },
      { taskDefinition: taskDefinition([`${REGISTRY}/team/app@${digest("a")}`]) },
    ];

    // Act
    const ids = imagesToCompare(pushedImage(), tds);

    // Assess
    expect(ids).toEqual([{ imageDigest: digest("a") }, { imageTag: "latest" }]);
  });
});

describe("planDeployment", () => {
  it("keeps the registry spelling of the container when pinning the new image", () => {
    // Prepare
    const fips = `${ACCOUNT}.dkr.ecr-fips.${REGION}.amazonaws.com/team/app`;
    const td = taskDefinition([`${fips}:v1`]);

    // Act
    const plan = planDeployment({
      image: pushedImage(),
      candidates: [candidate],
      taskDefinitions: new Map([[candidate.taskDefinitionArn, { taskDefinition: td }]]),
      pushTimes: new Map(),
      pin: "tag-and-digest",
    });

    // Assess
    expect(plan.changes[0]?.containers).toEqual([
      { container: "c0", from: `${fips}:v1`, to: `${fips}:v2@${digest("b")}` },
    ]);
  });

  it("falls back to the event time when the pushed image's push time is unknown", () => {
    // Prepare
    const td = taskDefinition([`${REGISTRY}/team/app@${digest("a")}`]);

    // Act
    const plan = planDeployment({
      image: pushedImage({ time: "2026-01-01T12:00:00Z" }),
      candidates: [candidate],
      taskDefinitions: new Map([[candidate.taskDefinitionArn, { taskDefinition: td }]]),
      pushTimes: new Map([[digest("a"), new Date("2026-01-01T12:30:00Z")]]),
      pin: "digest",
    });

    // Assess
    expect(plan.changes).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe("newer-image-running");
  });
});

describe("selectCandidates", () => {
  it("returns skips with reasons for opted-in services that cannot roll and counts the others", () => {
    // Prepare
    const base = { taskDefinition: candidate.taskDefinitionArn, status: "ACTIVE" };
    const services = [
      {
        ...base,
        serviceName: "ok",
        serviceArn: "arn:ok",
        tags: [{ key: "ecs-deployments:follow", value: "v*" }],
      },
      {
        ...base,
        serviceName: "draining",
        serviceArn: "arn:d",
        status: "DRAINING",
        tags: [{ key: "ecs-deployments:follow", value: "v*" }],
      },
      {
        ...base,
        serviceName: "bluegreen",
        serviceArn: "arn:b",
        deploymentController: { type: "CODE_DEPLOY" as const },
        tags: [{ key: "ecs-deployments:follow", value: "v*" }],
      },
      {
        ...base,
        serviceName: "other",
        serviceArn: "arn:o",
        tags: [{ key: "ecs-deployments:follow", value: "main-*" }],
      },
      { ...base, serviceName: "untagged", serviceArn: "arn:u" },
    ];

    // Act
    const selection = selectCandidates("prod", services, config(), "v2");

    // Assess
    expect(selection.candidates.map((c) => c.service)).toEqual(["ok"]);
    expect(selection.skipped.map((s) => [s.service, s.reason])).toEqual([
      ["draining", "service-not-active"],
      ["bluegreen", "unsupported-deployment-controller"],
      ["other", "tag-pattern-mismatch"],
    ]);
    expect(selection.notOptedIn).toBe(1);
  });
});
