/**
 * Fleet acceptance: the push handler, the rollout queue (moto SQS FIFO), the event source
 * mapping stand-in and the rollout handler, against moto_server behind the ECS quota
 * stand-in at {@link TIME_SCALE} times real time. Without moto_server these fail in CI.
 */
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsBuckets } from "../../functions/ecr-deployer/constants.js";
import { Defaults } from "../../functions/ecr-deployer/contract.js";
import { startCompetingCaller } from "../../scripts/fakes/ecs-quota-proxy.js";
import {
  bucketSeconds,
  createFleetRegion,
  type FleetRegion,
  fleetState,
  pushImage,
  registrationSeconds,
  startDeployer,
} from "../../scripts/fakes/fleet.js";
import {
  type FleetWorld,
  motoAvailable,
  spanSeconds,
  startFleetWorld,
  TIME_SCALE,
} from "./support.js";

const SHARE = Defaults.QUOTA_SHARE;
const WRITES = ["RegisterTaskDefinition", "UpdateService"];

/** Services of the fleet on the pushed image's new revision (`:2` of their family). */
async function rolledCount(world: FleetWorld, fleet: FleetRegion): Promise<number> {
  const { taskDefinitions } = await fleetState(world.moto.endpoint, fleet);
  return [...taskDefinitions.values()].filter((arn) => arn.endsWith(":2")).length;
}

