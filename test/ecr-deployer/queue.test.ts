import type { RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { WorkItemLimits } from "../../functions/ecr-deployer/constants.js";
import { InvalidWorkItemError } from "../../functions/ecr-deployer/errors.js";
import {
  messageOf,
  parseWorkItem,
  workItemId,
  workItemsOf,
} from "../../functions/ecr-deployer/queue.js";
import type {
  CandidateService,
  DeploymentPlan,
  TaskDefinitionChange,
} from "../../functions/ecr-deployer/types.js";
import { ACCOUNT, digest, pushedImage, REGION } from "./support.js";

const base = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:7`;

function services(n: number): CandidateService[] {
  return Array.from({ length: n }, (_, i) => ({
    cluster: "prod",
    service: `s${i}`,
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/s${i}`,
    taskDefinitionArn: base,
    pattern: "v*",
    patternSource: "tag" as const,
  }));
}

function planOf(n: number, input?: RegisterTaskDefinitionCommandInput): DeploymentPlan {
  const change: TaskDefinitionChange = {
    sourceArn: base,
    family: "web",
    containers: [{ container: "app", from: "repo:v1", to: "repo:v2" }],
    images: [{ container: "app", image: "repo:v2" }],
    input: input ?? { family: "web", containerDefinitions: [{ name: "app", image: "repo:v2" }] },
    services: services(n),
  };
  return { changes: [change], skipped: [], current: [] };
}

describe("workItemsOf", () => {
  it("makes one item per new revision, in the services' account and region, deduplicated by digest and base", () => {
    // Act
    const [item, ...rest] = workItemsOf(planOf(3), pushedImage(), new Map(), {
      publishImages: false,
    });

    // Assess
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ action: "register", part: 0, parts: 1, baseTaskDefinition: base });
    expect(item?.itemId).toBe(workItemId(digest("b"), base));
    expect(messageOf(item as NonNullable<typeof item>)).toMatchObject({
      groupId: `${ACCOUNT}/${REGION}`,
      deduplicationId: `${workItemId(digest("b"), base)}-0`,
    });
  });

  it("splits the services of one revision into parts of at most MAX_SERVICES", () => {
    // Act
    const items = workItemsOf(planOf(250), pushedImage(), new Map(), { publishImages: false });

    // Assess
    expect(items.map((i) => [i.part, i.parts, i.services.length])).toEqual([
      [0, 3, 100],
      [1, 3, 100],
      [2, 3, 50],
    ]);
    expect(new Set(items.map((i) => i.itemId)).size).toBe(1);
  });

  it("keeps every message under the size bound and drops the register input when it alone nearly fills one", () => {
    // Prepare: a task definition of about 230 KB (environment values).
    const environment = Array.from({ length: 230 }, (_, i) => ({
      name: `V${i}`,
      value: "x".repeat(1000),
    }));
    const input = {
      family: "web",
      containerDefinitions: [{ name: "app", image: "repo:v2", environment }],
    };

    // Act
    const items = workItemsOf(planOf(20, input), pushedImage(), new Map(), {
      publishImages: false,
    });

    // Assess
    expect(items.every((i) => i.register === undefined)).toBe(true);
    for (const item of items)
      expect(Buffer.byteLength(messageOf(item).body)).toBeLessThanOrEqual(
        WorkItemLimits.MAX_BODY_BYTES,
      );
  });
});

describe("parseWorkItem", () => {
  it("reads back what messageOf wrote", () => {
    // Prepare
    const [item] = workItemsOf(planOf(2), pushedImage(), new Map([["tag:v1", new Date(0)]]), {
      publishImages: false,
    });

    // Act
    const parsed = parseWorkItem(messageOf(item as NonNullable<typeof item>).body);

    // Assess
    expect(parsed).toEqual(item);
  });

  it.each([
    ["not json", "body"],
    ['{"kind":"other"}', "kind"],
    [JSON.stringify({ kind: "ecs-deployments/rollout-item", version: 1, itemId: "abc" }), "itemId"],
  ])("throws InvalidWorkItemError naming the field for %s", (body, field) => {
    // Act
    let error: unknown;
    try {
      parseWorkItem(body);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidWorkItemError);
    expect((error as InvalidWorkItemError).field).toBe(field);
    expect((error as InvalidWorkItemError).retryable).toBe(false);
  });
});
