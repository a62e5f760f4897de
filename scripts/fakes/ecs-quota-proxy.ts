/**
 * A quota-enforcing stand-in for Amazon ECS: an HTTP proxy on 127.0.0.1 in front of
 * moto_server that throttles ECS calls with ECS's own token buckets, per account and
 * region and shared by every caller, and forwards everything else (ECR, SQS, STS, …)
 * untouched. moto itself never throttles, so without this a test cannot see what a fleet
 * does to the account's quota.
 *
 * What it follows (verified against "Request throttling for the Amazon ECS API",
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html,
 * section "Request Token Bucket Sizes and Refill Rates", read 2026-12-01):
 * - Buckets are per account and per region; every action of a category shares one
 *   bucket; capacity = burst, refill = sustained rate; a throttled call answers
 *   `ThrottlingException` "Rate exceeded" with HTTP 400.
 * - The categories and numbers in {@link ECS_QUOTAS}. Two differ from a reading that
 *   lumps them together: `DeleteTaskDefinitions` has its own "Task definition deletion
 *   actions" bucket (5 / 1), not the task-definition modify one (20 / 1); and
 *   `ListServicesByNamespace` is "Cluster service resource read actions" (10 / 1), not
 *   service read (100 / 20).
 * - Every other ECS action passes unthrottled here (the page documents more categories,
 *   e.g. cluster read 50 / 20 for ListClusters, tag read 50 / 20 for ListTagsForResource;
 *   pass `quotas` to enforce them too).
 * - Refill is continuous (tokens accrue by the millisecond); the page describes a
 *   once-a-second top-up, which allows the same sustained rate.
 *
 * The answer to a throttled call is what the SDK's JSON protocol parser needs to name the
 * error: `loadJsonRpcErrorCode` (`@smithy/core/protocols`) reads the body's `__type`,
 * then `code`, then the `x-amzn-errortype` header; the retry strategies' throttling test
 * (`isThrottlingError`, `@smithy/core/retry`) then matches the name `ThrottlingException`
 * (HTTP 400 alone is not throttling; only 429 would be).
 *
 * How a call is attributed, as moto does it: the account is the `x-moto-account-id`
 * header, else the account of credentials moto issued through `sts:AssumeRole` (learnt
 * from AssumeRole answers passing through this proxy), else moto's default account; the
 * region is the SigV4 credential scope of the `Authorization` header.
 */
import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { isThrottlingError } from "../../functions/shared/aws-errors.js";

/** One token bucket: capacity (burst) and refill per second (sustained rate). */
export interface BucketQuota {
  readonly burst: number;
  readonly perSecond: number;
  readonly operations: readonly string[];
}

/** ECS's documented buckets, by category (see the header comment for the source). */
export const ECS_QUOTAS = {
  "task-definition-modify": {
    burst: 20,
    perSecond: 1,
    operations: ["RegisterTaskDefinition", "DeregisterTaskDefinition"],
  },
  "task-definition-delete": { burst: 5, perSecond: 1, operations: ["DeleteTaskDefinitions"] },
  "task-definition-read": {
    burst: 50,
    perSecond: 20,
    operations: ["DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"],
  },
  "service-modify": {
    burst: 50,
    perSecond: 5,
    operations: ["CreateService", "UpdateService", "DeleteService"],
  },
  "service-read": { burst: 100, perSecond: 20, operations: ["DescribeServices", "ListServices"] },
  "service-namespace-read": { burst: 10, perSecond: 1, operations: ["ListServicesByNamespace"] },
  "service-deployment": {
    burst: 50,
    perSecond: 20,
    operations: ["ListServiceDeployments", "DescribeServiceDeployments"],
  },
  "service-revision": { burst: 50, perSecond: 20, operations: ["DescribeServiceRevisions"] },
} as const satisfies Record<string, BucketQuota>;

/** The `X-Amz-Target` prefix of ECS's JSON protocol. */
export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";

/** moto's account when a request names none. */
export const MOTO_DEFAULT_ACCOUNT = "123456789012";

/** One ECS call the proxy decided on. */
export interface EcsCall {
  /** `Date.now()` when the call arrived. */
  readonly at: number;
  readonly operation: string;
  readonly account: string;
  readonly region: string;
  /** The bucket's category; undefined for an unthrottled operation. */
  readonly category: string | undefined;
  readonly outcome: "accepted" | "throttled";
}

/** Accepted and throttled calls. */
export interface CallCounts {
  accepted: number;
  throttled: number;
}

/** What passed through the proxy since it started or was last reset. */
export interface ProxyStats {
  /** Every ECS call in arrival order. */
  readonly calls: readonly EcsCall[];
  /** Counts by operation (`RegisterTaskDefinition`). */
  readonly byOperation: Readonly<Record<string, CallCounts>>;
  /** Counts by `<account>/<region>`. */
  readonly byAccountRegion: Readonly<Record<string, CallCounts>>;
  /** Non-ECS requests forwarded to moto. */
  readonly forwarded: number;
}

