import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultClients } from "../../cli/clients.js";
import type { ClientFactory, Deps, HttpProbe } from "../../cli/types.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const NOW = new Date("2026-11-21T10:30:45.123Z");
export const EVENT_ID = "0d9c1a44-7a4d-4f8e-9a51-1f2b0c3d4e5f";

/** Reads a fixture of test/fixtures/ecs. */
export function fixture(name: string): { documentation: string; event: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "ecs", name), "utf8"));
}

/** Dependencies for `run` whose output is captured, with a fixed clock and id. */
export interface TestDeps extends Deps {
  readonly stdout: string[];
  readonly stderr: string[];
  /** Everything written to stdout, one string. */
  out(): string;
  /** Everything written to stderr, one string. */
  err(): string;
}

export function testDeps(overrides: { clients?: ClientFactory; probe?: HttpProbe } = {}): TestDeps {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    clients: overrides.clients ?? defaultClients(),
    output: { out: (line) => stdout.push(line), err: (line) => stderr.push(line) },
    probe: overrides.probe ?? (async () => ({ reachable: true, status: 405 })),
    now: () => NOW,
    randomId: () => EVENT_ID,
    stdout,
    stderr,
    out: () => stdout.join("\n"),
    err: () => stderr.join("\n"),
  };
}

/** An AWS-documented Lambda on-failure invocation record wrapping an event. */
export function invocationRecord(
  event: unknown,
  functionName: string,
  condition = "RetriesExhausted",
) {
  return {
    version: "1.0",
    timestamp: "2026-11-21T10:31:05.568Z",
    requestContext: {
      requestId: "e4b46cbf-b738-4a1b-8880-a18cdf61200e",
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}:$LATEST`,
      condition,
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: {
      errorType: "DeliveryError",
      errorMessage: "HTTP 503 from receiver.example.com",
    },
  };
}
