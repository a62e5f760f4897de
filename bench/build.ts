/**
 * Build figures: `npm run build` wall time (target < 30 s), synthesis alone, and the
 * test suite's wall time. Prints figures; it is not a test.
 * Usage: tsx bench/build.ts [--skip-tests]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesize } from "../main.js";
import { report } from "./support.js";

function timed(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

console.log("== build");
report("npm run build", timed("npm", ["run", "-s", "build"]) / 1000, "s", { max: 30 });
const outdir = mkdtempSync(join(tmpdir(), "synth-"));
const start = process.hrtime.bigint();
synthesize(outdir);
report("synthesis alone", Number(process.hrtime.bigint() - start) / 1e6, "ms");
rmSync(outdir, { recursive: true, force: true });
if (!process.argv.includes("--skip-tests")) {
  report("npx vitest run (all suites)", timed("npx", ["vitest", "run"]) / 1000, "s");
}
