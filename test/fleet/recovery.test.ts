/**
 * Fleet acceptance: a consumer that dies mid-item, and how many INFO lines a push makes
 * across both handlers, through the rollout queue on moto behind the quota stand-in.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ECSClient } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../functions/ecr-deployer/config.js";
import { defaultRolloutDependencies } from "../../functions/ecr-deployer/index.js";
import { createRolloutHandler } from "../../functions/ecr-deployer/rollout.js";
import { withBucketPacing } from "../../functions/ecr-deployer/throttle.js";
import {
  createFleetRegion,
  fleetState,
  pushImage,
  scaledBackoff,
  startDeployer,
} from "../../scripts/fakes/fleet.js";
import { type FleetWorld, motoAvailable, startFleetWorld, TIME_SCALE } from "./support.js";

describe.skipIf(!motoAvailable())("rollout recovery and logging through the queue", () => {
  let world: FleetWorld;

  beforeAll(async () => {
    world = await startFleetWorld();
  });

  afterAll(async () => {
    await world?.close();
  });

  it("redelivers an item whose consumer died after registering, completes it, and leaves no unused revision", async () => {
    // Prepare: the first consumer dies (hangs until the function's timeout) right after
    // RegisterTaskDefinition answered; the queue brings the item back after 2 s.
    const region = "sa-east-1";
    const fleet = await createFleetRegion(world.moto.endpoint, { region, services: 1 });
    const queue = await world.queue("killed", { visibilityTimeoutSeconds: 2 });
    const rig = startDeployer({ proxy: world.proxy, queue, functionTimeoutSeconds: 30 });
    const config = loadConfig({ ROLLOUT_QUEUE_URL: queue.url });
    let died = false;
    const dyingEcs = withBucketPacing(new ECSClient({ region }), rig.pacersIn(region));
    dyingEcs.middlewareStack.add(
      (next, context) => async (args) => {
        if (died) return new Promise<never>(() => {});
        const result = await next(args);
        if (context.commandName === "RegisterTaskDefinitionCommand") died = true;
        return result;
      },
      { step: "initialize", name: "dieAfterRegistering" },
    );
    rig.replaceRollout(
      createRolloutHandler(
        defaultRolloutDependencies({
          config,
          logger: new Logger({ logLevel: "SILENT" }),
          ecsIn: () => dyingEcs,
          pacersIn: rig.pacersIn,
          timeScale: TIME_SCALE,
          backoff: scaledBackoff(TIME_SCALE, 30),
        }),
      ),
    );
    const event = await pushImage(world.moto.endpoint, fleet, "v2");

    // Act
    await rig.push(event);
    while (!died) await new Promise((resolve) => setTimeout(resolve, 20));
    // A new container takes the redelivered item.
    rig.replaceRollout(
      createRolloutHandler(
        defaultRolloutDependencies({
          config,
          logger: new Logger({ logLevel: "SILENT" }),
          pacersIn: rig.pacersIn,
          timeScale: TIME_SCALE,
          backoff: scaledBackoff(TIME_SCALE, 30),
        }),
      ),
    );
    await rig.mapping.drained({ timeoutMs: 60_000 });
    await rig.stop();

    // Assess
    const { taskDefinitions, revisions } = await fleetState(world.moto.endpoint, fleet);
    const family = fleet.families[0] as string;
    expect(rig.mapping.stats.timedOut).toBe(1);
    expect(rig.mapping.stats.messagesReceived).toBe(2);
    expect(revisions.get(family)).toHaveLength(2);
    expect(taskDefinitions.get(fleet.services[0] as string)).toMatch(new RegExp(`${family}:2$`));
    expect(world.proxy.count({ operation: "RegisterTaskDefinition", region })).toBe(1);
    expect(await world.dlqDepth(queue)).toBe(0);
  }, 120_000);

  it("logs at most 2 + services changed INFO lines per push, across both handlers", async () => {
    // Prepare: 6 services follow the repository; another repository's push changes none of them.
    const region = "ap-northeast-1";
    const fleet = await createFleetRegion(world.moto.endpoint, { region, services: 6 });
    await createFleetRegion(world.moto.endpoint, {
      region,
      services: 3,
      repository: "team/other",
      cluster: "other",
      prefix: "other",
    });
    const queue = await world.queue("logging");
    const lines: string[] = [];
    const write = vi
      .spyOn(process.stdout, "write")
      .mockImplementation((chunk: string | Uint8Array) => {
        lines.push(
          ...String(chunk)
            .split("\n")
            .filter((l) => l.startsWith("{")),
        );
        return true;
      });
    const logger = new Logger({ serviceName: "fleet", logLevel: "INFO" });
    const rig = startDeployer({ proxy: world.proxy, queue, logger });
    const event = await pushImage(world.moto.endpoint, fleet, "v2");

    // Act
    await rig.push(event);
    await rig.mapping.drained();
    await rig.stop();
    write.mockRestore();

    // Assess
    const info = lines
      .map((l) => JSON.parse(l))
      .filter((r) => r.level === "INFO" && r.eventId === event.id);
    const changed = info.filter((r) => r.message === "Service updated").length;
    console.log(
      `INFO lines of one push: ${info.length} (${changed} services changed): ${[...new Set(info.map((r) => r.message))].join(", ")}`,
    );
    expect(changed).toBe(6);
    expect(info.length).toBeLessThanOrEqual(2 + changed);
  }, 120_000);
});
