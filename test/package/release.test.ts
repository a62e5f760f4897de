import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changelogFor, isGreater, withRef } from "../../scripts/release.js";

const ROOT = resolve(import.meta.dirname, "../..");
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
).version;

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

describe("the pinned version in the docs", () => {
  it("is package.json's version in every ?ref= of the tracked docs, READMEs and examples", () => {
    // Prepare
    const files = git(ROOT, "ls-files", "--", "*.md", "*.tf", "*.tftest.hcl", "examples/*")
      .split("\n")
      .filter(Boolean);

    // Act
    const refs = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), "utf8").matchAll(/\?ref=(v[^"`\s)]*)/g)].map(
        (match) => `${file}: ${match[1]}`,
      ),
    );

    // Assess
    expect(refs.length).toBeGreaterThan(0);
    expect(
      refs.filter((ref) => !ref.endsWith(`: v${VERSION}`) && !ref.endsWith(": vX.Y.Z")),
    ).toEqual([]);
  });
});

describe("release helpers", () => {
  it.each([
    ["0.2.0", "0.1.0", true],
    ["0.1.1", "0.1.0", true],
    ["1.0.0", "0.9.9", true],
    ["0.10.0", "0.9.0", true],
    ["0.1.0", "0.1.0", false],
    ["0.0.9", "0.1.0", false],
  ])("says whether %s is greater than %s", (a, b, expected) => {
    // Act / Assess
    expect(isGreater(a, b)).toBe(expected);
  });

  it("moves the Unreleased entries under the new version's heading", () => {
    // Act
    const text = changelogFor("# Changelog\n\n## [Unreleased]\n\n- fix\n", "0.2.0", "2026-12-01");

    // Assess
    expect(text).toBe("# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n- fix\n");
  });

  it("rewrites only the refs of the current version", () => {
    // Act / Assess
    expect(withRef("?ref=v0.1.0 ?ref=v0.1.01 ?ref=vX", "0.1.0", "0.2.0")).toBe(
      "?ref=v0.2.0 ?ref=v0.2.01 ?ref=vX",
    );
  });
});

describe("npm run release on a scratch clone", () => {
  let clone: string;
  const release = (...args: string[]) =>
    spawnSync("npm", ["run", "-s", "release", "--", ...args], {
      cwd: clone,
      encoding: "utf8",
      timeout: 120_000,
    });

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), "ecs-deployments-release-"));
    git(ROOT, "clone", "-q", "--no-hardlinks", ROOT, clone);
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"));
    appendFileSync(join(clone, ".git", "info", "exclude"), "node_modules\n");
    git(clone, "config", "user.name", "release test");
    git(clone, "config", "user.email", "release-test@ecs-deployments.invalid");
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it("refuses a version that is not greater than the current one", () => {
    // Act
    const run = release(VERSION);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`the version must be greater than the current ${VERSION}`);
  });

  it("refuses a dirty working tree", () => {
    // Prepare
    writeFileSync(join(clone, "stray.txt"), "not committed\n");

    // Act
    const run = release("99.0.0");

    // Assess
    rmSync(join(clone, "stray.txt"));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("the working tree has uncommitted changes");
  });

  it("bumps the version everywhere, commits, and creates the annotated tag", () => {
    // Prepare
    const next = "99.0.0";

    // Act
    const run = release(next);

    // Assess
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(git(clone, "status", "--porcelain")).toBe("");
    expect(git(clone, "cat-file", "-t", `v${next}`)).toBe("tag"); // annotated, not lightweight
    expect(git(clone, "rev-parse", `v${next}^{commit}`)).toBe(git(clone, "rev-parse", "HEAD"));
    expect(git(clone, "log", "-1", "--format=%s")).toBe(`Release v${next}`);
    const read = (file: string) => readFileSync(join(clone, file), "utf8");
    expect(JSON.parse(read("package.json")).version).toBe(next);
    expect(JSON.parse(read("package-lock.json")).version).toBe(next);
    expect(read("CHANGELOG.md")).toMatch(
      new RegExp(`## \\[Unreleased\\]\\n\\n## \\[${next}\\] - \\d{4}-\\d{2}-\\d{2}\\n`),
    );
    for (const file of ["README.md", "terraform/README.md"]) {
      expect(read(file)).toContain(`?ref=v${next}`);
      expect(read(file)).not.toContain(`?ref=v${VERSION}`);
    }
  }, 180_000);
});