/** Which calls {@link EcsQuotaProxy.count} counts; every given field must match. */
export interface CallFilter {
  readonly operation?: string;
  readonly category?: string;
  readonly account?: string;
  readonly region?: string;
  readonly outcome?: EcsCall["outcome"];
}

/** Options of {@link startEcsQuotaProxy}. */
export interface EcsQuotaProxyOptions {
  /** moto_server's endpoint, `http://127.0.0.1:<port>`. */
  readonly upstream: string;
  /**
   * How much faster than real time the buckets refill: 100 makes a 1/s bucket refill at
   * 100/s (bursts stay as documented).
   * @default 1
   */
  readonly timeScale?: number;
  /** @default ECS_QUOTAS */
  readonly quotas?: Readonly<Record<string, BucketQuota>>;
  /**
   * Milliseconds of a monotonic clock; tests pass their own to step time exactly.
   * @default performance.now
   */
  readonly clock?: () => number;
}

/** A running proxy. */
export interface EcsQuotaProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give clients instead of moto's. */
  readonly url: string;
  readonly timeScale: number;
  stats(): ProxyStats;
  /** ECS calls matching the filter. */
  count(filter?: CallFilter): number;
  /** Forgets every call and refills every bucket. */
  reset(): void;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The region of a SigV4 `Authorization` header's credential scope, and its service. */
function credentialScope(
  headers: IncomingHttpHeaders,
): { accessKey: string; region: string; service: string } | undefined {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    String(headers.authorization ?? ""),
  );
  if (!match) return undefined;
  return { accessKey: match[1] as string, region: match[2] as string, service: match[3] as string };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** ECS's answer to a throttled call (JSON 1.1 protocol). */
function answerThrottled(response: ServerResponse): void {
  const body = JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" });
  response.writeHead(400, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": randomUUID(),
    "x-amzn-errortype": "ThrottlingException",
  });
  response.end(body);
}

