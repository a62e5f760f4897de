import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  findMotoServer,
  motoCommand,
  requireMotoServer,
  TOOLS_BIN,
  ToolMissingError,
} from "../../scripts/moto.js";
import { motoAvailable } from "../support/moto.js";

const ROOT = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "ecs-deployments-tools-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** PATH without any directory that holds a moto_server (as on a machine without a global moto). */
function pathWithoutMoto(): string {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter(
      (dir) => dir !== "" && resolve(dir) !== TOOLS_BIN && !existsSync(join(dir, "moto_server")),
    )
    .join(delimiter);
}

function fakeTool(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "moto_server");
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
  return file;
}

describe("finding moto_server", () => {
  it("prefers the one install-tools put into .tools/bin over one on PATH", () => {
    // Prepare
    const tools = join(scratch, "prefer", "tools");
    const onPath = join(scratch, "prefer", "path");
    const installed = fakeTool(tools);
    fakeTool(onPath);

    // Act
    const found = findMotoServer(onPath, tools);

    // Assess
    expect(found).toBe(installed);
  });

  it("falls back to PATH when .tools/bin has none", () => {
    // Prepare
    const onPath = fakeTool(join(scratch, "fallback", "path"));

    // Act
    const found = findMotoServer(join(scratch, "fallback", "path"), join(scratch, "none"));

    // Assess
    expect(found).toBe(onPath);
  });

  it("throws one sentence that names the install command when there is none", () => {
    // Act
    const attempt = () => requireMotoServer(join(scratch, "empty"), join(scratch, "none"));

    // Assess
    expect(attempt).toThrow(ToolMissingError);
    expect(attempt).toThrow(
      /^moto_server is not installed: run `bash scripts\/install-tools.sh moto`/,
    );
  });
});

describe("starting moto_server", () => {
  it("runs moto's own script through the launcher with the Python its first line names", () => {
    // Prepare: a console script as pip writes it, its interpreter beside it.
    const bin = join(scratch, "venv", "bin");
    mkdirSync(bin, { recursive: true });
    const python = join(bin, "python3");
    writeFileSync(python, "#!/bin/sh\nexit 0\n");
    chmodSync(python, 0o755);
    const script = join(bin, "moto_server");
    writeFileSync(script, `#!${python}\n# -*- coding: utf-8 -*-\nimport sys\n`);
    chmodSync(script, 0o755);

    // Act
    const { command, prefix } = motoCommand(script);

    // Assess
    expect(command).toBe(python);
    expect(prefix).toEqual([join(ROOT, "scripts", "moto-server.py")]);
    expect(existsSync(prefix[0] as string)).toBe(true);
  });

  it("runs any other moto_server as it is", () => {
    // Prepare: a shell wrapper, and a script whose interpreter is gone.
    const wrapper = fakeTool(join(scratch, "wrapper"));
    const orphan = join(scratch, "orphan", "moto_server");
    mkdirSync(join(scratch, "orphan"), { recursive: true });
    writeFileSync(orphan, "#!/nonexistent/python3\n");

    // Act
    const commands = [
      motoCommand(wrapper),
      motoCommand(orphan),
      motoCommand(join(scratch, "missing")),
    ];

    // Assess
    expect(commands).toEqual([
      { command: wrapper, prefix: [] },
      { command: orphan, prefix: [] },
      { command: join(scratch, "missing"), prefix: [] },
    ]);
  });
});

// `npm run demo` as a newcomer runs it: PATH has no moto_server, only what the demo installs.
describe.runIf(motoAvailable())("npm run demo on a PATH without moto_server", () => {
  it("installs or finds moto in .tools/bin and runs to the end", () => {
    // Prepare
    const env = { ...process.env, PATH: pathWithoutMoto() };
    expect(spawnSync("sh", ["-c", "command -v moto_server"], { env }).status).not.toBe(0);

    // Act
    const run = spawnSync("npm", ["run", "-s", "demo"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 240_000,
    });

    // Assess
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toMatch(/ENOENT|Unhandled 'error' event|^\s+at /m);
    expect(run.status, output).toBe(0);
    expect(run.stdout.match(/^\[\d\/9\]/gm)).toHaveLength(9);
    expect(run.stdout).toContain("The pushed image was rolled out and its deployment recorded.");
  }, 300_000);
});
