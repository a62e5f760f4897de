import { describe, expect, it } from "vitest";
import { isValidTagPattern, matchesTagPattern } from "../../functions/ecr-deployer/pattern.js";

describe("matchesTagPattern", () => {
  it.each([
    ["v*", "v1.2.3", true],
    ["v*", "v", true],
    ["v*", "release-v1", false],
    ["main-*", "main-abc123", true],
    ["main-*", "main", false],
    ["latest", "latest", true],
    ["latest", "latest2", false],
    ["v?", "v2", true],
    ["v?", "v10", false],
    ["v1.2", "v1x2", false],
    ["v+", "v7", true],
    ["v+ latest", "latest", true],
    ["v*,main-*", "main-1", true],
    ["", "latest", false],
  ])("returns for pattern %j and tag %j: %s", (pattern, tag, expected) => {
    // Prepare / Act
    const matches = matchesTagPattern(pattern, tag);

    // Assess
    expect(matches).toBe(expected);
  });
});

describe("isValidTagPattern", () => {
  it.each([
    ["v*", true],
    ["main-* latest", true],
    ["v+", true],
    ["", false],
    ["v[0-9]", false],
    ["a/b", false],
  ])("returns for %j: %s", (pattern, expected) => {
    // Prepare / Act
    const valid = isValidTagPattern(pattern);

    // Assess
    expect(valid).toBe(expected);
  });
});