/** Starts the proxy on an ephemeral port of 127.0.0.1. */
export async function startEcsQuotaProxy(options: EcsQuotaProxyOptions): Promise<EcsQuotaProxy> {
  const upstream = new URL(options.upstream);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  const quotas: Readonly<Record<string, BucketQuota>> = options.quotas ?? ECS_QUOTAS;
  const clock = options.clock ?? (() => performance.now());
  const categoryOf = new Map<string, string>();
  for (const [category, quota] of Object.entries(quotas)) {
    for (const operation of quota.operations) categoryOf.set(operation, category);
  }

  const buckets = new Map<string, Bucket>();
  /** Access keys moto issued through sts:AssumeRole, and their account. */
  const assumedKeys = new Map<string, string>();
  let calls: EcsCall[] = [];
  let forwarded = 0;

  /** Takes one token of the bucket; false when it is empty. */
  const take = (key: string, quota: BucketQuota): boolean => {
    const now = clock();
    const bucket = buckets.get(key) ?? { tokens: quota.burst, updatedAt: now };
    const refill = ((now - bucket.updatedAt) / 1000) * quota.perSecond * timeScale;
    bucket.tokens = Math.min(quota.burst, bucket.tokens + refill);
    bucket.updatedAt = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const agent = new Agent({ keepAlive: true, maxSockets: 64, noDelay: true });

  /** Sends the request on to moto; `body` when it was already read. */
  const forward = (
    request: IncomingMessage,
    response: ServerResponse,
    body?: Buffer,
    onAnswer?: (answer: Buffer) => void,
  ) => {
    const upstreamRequest = httpRequest(
      {
        agent,
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        if (!onAnswer) {
          upstreamResponse.pipe(response);
          return;
        }
        readAll(upstreamResponse).then(
          (answer) => {
            onAnswer(answer);
            response.end(answer);
          },
          () => response.destroy(),
        );
      },
    );
    upstreamRequest.on("error", (error) => {
      if (!response.headersSent) {
        response.writeHead(502, { "content-type": "text/plain" });
      }
      response.end(`ECS quota proxy: moto_server did not answer: ${error.message}`);
    });
    if (body) {
      upstreamRequest.end(body);
      return;
    }
    // Headers and body in one write: piping sends them apart, and Nagle's algorithm with
    // moto's delayed ACK then holds every call back by tens of milliseconds.
    readAll(request).then(
      (whole) => upstreamRequest.end(whole),
      () => upstreamRequest.destroy(),
    );
  };

  /** Learns the account of credentials from an AssumeRole answer (XML). */
  const learnAssumedRole = (answer: Buffer) => {
    const text = answer.toString("utf8");
    const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text)?.[1];
    const account = /<Arn>arn:[^:]*:sts::(\d{12}):assumed-role\//.exec(text)?.[1];
    if (key && account) assumedKeys.set(key, account);
  };

  const server = createServer({ noDelay: true }, (request, response) => {
    const scope = credentialScope(request.headers);
    const target = header(request.headers, "x-amz-target") ?? "";
    if (!target.startsWith(ECS_TARGET_PREFIX)) {
      forwarded += 1;
      if (scope?.service === "sts" && request.method === "POST") {
        readAll(request).then(
          (body) => {
            const isAssumeRole = /(?:^|&)Action=AssumeRole(?:&|$)/.test(body.toString("utf8"));
            forward(request, response, body, isAssumeRole ? learnAssumedRole : undefined);
          },
          () => response.destroy(),
        );
        return;
      }
      forward(request, response);
      return;
    }
    const operation = target.slice(ECS_TARGET_PREFIX.length);
    const region = scope?.region ?? "us-east-1";
    const account =
      header(request.headers, "x-moto-account-id") ??
      (scope && assumedKeys.get(scope.accessKey)) ??
      MOTO_DEFAULT_ACCOUNT;
    const category = categoryOf.get(operation);
    const quota = category === undefined ? undefined : quotas[category];
    const accepted =
      quota === undefined || take(`${account}/${region}/${category as string}`, quota);
    calls.push({
      at: Date.now(),
      operation,
      account,
      region,
      category,
      outcome: accepted ? "accepted" : "throttled",
    });
    if (accepted) {
      forward(request, response);
      return;
    }
    request.resume();
    request.once("end", () => answerThrottled(response));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const tally = (key: (call: EcsCall) => string): Record<string, CallCounts> => {
    const counts: Record<string, CallCounts> = {};
    for (const call of calls) {
      const entry = counts[key(call)] ?? { accepted: 0, throttled: 0 };
      entry[call.outcome] += 1;
      counts[key(call)] = entry;
    }
    return counts;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    timeScale,
    stats: () => ({
      calls: [...calls],
      byOperation: tally((c) => c.operation),
      byAccountRegion: tally((c) => `${c.account}/${c.region}`),
      forwarded,
    }),
    count: (filter = {}) =>
      calls.filter(
        (c) =>
          (filter.operation === undefined || c.operation === filter.operation) &&
          (filter.category === undefined || c.category === filter.category) &&
          (filter.account === undefined || c.account === filter.account) &&
          (filter.region === undefined || c.region === filter.region) &&
          (filter.outcome === undefined || c.outcome === filter.outcome),
      ).length,
    reset: () => {
      calls = [];
      forwarded = 0;
      buckets.clear();
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        agent.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Makes every request of an SDK client act in a moto account (`x-moto-account-id`). */
export function inMotoAccount<Client extends Pick<ECSClient, "middlewareStack">>(
  client: Client,
  account: string,
): Client {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers["x-moto-account-id"] = account;
      return next(args);
    },
    { step: "build", name: "motoAccountHeader" },
  );
  return client;
}

/** Options of {@link startCompetingCaller}. */
export interface CompetingCallerOptions {
  /** Registrations per second of ECS time (the proxy's time scale speeds it up alike). */
  readonly ratePerSecond: number;
  /** @default MOTO_DEFAULT_ACCOUNT */
  readonly account?: string;
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default "competing-caller" */
  readonly family?: string;
}

/** What the competing caller saw: every call is one attempt, never retried. */
export interface CompetingCallerReport {
  readonly sent: number;
  readonly accepted: number;
  readonly throttled: number;
  /** Calls that failed otherwise (not throttled). */
  readonly failed: number;
  /** throttled / sent; 0 when nothing was sent. */
  readonly throttledFraction: number;
}

/** A running competing caller. */
export interface CompetingCaller {
  /** Stops sending, waits for the calls under way, reports. */
  stop(): Promise<CompetingCallerReport>;
}

/**
 * Another caller in the same account and region, say a CI pipeline: sends
 * RegisterTaskDefinition through the proxy at a fixed rate (open loop: a slow answer does
 * not delay the next call) without retries, and counts how many ECS throttled.
 */
export function startCompetingCaller(
  proxy: Pick<EcsQuotaProxy, "url" | "timeScale">,
  options: CompetingCallerOptions,
): CompetingCaller {
  if (!(options.ratePerSecond > 0)) {
    throw new Error(`ratePerSecond must be > 0, got ${options.ratePerSecond}`);
  }
  const region = options.region ?? "us-east-1";
  const family = options.family ?? "competing-caller";
  const client = inMotoAccount(
    new ECSClient({
      region,
      endpoint: proxy.url,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
    }),
    options.account ?? MOTO_DEFAULT_ACCOUNT,
  );
  const intervalMs = 1000 / (options.ratePerSecond * proxy.timeScale);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  let accepted = 0;
  let throttled = 0;
  let failed = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const send = () => {
    sent += 1;
    inFlight.push(
      client
        .send(
          new RegisterTaskDefinitionCommand({
            family,
            containerDefinitions: [{ name: "app", image: "busybox:latest", memory: 32 }],
          }),
        )
        .then(
          () => {
            accepted += 1;
          },
          (error: unknown) => {
            if (isThrottlingError(error)) throttled += 1;
            else failed += 1;
          },
        ),
    );
  };
  // Each call at started + k × interval, so timer lateness does not lower the rate.
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - started) / intervalMs) + 1;
    while (sent < due) send();
    timer = setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
  };
  tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(inFlight);
      client.destroy();
      return {
        sent,
        accepted,
        throttled,
        failed,
        throttledFraction: sent === 0 ? 0 : throttled / sent,
      };
    },
  };
}
