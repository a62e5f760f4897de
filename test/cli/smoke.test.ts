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

  it("prints a one-line AWS error without the SDK's Node-version warning", () => {
    // Act
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "ecs-deployments.mjs"), "doctor"],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 20_000,
        env: {
          ...process.env,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          AWS_ENDPOINT_URL: "http://127.0.0.1:9", // nothing listens there
        },
      },
    );

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain("NodeVersionSupportWarning");
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^ecs-deployments: Cannot reach AWS: /),
    ]);
  });
});
