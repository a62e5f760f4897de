/**
 * A local HTTP endpoint that speaks the AWS JSON protocol of ECS and ECR, so real SDK
 * clients (their retry strategy included) can be run against fakes and every request
 * that reaches the wire is counted. aws-sdk-client-mock replaces `send` and so bypasses
 * the retry middleware; this does not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Answers one operation: returns the output, or throws an error shaped like the SDK's. */
export type Operation = (input: Record<string, unknown>) => unknown;

/** A running endpoint. */
export interface AwsJsonEndpoint {
  /** `http://127.0.0.1:<port>`: give it to the clients as `endpoint`. */
  readonly url: string;
  /** HTTP requests received per operation (`RegisterTaskDefinition`), answered or not. */
  readonly requests: ReadonlyMap<string, number>;
  /** HTTP requests received for one operation. */
  count(operation: string): number;
  close(): Promise<void>;
}

/** Something with the `on(Command).callsFake(fn)` of aws-sdk-client-mock's stubs. */
export interface StubLike {
  on(command: { readonly name: string }): { callsFake(fn: Operation): unknown };
}

/**
 * A stand-in for an aws-sdk-client-mock stub that records each `on(XCommand).callsFake(fn)`
 * as operation `X`: code written to answer mocked clients answers the endpoint too.
 */
export function operationRecorder(operations: Map<string, Operation>): StubLike {
  return {
    on(command) {
      const name = command.name.replace(/Command$/, "");
      return {
        callsFake(fn: Operation) {
          operations.set(name, fn);
          return undefined;
        },
      };
    },
  };
}

/** Dates as epoch seconds, as the AWS JSON protocol sends timestamps. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function answer(response: ServerResponse, status: number, payload: unknown, errorType?: string) {
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    ...(errorType && { "x-amzn-errortype": errorType }),
  });
  response.end(JSON.stringify(payload));
}

/** Starts the endpoint on 127.0.0.1 with the given operations (by name, `DescribeServices`). */
export async function startAwsJsonEndpoint(
  operations: ReadonlyMap<string, Operation>,
): Promise<AwsJsonEndpoint> {
  const requests = new Map<string, number>();
  const server = createServer(async (request, response) => {
    // `x-amz-target: AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition`
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.lastIndexOf(".") + 1);
    requests.set(operation, (requests.get(operation) ?? 0) + 1);
    const handler = operations.get(operation);
    if (handler === undefined) {
      answer(
        response,
        400,
        { __type: "UnknownOperationException", message: operation },
        "UnknownOperationException",
      );
      return;
    }
    try {
      const text = await body(request);
      const output = await handler(
        text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
      );
      answer(response, 200, toWire(output ?? {}));
    } catch (error) {
      const e = error as {
        name?: string;
        message?: string;
        $fault?: string;
        $metadata?: { httpStatusCode?: number };
      };
      const name = e.name && e.name !== "Error" ? e.name : "ServerException";
      const status =
        e.$metadata?.httpStatusCode ??
        (e.$fault === "server" || name === "ServerException" ? 500 : 400);
      answer(response, status, { __type: name, message: e.message ?? "" }, name);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (operation) => requests.get(operation) ?? 0,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
