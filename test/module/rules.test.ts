import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { matchesPattern } from "../support/event-pattern.js";
import { mergedModule } from "../support/module.js";

const module = mergedModule();
const FIXTURES = join(import.meta.dirname, "..", "fixtures");

function fixture(kind: string, name: string): unknown {
  const file = JSON.parse(readFileSync(join(FIXTURES, kind, `${name}.json`), "utf8"));
  expect(file.documentation, `${kind}/${name} cites its AWS page`).toMatch(
    /^https:\/\/docs\.aws\.amazon\.com\//,
  );
  return file.event;
}

const trackerPatterns = module.locals.tracker_event_patterns as Record<string, string>;
const deployerPattern = JSON.parse(
  module.resource.aws_cloudwatch_event_rule.deployer_rule.event_pattern,
);

describe("matchesPattern", () => {
  it("returns false when a required field is missing and true when exists:false holds", () => {
    // Assess
    expect(matchesPattern({ detail: { a: ["x"] } }, { detail: {} })).toBe(false);
    expect(matchesPattern({ detail: { a: [{ exists: false }] } }, { detail: {} })).toBe(true);
    expect(matchesPattern({ detail: { a: [{ exists: true }] } }, { detail: { a: "v" } })).toBe(
      true,
    );
  });

  it("throws on operators it does not implement", () => {
    // Assess
    expect(() => matchesPattern({ a: [{ numeric: [">", 1] }] }, { a: 2 })).toThrow(/Unsupported/);
  });
});

describe("the tracker rule", () => {
  it("chooses its pattern from literal JSON by tracker_track_failed_deployments", () => {
    // Assess
    expect(module.resource.aws_cloudwatch_event_rule.tracker_rule.event_pattern).toBe(
      '${local.tracker_event_patterns[var.tracker_track_failed_deployments ? "completed_and_failed" : "completed"]}',
    );
    expect(Object.keys(trackerPatterns).sort()).toEqual(["completed", "completed_and_failed"]);
  });

  it("matches a completed deployment and neither in-progress deployments nor service actions", () => {
    // Prepare
    const completedOnly = JSON.parse(trackerPatterns.completed as string);

    // Assess
    expect(matchesPattern(completedOnly, fixture("ecs", "deployment-completed"))).toBe(true);
    expect(matchesPattern(completedOnly, fixture("ecs", "deployment-failed"))).toBe(false);
    expect(matchesPattern(completedOnly, fixture("ecs", "deployment-in-progress"))).toBe(false);
    expect(matchesPattern(completedOnly, fixture("ecs", "service-action"))).toBe(false);
  });

  it("matches failed deployments too when they are tracked", () => {
    // Prepare
    const withFailed = JSON.parse(trackerPatterns.completed_and_failed as string);

    // Assess
    expect(matchesPattern(withFailed, fixture("ecs", "deployment-completed"))).toBe(true);
    expect(matchesPattern(withFailed, fixture("ecs", "deployment-failed"))).toBe(true);
    expect(matchesPattern(withFailed, fixture("ecs", "deployment-in-progress"))).toBe(false);
    expect(matchesPattern(withFailed, fixture("ecs", "service-action"))).toBe(false);
  });
});

describe("the deployer rule", () => {
  it("matches a successful tagged push only", () => {
    // Assess
    expect(matchesPattern(deployerPattern, fixture("ecr", "push-success"))).toBe(true);
    for (const other of ["push-untagged", "push-failure", "delete", "replication", "scan"]) {
      expect(matchesPattern(deployerPattern, fixture("ecr", other)), other).toBe(false);
    }
  });
});

describe("every rule pattern", () => {
  it("is literal JSON or a lookup of literal JSON, with no empty match lists", () => {
    // Prepare
    const rules = Object.values(
      module.resource.aws_cloudwatch_event_rule as Record<string, { event_pattern: string }>,
    );
    const literals = [
      ...Object.values(trackerPatterns),
      deployerPattern && JSON.stringify(deployerPattern),
    ];

    // Assess
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of rules) {
      if (rule.event_pattern.startsWith("${")) {
        expect(rule.event_pattern).toMatch(/^\$\{local\.tracker_event_patterns\[/);
      } else {
        expect(() => JSON.parse(rule.event_pattern)).not.toThrow();
      }
    }
    for (const literal of literals) {
      const pattern = JSON.parse(literal as string);
      expect(pattern.source).toHaveLength(1);
      expect(pattern["detail-type"]).toHaveLength(1);
    }
  });

  it("covers every fixture file", () => {
    // Assess: a fixture nobody evaluates is a rule nobody checked.
    expect(readdirSync(join(FIXTURES, "ecs")).sort()).toEqual([
      "deployment-completed.json",
      "deployment-failed.json",
      "deployment-in-progress.json",
      "service-action.json",
    ]);
    expect(readdirSync(join(FIXTURES, "ecr")).sort()).toEqual([
      "delete.json",
      "push-failure.json",
      "push-success.json",
      "push-untagged.json",
      "replication.json",
      "scan.json",
    ]);
  });
});
