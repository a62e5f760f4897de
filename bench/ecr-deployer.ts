/**
 * ecr-deployer cost and size figures: AWS calls per push on a synthetic fleet (against
 * aws-sdk-client-mock) next to the seed's scan of every ACTIVE task-definition revision,
 * the bundle's zipped size and its cold-load overhead.
 *
 *   npx tsx bench/ecr-deployer.ts
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { Throttle } from "../functions/ecr-deployer/constants.js";
import { bundleFunction, ROOT } from "../scripts/bundle.js";
import {
  addTaskDefinition,
  config,
  digest,
  emptyFleet,
  type FakeFleet,
  pushEvent,
  REGION,
  REGISTRY,
  serveFleet,
  serveFleetOverHttp,
  silentLogger,
  throttlingError,
} from "../scripts/fakes/ecr-deployer.js";
import { throughQueue } from "../scripts/fakes/rollout-queue.js";
import { coldLoad, report } from "./support.js";

const CLUSTERS = 20;
const SERVICES_PER_CLUSTER = 50;
const OPTED_IN = 30;
const SHARED_TASK_DEFINITIONS = 3;

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);

/**
 * 20 clusters × 50 services, every family with `revisions` ACTIVE revisions. 30 services
 * (spread over the clusters) opted in to `v*` and run one of 3 shared task definitions of
 * `team/app`; the others run their own family from other repositories.
 */
function buildFleet(revisions: number): FakeFleet {
  const fleet = emptyFleet();
  const shared: string[] = [];
  for (let t = 0; t < SHARED_TASK_DEFINITIONS; t++) {
    let arn = "";
    for (let r = 1; r <= revisions; r++) {
      arn = addTaskDefinition(fleet, `shared-${t}`, r, [
        { name: "app", image: `${REGISTRY}/team/app:v1@${digest("a")}` },
        { name: "proxy", image: `${REGISTRY}/team/proxy:1.0` },
      ]);
    }
    shared.push(arn);
  }
  const total = CLUSTERS * SERVICES_PER_CLUSTER;
  const optedInEvery = Math.floor(total / OPTED_IN);
  for (let c = 0; c < CLUSTERS; c++) {
    fleet.clusters.push(`cluster-${c}`);
    for (let s = 0; s < SERVICES_PER_CLUSTER; s++) {
      const index = c * SERVICES_PER_CLUSTER + s;
      const optedIn = index % optedInEvery === 0 && index / optedInEvery < OPTED_IN;
      if (optedIn) {
        const k = index / optedInEvery;
        fleet.services.push({
          cluster: `cluster-${c}`,
          name: `svc-${s}`,
          taskDefinition: shared[k % SHARED_TASK_DEFINITIONS] as string,
          tags: { "ecs-deployments:follow": "v*" },
        });
        continue;
      }
      let arn = "";
      for (let r = 1; r <= revisions; r++) {
        arn = addTaskDefinition(fleet, `own-${c}-${s}`, r, [
          { name: "main", image: `${REGISTRY}/team/svc-${index % 40}:r${r}` },
        ]);
      }
      fleet.services.push({
        cluster: `cluster-${c}`,
        name: `svc-${s}`,
        taskDefinition: arn,
        tags: { team: "x" },
      });
    }
  }
  fleet.images.push(
    { digest: digest("a"), tags: ["v1"], pushedAt: new Date("2026-01-01T10:00:00Z") },
    { digest: digest("b"), tags: ["v2"], pushedAt: new Date("2026-01-01T12:00:00Z") },
  );
  return fleet;
}

function counts() {
  const n = (calls: readonly unknown[]) => calls.length;
  const reads =
    n(ecsMock.commandCalls(ListClustersCommand)) +
    n(ecsMock.commandCalls(ListServicesCommand)) +
    n(ecsMock.commandCalls(DescribeServicesCommand)) +
    n(ecsMock.commandCalls(DescribeTaskDefinitionCommand)) +
    n(ecsMock.commandCalls(ListTaskDefinitionsCommand)) +
    n(ecrMock.commandCalls(DescribeImagesCommand));
  const writes =
    n(ecsMock.commandCalls(RegisterTaskDefinitionCommand)) +
    n(ecsMock.commandCalls(UpdateServiceCommand));
  return {
    reads,
    writes,
    describeTaskDefinition: n(ecsMock.commandCalls(DescribeTaskDefinitionCommand)),
  };
}

async function runDeployer(revisions: number) {
  ecsMock.reset();
  ecrMock.reset();
  const fleet = buildFleet(revisions);
  serveFleet(ecsMock, ecrMock, fleet);
  const noSleep = async () => {};
  const handler = throughQueue({ config: config(), logger: silentLogger(), sleep: noSleep });
  const started = performance.now();
  const summary = await handler(pushEvent());
  const ms = performance.now() - started;
  return {
    ...counts(),
    updated: summary.updated.length,
    registered: summary.registeredTaskDefinitions.length,
    ms,
    fleet,
  };
}