describe.skipIf(!motoAvailable())("fan-out through the rollout queue under ECS's quotas", () => {
  let world: FleetWorld;

  beforeAll(async () => {
    world = await startFleetWorld();
  });

  afterAll(async () => {
    await world?.close();
  });

  it("rolls 1,000 services on 1,000 task definitions within 15% of the time the quota share allows", async () => {
    // Prepare
    const region = "us-east-1";
    const fleet = await createFleetRegion(world.moto.endpoint, { region, services: 1000 });
    const queue = await world.queue("big");
    const rig = startDeployer({ proxy: world.proxy, queue });
    const event = await pushImage(world.moto.endpoint, fleet, "v2");
    world.proxy.reset();

    // Act
    const started = performance.now();
    const summary = await rig.push(event);
    const reads = (operations: string[]) =>
      operations.reduce((n, operation) => n + world.proxy.count({ operation, region }), 0);
    const taskDefinitionReads = reads(["DescribeTaskDefinition"]);
    const serviceReads = reads(["ListServices", "DescribeServices"]);
    await rig.mapping.drained({ timeoutMs: 400_000 });
    const total = (performance.now() - started) / 1000;
    await rig.stop();

    // Assess: the writes against the registrations the share allows; push to drained
    // against that plus the push's reads at the share of their buckets.
    const allowed = registrationSeconds(1000, SHARE, TIME_SCALE);
    const allowedTotal =
      bucketSeconds(taskDefinitionReads, EcsBuckets.TASK_DEFINITION_READ, SHARE, TIME_SCALE) +
      bucketSeconds(serviceReads, EcsBuckets.SERVICE_READ, SHARE, TIME_SCALE) +
      allowed;
    const span = spanSeconds(world.proxy, region, WRITES);
    console.log(
      `1,000 services: writes over ${span.toFixed(1)} s, the share allows ${allowed.toFixed(1)} s; push to drained ${total.toFixed(1)} s, the share allows ${allowedTotal.toFixed(1)} s with the push's ${taskDefinitionReads} task-definition and ${serviceReads} service reads (x${TIME_SCALE})`,
    );
    expect(summary.queued).toHaveLength(1000);
    expect(await rolledCount(world, fleet)).toBe(1000);
    expect(rig.mapping.stats).toMatchObject({ timedOut: 0, failed: 0, itemFailures: 0 });
    expect(await world.dlqDepth(queue)).toBe(0);
    expect(world.proxy.count({ operation: "RegisterTaskDefinition" })).toBe(1000);
    // As fast as the share allows, and never faster (the pacer keeps to it).
    expect(span).toBeGreaterThanOrEqual(allowed * 0.85);
    expect(span).toBeLessThanOrEqual(allowed * 1.15);
    expect(total).toBeLessThanOrEqual(allowedTotal * 1.15);
  }, 600_000);

  it("leaves a competing caller at 0.6/s at most 10% of its calls throttled during a 1,000-service fan-out, which completes", async () => {
    // Prepare
    const region = "us-east-2";
    const fleet = await createFleetRegion(world.moto.endpoint, { region, services: 1000 });
    const queue = await world.queue("competing");
    const rig = startDeployer({ proxy: world.proxy, queue });
    const event = await pushImage(world.moto.endpoint, fleet, "v2");
    world.proxy.reset();
    const caller = startCompetingCaller(world.proxy, { ratePerSecond: 0.6, region });

    // Act
    await rig.push(event);
    await rig.mapping.drained({ timeoutMs: 400_000 });
    const competitor = await caller.stop();
    await rig.stop();

    // Assess
    const ours =
      world.proxy.count({ operation: "RegisterTaskDefinition", region }) - competitor.sent;
    console.log(
      `competing caller: ${competitor.throttled} of ${competitor.sent} throttled; deployer registrations: ${ours}, throttled ${world.proxy.count({ operation: "RegisterTaskDefinition", region, outcome: "throttled" }) - competitor.throttled}`,
    );
    expect(competitor.sent).toBeGreaterThan(1000);
    expect(competitor.throttledFraction).toBeLessThanOrEqual(0.1);
    expect(await rolledCount(world, fleet)).toBe(1000);
    expect(rig.mapping.stats).toMatchObject({ timedOut: 0, failed: 0 });
    expect(await world.dlqDepth(queue)).toBe(0);
  }, 600_000);

  it("rolls two account-regions of 200 services each in about the time of one", async () => {
    // Prepare
    const fleets = await Promise.all(
      ["eu-west-1", "eu-west-2"].map((region) =>
        createFleetRegion(world.moto.endpoint, { region, services: 200 }),
      ),
    );
    const queue = await world.queue("two-regions");
    const rig = startDeployer({ proxy: world.proxy, queue });
    const events = await Promise.all(fleets.map((f) => pushImage(world.moto.endpoint, f, "v2")));
    world.proxy.reset();

    // Act
    const started = performance.now();
    await Promise.all(events.map((e) => rig.push(e)));
    await rig.mapping.drained({ timeoutMs: 300_000 });
    const both = (performance.now() - started) / 1000;
    await rig.stop();

    // Assess
    const one = registrationSeconds(200, SHARE, TIME_SCALE);
    console.log(
      `two regions of 200: ${both.toFixed(1)} s from push to drained; one region's share allows ${one.toFixed(1)} s`,
    );
    for (const fleet of fleets) expect(await rolledCount(world, fleet)).toBe(200);
    expect(rig.mapping.stats.peakConcurrency).toBe(2);
    // In parallel, not one after the other: each region's writes take most of the whole time.
    const spans = fleets.map((f) => spanSeconds(world.proxy, f.region, WRITES));
    console.log(`two regions: writes over ${spans.map((x) => x.toFixed(1)).join(" s and ")} s`);
    for (const span of spans) {
      expect(span).toBeGreaterThanOrEqual(one * 0.85);
      expect(span).toBeGreaterThan(both * 0.6);
    }
  }, 600_000);

  it("rolls every service of ten pushes to ten repositories within one second, with at most 5% of writes throttled", async () => {
    // Prepare: ten repositories of 20 services each, in one account and region.
    const region = "ap-southeast-1";
    const fleets: FleetRegion[] = [];
    for (let r = 0; r < 10; r++) {
      fleets.push(
        await createFleetRegion(world.moto.endpoint, {
          region,
          services: 20,
          repository: `team/app-${r}`,
          cluster: `cluster-${r}`,
          prefix: `repo${r}`,
        }),
      );
    }
    const queue = await world.queue("ten-pushes");
    const rig = startDeployer({ proxy: world.proxy, queue });
    const events = await Promise.all(fleets.map((f) => pushImage(world.moto.endpoint, f, "v2")));
    world.proxy.reset();

    // Act: the ten events within one second (of ECS time, too).
    const results = await Promise.allSettled(events.map((e) => rig.push(e)));
    await rig.mapping.drained({ timeoutMs: 300_000 });
    await rig.stop();

    // Assess
    expect(results.map((r) => r.status)).toEqual(Array(10).fill("fulfilled"));
    for (const fleet of fleets) expect(await rolledCount(world, fleet)).toBe(20);
    expect(rig.mapping.stats).toMatchObject({ timedOut: 0, failed: 0 });
    const writes = WRITES.reduce((n, operation) => n + world.proxy.count({ operation, region }), 0);
    const throttled = WRITES.reduce(
      (n, operation) => n + world.proxy.count({ operation, region, outcome: "throttled" }),
      0,
    );
    console.log(`ten pushes: ${throttled} of ${writes} writes throttled`);
    expect(writes).toBeGreaterThanOrEqual(400);
    expect(throttled / writes).toBeLessThanOrEqual(0.05);
  }, 600_000);

  it("describes no more task definitions on a warm second push than it registers", async () => {
    // Prepare: a first push rolled 30 services; the same containers then get v3.
    const region = "ca-central-1";
    const fleet = await createFleetRegion(world.moto.endpoint, { region, services: 30 });
    const queue = await world.queue("warm");
    const rig = startDeployer({ proxy: world.proxy, queue });
    await rig.push(await pushImage(world.moto.endpoint, fleet, "v2"));
    await rig.mapping.drained();
    const second = await pushImage(world.moto.endpoint, fleet, "v3");
    world.proxy.reset();

    // Act
    await rig.push(second);
    await rig.mapping.drained();
    await rig.stop();

    // Assess
    const described = world.proxy.count({ operation: "DescribeTaskDefinition", region });
    const registered = world.proxy.count({
      operation: "RegisterTaskDefinition",
      region,
      outcome: "accepted",
    });
    console.log(`warm second push: ${described} DescribeTaskDefinition, ${registered} registered`);
    expect(registered).toBe(30);
    expect(described).toBeLessThanOrEqual(registered);
  }, 300_000);
});
