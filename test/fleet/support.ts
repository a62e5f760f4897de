import { SQSClient } from "@aws-sdk/client-sqs";
import { type EcsQuotaProxy, startEcsQuotaProxy } from "../../scripts/fakes/ecs-quota-proxy.js";
import { createFleetQueue } from "../../scripts/fakes/fleet.js";
import { queueDepth, type RolloutQueue } from "../../scripts/fakes/sqs-event-source.js";
import { type MotoServer, startMoto, useMotoEnvironment } from "../support/moto.js";

export { motoAvailable } from "../support/moto.js";

/**
 * How much faster than real time ECS runs in the fleet tests: registrations at the default
 * share (0.5/s) then go out at 10/s, below what moto answers on a busy 2-core machine (with
 * the SQS clock of `scripts/moto-server.py`), so the buckets, not moto, set the pace.
 */
export const TIME_SCALE = 20;

/** moto_server, the quota stand-in in front of it, SDK clients pointed at the stand-in. */
export interface FleetWorld {
  readonly moto: MotoServer;
  readonly proxy: EcsQuotaProxy;
  queue(name: string, options?: { visibilityTimeoutSeconds?: number }): Promise<RolloutQueue>;
  dlqDepth(queue: RolloutQueue): Promise<number>;
  close(): Promise<void>;
}

export async function startFleetWorld(timeScale = TIME_SCALE): Promise<FleetWorld> {
  const moto = await startMoto();
  const proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale });
  useMotoEnvironment(proxy.url, "us-east-1");
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const sqs = new SQSClient({ region: "us-east-1", endpoint: proxy.url });
  return {
    moto,
    proxy,
    queue: (name, options = {}) => createFleetQueue(proxy, { name, ...options }),
    dlqDepth: (queue) => queueDepth(sqs, queue.dlqUrl),
    async close() {
      sqs.destroy();
      await proxy.close();
      await moto.stop();
    },
  };
}

/** Seconds between the first and the last accepted call of `operation` in `region`. */
export function spanSeconds(proxy: EcsQuotaProxy, region: string, operations: string[]): number {
  const times = proxy
    .stats()
    .calls.filter(
      (c) => c.region === region && operations.includes(c.operation) && c.outcome === "accepted",
    )
    .map((c) => c.at);
  if (times.length === 0) return 0;
  return (Math.max(...times) - Math.min(...times)) / 1000;
}
