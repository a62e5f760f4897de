import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Logger } from "@aws-lambda-powertools/logger";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { vi } from "vitest";
import type { TrackerConfig } from "../../functions/deployment-tracker/config.js";
import type { TrackerDependencies } from "../../functions/deployment-tracker/tracker.js";
import { API_KEY, ENDPOINT, SECRET_ARN } from "../../scripts/fakes/deployment-tracker.js";

export {
  ACCOUNT,
  API_KEY,
  CLUSTER,
  completedEvent,
  DEPLOYMENT_ID,
  DEPLOYMENT_NUMBER,
  digest,
  ENDPOINT,
  ecrImage,
  REGION,
  REVISION_ARN,
  SECRET_ARN,
  SERVICE,
  SERVICE_ARN,
  SERVICE_DEPLOYMENT_ARN,
  TASK_DEFINITION_ARN,
} from "../../scripts/fakes/deployment-tracker.js";

/** Reads a fixture of test/fixtures/ecs. */
export function fixture(name: string): { documentation: string; event: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "ecs", name), "utf8"));
}

export const config = (overrides: Partial<TrackerConfig> = {}): TrackerConfig => ({
  endpointUrl: new URL(ENDPOINT),
  apiKeySecretArn: SECRET_ARN,
  apiKeyHeader: "x-cardinalhq-api-key",
  requestTimeoutMs: 1000,
  deliveryMaxAttempts: 3,
  secretCacheTtlSeconds: 300,
  serviceName: "deployment-tracker",
  ...overrides,
});

/** Everything written to stdout/stderr while active (Powertools Logger writes there). */
export function captureLogs() {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"),
    );
    return true;
  };
  const out = vi
    .spyOn(process.stdout, "write")
    .mockImplementation(record as typeof process.stdout.write);
  const err = vi
    .spyOn(process.stderr, "write")
    .mockImplementation(record as typeof process.stderr.write);
  return {
    text: () => chunks.join(""),
    entries: (): Record<string, unknown>[] =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** A fetch stub answering with the given statuses in turn (the last one repeats). */
export function fetchAnswering(...statuses: number[]) {
  const calls: { url: string; init: RequestInit; body: unknown }[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {}, body: JSON.parse(String(init?.body)) });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 200;
    return new Response(status === 204 ? null : JSON.stringify({ ok: status < 300 }), { status });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

/** Handler dependencies with real (to be mocked) SDK clients and a stub fetch. */
export function dependencies(overrides: Partial<TrackerDependencies> = {}): TrackerDependencies {
  return {
    config: config(),
    logger: new Logger({ serviceName: "deployment-tracker-test", logLevel: "DEBUG" }),
    ecsIn: (region) =>
      new ECSClient({
        region,
        maxAttempts: 1,
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      }),
    ecrIn: (region) =>
      new ECRClient({
        region,
        maxAttempts: 1,
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      }),
    getApiKey: async () => API_KEY,
    fetch: fetchAnswering(200).fetch,
    backoff: { minDelayMs: 1, maxDelayMs: 2, factor: 1 },
    ...overrides,
  };
}

/** A throttling error as the AWS SDK throws it. */
export function throttling(): Error {
  return Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
}

/** A service-side 500 as the SDK throws it. */
export function serverError(): Error {
  return Object.assign(new Error("Internal"), {
    name: "ServerException",
    $fault: "server",
    $metadata: { httpStatusCode: 500 },
  });
}

/** An access-denied error as the SDK throws it. */
export function accessDenied(): Error {
  return Object.assign(new Error("not authorized"), {
    name: "AccessDeniedException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
}

/** One scripted answer of {@link startReceiver}. */
export interface ReceiverAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/** A local HTTP receiver on 127.0.0.1; `requests` keeps when each arrived. */
export interface Receiver {
  readonly url: string;
  readonly requests: { readonly at: number; readonly headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Starts a receiver answering with the given answers in turn (the last one repeats). */
export async function startReceiver(...answers: ReceiverAnswer[]): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests.push({ at: performance.now(), headers: request.headers });
      const answer = answers[Math.min(requests.length, answers.length) - 1] ?? { status: 200 };
      response
        .writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
        .end(JSON.stringify({ status: answer.status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/_/chip/workloads`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