/** The seed's approach: list every ACTIVE revision, describe each, then scan the services. */
async function runSeedScan(revisions: number) {
  ecsMock.reset();
  ecrMock.reset();
  const fleet = buildFleet(revisions);
  serveFleet(ecsMock, ecrMock, fleet);
  const ecs = new ECSClient({ region: "eu-west-1" });
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTaskDefinitionsCommand({ status: "ACTIVE", nextToken }));
    for (const arn of page.taskDefinitionArns ?? [])
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    nextToken = page.nextToken;
  } while (nextToken);
  for (const cluster of fleet.clusters) {
    const { serviceArns = [] } = await ecs.send(
      new ListServicesCommand({ cluster, maxResults: 100 }),
    );
    for (let i = 0; i < serviceArns.length; i += 10) {
      await ecs.send(
        new DescribeServicesCommand({ cluster, services: serviceArns.slice(i, i + 10) }),
      );
    }
  }
  return counts();
}

function seedFormula(revisions: number): number {
  const taskDefinitions =
    (CLUSTERS * SERVICES_PER_CLUSTER - OPTED_IN + SHARED_TASK_DEFINITIONS) * revisions;
  return (
    Math.ceil(taskDefinitions / 100) +
    taskDefinitions +
    CLUSTERS +
    (CLUSTERS * SERVICES_PER_CLUSTER) / 10
  );
}

/**
 * Requests per throttled call: the deployer's real clients (SDK adaptive retry, real
 * delays) against a local ECS endpoint that throttles every RegisterTaskDefinition.
 */
async function throttledRegistration(): Promise<boolean> {
  ecsMock.restore();
  ecrMock.restore();
  const fleet = buildFleet(1);
  fleet.faults?.push({ command: "RegisterTaskDefinition", error: throttlingError(), times: 1e6 });
  const endpoint = await serveFleetOverHttp(fleet);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
  });
  const noSleep = async () => {};
  const handler = throughQueue({
    config: config({ allowedClusters: ["cluster-0"] }),
    logger: silentLogger(),
    sleep: noSleep,
  });
  const started = performance.now();
  await handler(pushEvent()).catch(() => undefined);
  const seconds = (performance.now() - started) / 1000;
  await endpoint.close();
  const calls = new Set(
    [...fleet.services]
      .filter((s) => s.cluster === "cluster-0" && s.tags?.["ecs-deployments:follow"])
      .map((s) => s.taskDefinition),
  ).size;
  const requests = endpoint.count("RegisterTaskDefinition");
  console.log(
    `\nEvery RegisterTaskDefinition throttled: ${calls} call(s), ${requests} request(s) sent in ${seconds.toFixed(1)} s (SDK adaptive retry, real delays)`,
  );
  const ok = report(
    "ecr-deployer requests per throttled RegisterTaskDefinition",
    requests / Math.max(calls, 1),
    "requests",
    { max: Throttle.MAX_ATTEMPTS },
  );
  report(
    "previous design, worst case (6 SDK attempts x 4 retryOnThrottle attempts, computed)",
    24,
    "requests",
  );
  return ok;
}

async function main() {
  const services = CLUSTERS * SERVICES_PER_CLUSTER;
  const target = CLUSTERS + services / 10 + SHARED_TASK_DEFINITIONS + 5;
  console.log(
    `Fleet: ${CLUSTERS} clusters x ${SERVICES_PER_CLUSTER} services, ${OPTED_IN} opted in on ${SHARED_TASK_DEFINITIONS} task definitions`,
  );
  console.log(`Target reads per push = clusters + services/10 + matched TDs + 5 = ${target}`);
  let ok = true;
  for (const revisions of [20, 200]) {
    const run = await runDeployer(revisions);
    console.log(
      `\n${revisions} revisions per family (${run.fleet.taskDefinitions.size} ACTIVE revisions): ` +
        `${run.updated} services updated, ${run.registered} revisions registered, ${Math.round(run.ms)} ms with mocks`,
    );
    ok =
      report(`ecr-deployer reads per push (${revisions} revisions)`, run.reads, "calls", {
        max: target,
      }) && ok;
    report(
      `ecr-deployer DescribeTaskDefinition (${revisions} revisions)`,
      run.describeTaskDefinition,
      "calls",
    );
    report(`ecr-deployer writes per push (${revisions} revisions)`, run.writes, "calls");
    if (revisions === 20) {
      const seed = await runSeedScan(revisions);
      report(`seed scan reads per push (${revisions} revisions, simulated)`, seed.reads, "calls");
    } else {
      report(
        `seed scan reads per push (${revisions} revisions, computed)`,
        seedFormula(revisions),
        "calls",
      );
    }
  }

  console.log("");
  const bundle = await bundleFunction("ecr-deployer");
  report("ecr-deployer bundle", statSync(bundle).size / 1024, "KB");
  const deflatedKB = deflateRawSync(readFileSync(bundle), { level: 9 }).length / 1024;
  ok =
    report("ecr-deployer zip (deflated bundle, this build)", deflatedKB, "KB", { max: 500 }) && ok;
  const zipPath = join(ROOT, "terraform", "dist", "ecr-deployer.zip");
  if (existsSync(zipPath))
    report(
      "ecr-deployer zip (terraform/dist, as last built)",
      statSync(zipPath).size / 1024,
      "KB",
      { max: 500 },
    );
  const load = coldLoad(bundle);
  ok = report("ecr-deployer cold load overhead", load.overheadMs, "ms", { max: 100 }) && ok;
  ok = (await throttledRegistration()) && ok;
  console.log(
    ok
      ? "\nAll ecr-deployer targets met."
      : "\nSome ecr-deployer targets were missed (see OVER above).",
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
