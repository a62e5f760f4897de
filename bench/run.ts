/**
 * All benchmarks, one after another: build, then each function's figures.
 * Usage: npm run bench [-- --skip-tests]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const benches = [
  "build.ts",
  "deployment-tracker.ts",
  "ecr-deployer.ts",
  "ecs-quota-proxy.ts",
  "fleet.ts",
  "linked-accounts.ts",
  "linked-deployer.ts",
];
let failed = false;
for (const bench of benches) {
  const path = join(import.meta.dirname, bench);
  if (!existsSync(path)) continue;
  const result = spawnSync("npx", ["tsx", path, ...process.argv.slice(2)], { stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
