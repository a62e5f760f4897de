/**
 * The ECS quota stand-in's figures: the sustained rate a caller gets through the proxy
 * once a bucket's burst is spent, next to the configured one, at real time and at a time
 * scale; the latency the proxy adds to a call; a competing caller's throttled fraction.
 * Figures, not a pass/fail test. Needs moto_server (`bash scripts/install-tools.sh`).
 *
 *   npx tsx bench/ecs-quota-proxy.ts
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  ECS_QUOTAS,
  ECS_TARGET_PREFIX,
  startCompetingCaller,
  startEcsQuotaProxy,
} from "../scripts/fakes/ecs-quota-proxy.js";
import { startMoto } from "../scripts/moto.js";
import { median, report } from "./support.js";

process.env.PATH = `${join(import.meta.dirname, "..", ".tools", "bin")}:${process.env.PATH}`;
if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status !== 0) {
  console.log(
    "SKIPPED ecs-quota-proxy bench: moto_server is not installed (scripts/install-tools.sh)",
  );
  process.exit(0);
}

const ECS_OPERATIONS_THROTTLED = Object.fromEntries(
  Object.values(ECS_QUOTAS).flatMap((q) => q.operations.map((o) => [o, true])),
);

const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=${"0".repeat(64)}`;

async function call(url: string, operation: string): Promise<boolean> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `${ECS_TARGET_PREFIX}${operation}`,
      authorization: AUTHORIZATION,
    },
    body: "{}",
  });
  const body = await response.text();
  return !body.includes('"ThrottlingException"');
}

/**
 * Drains the bucket, then keeps `workers` callers sending back to back for `seconds` of
 * real time; returns the accepted calls per second of ECS time.
 */
async function sustainedRate(
  url: string,
  operation: string,
  timeScale: number,
  seconds: number,
  workers = 8,
): Promise<number> {
  if (operation in ECS_OPERATIONS_THROTTLED) {
    while (await call(url, operation)) {
      // spend the burst
    }
  }
  const start = performance.now();
  const end = start + seconds * 1000;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) if (await call(url, operation)) accepted += 1;
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return accepted / (elapsed * timeScale);
}

const moto = await startMoto();
try {
  console.log("ECS quota stand-in (proxy in front of moto_server)");
  const runs: { category: keyof typeof ECS_QUOTAS; timeScale: number; seconds: number }[] = [
    { category: "task-definition-modify", timeScale: 1, seconds: 10 },
    { category: "service-modify", timeScale: 1, seconds: 10 },
    { category: "task-definition-modify", timeScale: 100, seconds: 3 },
    { category: "service-modify", timeScale: 20, seconds: 3 },
    { category: "task-definition-read", timeScale: 5, seconds: 3 },
  ];
  for (const { category, timeScale, seconds } of runs) {
    const proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale });
    const quota = ECS_QUOTAS[category];
    const rate = await sustainedRate(proxy.url, quota.operations[0], timeScale, seconds);
    console.log(
      `sustained ${category}, time scale ${timeScale}: ${rate.toFixed(3)}/s measured vs ${quota.perSecond}/s configured (${quota.perSecond * timeScale}/s real, ${seconds} s)`,
    );
    await proxy.close();
  }

  // Latency the proxy adds: an unthrottled ECS call, direct to moto and through the proxy.
  const proxy = await startEcsQuotaProxy({ upstream: moto.endpoint });
  const direct: number[] = [];
  const proxied: number[] = [];
  for (let i = 0; i < 200; i++) {
    let t = performance.now();
    await call(moto.endpoint, "ListClusters");
    direct.push(performance.now() - t);
    t = performance.now();
    await call(proxy.url, "ListClusters");
    proxied.push(performance.now() - t);
  }
  report("ListClusters direct to moto (median of 200)", median(direct), "ms");
  report("ListClusters through the proxy (median of 200)", median(proxied), "ms");
  // The ceiling of any time scale: unthrottled calls per real second, 8 callers at once.
  const ceiling = await sustainedRate(proxy.url, "ListClusters", 1, 3);
  report("ceiling: unthrottled ECS calls through proxy and moto, 8 callers", ceiling, "per s");
  await proxy.close();

  // A competing caller alone at 0.6/s on an empty task-definition modify bucket (1/s).
  const scaled = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale: 50 });
  while (await call(scaled.url, "RegisterTaskDefinition")) {
    // spend the burst
  }
  const caller = startCompetingCaller(scaled, { ratePerSecond: 0.6 });
  await new Promise((r) => setTimeout(r, 3000));
  const alone = await caller.stop();
  report(
    `competing caller alone at 0.6/s, time scale 50 (${alone.sent} calls)`,
    alone.throttledFraction * 100,
    "% throttled",
  );
  await scaled.close();
} finally {
  await moto.stop();
}
