import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

describe("bin/ecs-deployments.mjs", () => {
  it("returns 0 and lists the commands when run with --help", () => {
    // Act
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "ecs-deployments.mjs"), "--help"],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 20_000,
      },
    );

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: ecs-deployments <command> [options]");
    for (const command of ["test-event", "redrive", "doctor"])
      expect(result.stdout).toContain(`  ${command}`);
  });

  it("returns 2 when the command is unknown", () => {
    // Act
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "ecs-deployments.mjs"), "deploy"],
      { cwd: ROOT, encoding: "utf8", timeout: 20_000 },
    );

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Unknown command "deploy"');
  });
});
