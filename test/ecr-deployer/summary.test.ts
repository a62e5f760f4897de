import { describe, expect, it } from "vitest";
import type { UnreadableService } from "../../functions/ecr-deployer/metrics.js";
import {
  eventKeys,
  pushSummaryFields,
  SUMMARY_NAMES_MAX,
  skipCounts,
} from "../../functions/ecr-deployer/summary.js";
import type {
  CandidateService,
  SkippedService,
  TaskDefinitionChange,
} from "../../functions/ecr-deployer/types.js";
import { pushEvent } from "./support.js";

const skip = (service: string, reason: SkippedService["reason"]): SkippedService => ({
  cluster: "prod",
  service,
  reason,
  detail: "d",
});
const candidate = (service: string) => ({ cluster: "prod", service }) as CandidateService;
const change = (services: string[], register: boolean) =>
  ({
    sourceArn: "arn",
    family: "f",
    containers: [],
    images: [],
    services: services.map(candidate),
    ...(register && { input: { family: "f", containerDefinitions: [] } }),
  }) as TaskDefinitionChange;

describe("skipCounts", () => {
  it("counts the skipped services per reason", () => {
    // Act
    const counts = skipCounts([
      skip("a", "tag-pattern-mismatch"),
      skip("b", "tag-pattern-mismatch"),
      skip("c", "already-on-pushed-image"),
    ]);

    // Assess
    expect(counts).toEqual({ "tag-pattern-mismatch": 2, "already-on-pushed-image": 1 });
  });
});

describe("pushSummaryFields", () => {
  const discovery = {
    clustersScanned: 2,
    servicesScanned: 40,
    notOptedIn: 30,
    candidates: ["a", "b", "c", "d"].map(candidate),
  };

  it("counts what the push scanned, changes and skips", () => {
    // Act
    const fields = pushSummaryFields({
      discovery,
      plan: { changes: [change(["a", "b"], true), change(["c"], false)] },
      skipped: [skip("d", "newer-image-running"), skip("e", "tag-pattern-mismatch")],
      unreadable: [],
      failed: [],
      workItems: 2,
    });

    // Assess
    expect(fields).toEqual({
      clusters: 2,
      services: 40,
      notOptedIn: 30,
      candidates: 4,
      newRevisions: 1,
      servicesToUpdate: 3,
      workItems: 2,
      skipped: 2,
      skippedByReason: { "newer-image-running": 1, "tag-pattern-mismatch": 1 },
      unreadable: 0,
      failed: 0,
    });
  });

  it("names at most SUMMARY_NAMES_MAX unreadable and failed services, and counts them all", () => {
    // Prepare
    const many = Array.from({ length: 500 }, (_, i) => `s${i}`);
    const unreadable: UnreadableService[] = many.map((service) => ({
      cluster: "prod",
      service,
      taskDefinitionArn: "arn",
      error: "refused",
    }));
    const failed = many.map((service) => ({
      cluster: "prod",
      service,
      error: "throttled",
      retryable: true,
    }));

    // Act
    const fields = pushSummaryFields({
      discovery,
      plan: { changes: [] },
      skipped: many.map((s) => skip(s, "tag-pattern-mismatch")),
      unreadable,
      failed,
    });

    // Assess
    expect(fields.unreadable).toBe(500);
    expect(fields.unreadableServices).toHaveLength(SUMMARY_NAMES_MAX);
    expect((fields.unreadableServices as string[])[0]).toBe("prod/s0");
    expect(fields.failed).toBe(500);
    expect(fields.failedServices).toHaveLength(SUMMARY_NAMES_MAX);
    expect(fields.skippedByReason).toEqual({ "tag-pattern-mismatch": 500 });
    expect(JSON.stringify(fields).length).toBeLessThan(4096);
  });
});

describe("eventKeys", () => {
  it("returns the keys of a valid event as they are", () => {
    // Act
    const keys = eventKeys(pushEvent());

    // Assess
    expect(keys).toEqual({
      eventId: "11111111-2222-3333-4444-555555555555",
      repository: "team/app",
      tag: "v2",
      digest: expect.stringMatching(/^sha256:/),
    });
  });

  it("cuts the keys of a hostile event, which is not validated yet", () => {
    // Prepare
    const event = pushEvent({ repository: "a".repeat(100 * 1024), id: "i".repeat(100 * 1024) });

    // Act
    const keys = eventKeys(event);

    // Assess
    expect(keys.repository?.length).toBeLessThan(400);
    expect(keys.repository).toMatch(/^a{300}…\(\+\d+ chars\)$/);
    expect(keys.eventId?.length).toBeLessThan(400);
  });
});
