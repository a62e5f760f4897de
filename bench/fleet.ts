/**
 * Fleet figures through the ECS quota stand-in (moto_server behind it, the rollout queue in
 * moto's SQS, the event source mapping stand-in): reads per push cold and warm, writes and
 * throttled calls of a fan-out, alone and beside a competing caller. Figures, not a
 * pass/fail test. Needs moto_server (`bash scripts/install-tools.sh`).
 *
 *   npx tsx bench/fleet.ts [services]      (default 100)
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  type EcsQuotaProxy,
  startCompetingCaller,
  startEcsQuotaProxy,
} from "../scripts/fakes/ecs-quota-proxy.js";
import {
  createFleetQueue,
  createFleetRegion,
  pushImage,
  registrationSeconds,
  startDeployer,
} from "../scripts/fakes/fleet.js";
import { startMoto, useMotoEnvironment } from "../scripts/moto.js";
import { report } from "./support.js";

process.env.PATH = `${join(import.meta.dirname, "..", ".tools", "bin")}:${process.env.PATH}`;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status !== 0) {
  console.log("SKIPPED fleet bench: moto_server is not installed (scripts/install-tools.sh)");
  process.exit(0);
}

const SERVICES = Number(process.argv[2] ?? 100);
const TIME_SCALE = 20;
const SHARE = 0.5;
const READS = [
  "ListClusters",
  "ListServices",
  "DescribeServices",
  "DescribeTaskDefinition",
  "ListTaskDefinitions",
];
const WRITES = ["RegisterTaskDefinition", "UpdateService"];

function sum(proxy: EcsQuotaProxy, region: string, operations: string[], throttled = false) {
  return operations.reduce(
    (n, operation) =>
      n + proxy.count({ operation, region, ...(throttled && { outcome: "throttled" as const }) }),
    0,
  );
}

const moto = await startMoto();
const proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale: TIME_SCALE });
useMotoEnvironment(proxy.url, "us-east-1");
try {
  console.log(
    `Fleet bench: ${SERVICES} services on ${SERVICES} task definitions, quota share ${SHARE}, time scale ${TIME_SCALE}`,
  );
  // Cold push, then a warm second push to the same services.
  const region = "us-east-1";
  const fleet = await createFleetRegion(moto.endpoint, { region, services: SERVICES });
  const queue = await createFleetQueue(proxy, { name: "bench" });
  const rig = startDeployer({ proxy, queue });
  for (const [label, tag] of [
    ["cold", "v2"],
    ["warm", "v3"],
  ] as const) {
    const event = await pushImage(moto.endpoint, fleet, tag);
    proxy.reset();
    const started = performance.now();
    await rig.push(event);
    const pushReads = sum(proxy, region, READS);
    const pushDescribes = proxy.count({ operation: "DescribeTaskDefinition", region });
    await rig.mapping.drained({ timeoutMs: 600_000 });
    const seconds = (performance.now() - started) / 1000;
    report(`${label} push: reads by the push handler`, pushReads, "calls");
    report(`${label} push: DescribeTaskDefinition by the push handler`, pushDescribes, "calls");
    report(`${label} push: reads by the rollout`, sum(proxy, region, READS) - pushReads, "calls");
    report(`${label} push: writes`, sum(proxy, region, WRITES), "calls");
    report(`${label} push: throttled writes`, sum(proxy, region, WRITES, true), "calls");
    report(
      `${label} push: push to drained (real s; the share allows ${registrationSeconds(SERVICES, SHARE, TIME_SCALE).toFixed(1)} s of registrations)`,
      seconds,
      "s",
    );
  }
  await rig.stop();

  // A fan-out beside a competing caller registering at 0.6/s.
  const other = "us-west-2";
  const busy = await createFleetRegion(moto.endpoint, { region: other, services: SERVICES });
  const busyQueue = await createFleetQueue(proxy, { name: "bench-busy" });
  const busyRig = startDeployer({ proxy, queue: busyQueue });
  const event = await pushImage(moto.endpoint, busy, "v2");
  proxy.reset();
  const caller = startCompetingCaller(proxy, { ratePerSecond: 0.6, region: other });
  await busyRig.push(event);
  await busyRig.mapping.drained({ timeoutMs: 600_000 });
  const competitor = await caller.stop();
  await busyRig.stop();
  report(
    `beside a caller at 0.6/s: its calls throttled (${competitor.throttled} of ${competitor.sent})`,
    competitor.throttledFraction * 100,
    "%",
  );
  report(
    "beside a caller at 0.6/s: the deployer's throttled writes",
    sum(proxy, other, WRITES, true) - competitor.throttled,
    "calls",
  );
} finally {
  await proxy.close();
  await moto.stop();
}
