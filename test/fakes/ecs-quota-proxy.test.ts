import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
} from "@aws-sdk/client-ecr";
import {
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { classifyAwsError, isThrottlingError } from "../../functions/shared/aws-errors.js";
import { retryOptions } from "../../functions/shared/clients.js";
import {
  ECS_QUOTAS,
  ECS_TARGET_PREFIX,
  type EcsQuotaProxy,
  type EcsQuotaProxyOptions,
  inMotoAccount,
  MOTO_DEFAULT_ACCOUNT,
  startCompetingCaller,
  startEcsQuotaProxy,
} from "../../scripts/fakes/ecs-quota-proxy.js";
import { type MotoServer, motoAvailable, startMoto } from "../support/moto.js";

const REGION = "us-east-1";
const OTHER_ACCOUNT = "210987654321";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

interface RawCall {
  readonly region?: string;
  readonly account?: string;
  readonly accessKey?: string;
}

/**
 * One ECS JSON-protocol request with a SigV4-shaped Authorization header (moto checks no
 * signatures): enough for the proxy to attribute it, cheaper than an SDK client.
 */
async function ecsCall(proxy: EcsQuotaProxy, operation: string, call: RawCall = {}) {
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.1",
    "x-amz-target": `${ECS_TARGET_PREFIX}${operation}`,
    "x-amz-date": "20261201T000000Z",
    authorization: `AWS4-HMAC-SHA256 Credential=${call.accessKey ?? "testing"}/20261201/${call.region ?? REGION}/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
  };
  if (call.account) headers["x-moto-account-id"] = call.account;
  const response = await fetch(proxy.url, { method: "POST", headers, body: "{}" });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Sends the operation n times in a row; returns how many the proxy throttled. */
async function send(proxy: EcsQuotaProxy, operation: string, n: number, call: RawCall = {}) {
  let throttled = 0;
  for (let i = 0; i < n; i++) {
    const { body } = await ecsCall(proxy, operation, call);
    if (body.includes('"ThrottlingException"')) throttled += 1;
  }
  return throttled;
}

const available = motoAvailable();

describe.skipIf(!available)("ECS quota proxy in front of moto_server", () => {
  let moto: MotoServer;
  let proxy: EcsQuotaProxy | undefined;
  let now = 0;
  /** A proxy whose clock only moves when the test moves `now`. */
  const frozenProxy = async (options: Partial<EcsQuotaProxyOptions> = {}) => {
    now = 0;
    proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, clock: () => now, ...options });
    return proxy;
  };

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await moto.reset();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  describe("buckets", () => {
    it.each(
      Object.entries(ECS_QUOTAS).map(([category, quota]) => ({
        category,
        burst: quota.burst,
        operations: quota.operations as readonly string[],
      })),
    )(
      "accepts the documented burst of $category ($burst) and throttles the next call",
      async ({ category, burst, operations }) => {
        // Prepare
        const p = await frozenProxy();

        // Act: the burst spread over every operation of the category, then one more
        for (let i = 0; i < burst; i++) {
          await ecsCall(p, operations[i % operations.length] as string);
        }
        const next = await ecsCall(p, operations[0] as string);

        // Assess
        expect(p.count({ category, outcome: "accepted" })).toBe(burst);
        expect(p.count({ category, outcome: "throttled" })).toBe(1);
        expect(next.status).toBe(400);
        expect(next.headers.get("x-amzn-errortype")).toBe("ThrottlingException");
        expect(next.headers.get("content-type")).toBe("application/x-amz-json-1.1");
        expect(JSON.parse(next.body)).toEqual({
          __type: "ThrottlingException",
          message: "Rate exceeded",
        });
      },
    );

    it("refills at the sustained rate times the time scale, never above the burst", async () => {
      // Prepare: task-definition modify is 20 burst / 1 per s; 100× makes 1 s of ECS 10 ms
      const p = await frozenProxy({ timeScale: 100 });
      expect(await send(p, "RegisterTaskDefinition", 21)).toBe(1);

      // Act & Assess: 10 ms → one token
      now += 10;
      expect(await send(p, "RegisterTaskDefinition", 2)).toBe(1);
      // 50 ms → five tokens
      now += 50;
      expect(await send(p, "RegisterTaskDefinition", 6)).toBe(1);
      // 9 ms → still less than one token
      now += 9;
      expect(await send(p, "RegisterTaskDefinition", 1)).toBe(1);
      // 10 minutes of ECS time → a full bucket, and no more
      now += 6_000;
      expect(await send(p, "RegisterTaskDefinition", 21)).toBe(1);
    });

    it("refills at the documented rate without a time scale", async () => {
      // Prepare: service modify is 50 burst / 5 per s
      const p = await frozenProxy();
      expect(await send(p, "UpdateService", 51)).toBe(1);

      // Act
      now += 1_000;
      const throttled = await send(p, "UpdateService", 6);

      // Assess: 5 in a second, the sixth throttled
      expect(throttled).toBe(1);
    });

    it("refills on the real clock when no clock is given", async () => {
      // Prepare: 1 per s × 20 = a token every 50 ms; calls sent at once, so sending adds little
      proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale: 20 });
      const p = proxy;
      const burst = async (n: number) =>
        (
          await Promise.all(Array.from({ length: n }, () => ecsCall(p, "RegisterTaskDefinition")))
        ).filter((r) => !r.body.includes('"ThrottlingException"')).length;
      expect(await burst(20)).toBe(20);

      // Act
      await new Promise((r) => setTimeout(r, 500));
      const accepted = await burst(25);

      // Assess: at least the tokens accrued at 20 per s between the drain and the second
      // batch's first arrival; at most those accrued since the very first call (the bucket
      // refills while the first batch drains it). The proxy's own times, so a loaded
      // machine does not matter.
      const times = p.stats().calls.map((c) => c.at);
      const first = Math.min(...times.slice(0, 20));
      const drained = Math.max(...times.slice(0, 20));
      const second = times.slice(20);
      const accrued = (from: number, until: number) => ((until - from) / 1000) * 20;
      expect(accepted).toBeGreaterThanOrEqual(
        Math.floor(Math.min(20, accrued(drained, Math.min(...second)))) - 1,
      );
      expect(accepted).toBeLessThanOrEqual(Math.ceil(accrued(first, Math.max(...second))) + 1);
      expect(accepted).toBeGreaterThanOrEqual(9);
    });

    it("keeps one bucket per account, per region and per category", async () => {
      // Prepare: empty task-definition modify of the default account in us-east-1
      const p = await frozenProxy();
      expect(await send(p, "RegisterTaskDefinition", 21)).toBe(1);

      // Act
      const otherAccount = await send(p, "RegisterTaskDefinition", 20, { account: OTHER_ACCOUNT });
      const otherRegion = await send(p, "DeregisterTaskDefinition", 20, { region: "eu-west-1" });
      const otherCategory = await send(p, "DescribeTaskDefinition", 50);
      const same = await send(p, "DeregisterTaskDefinition", 1, { account: MOTO_DEFAULT_ACCOUNT });

      // Assess
      expect([otherAccount, otherRegion, otherCategory, same]).toEqual([0, 0, 0, 1]);
      expect(p.count({ account: OTHER_ACCOUNT, outcome: "accepted" })).toBe(20);
      expect(p.count({ region: "eu-west-1", outcome: "accepted" })).toBe(20);
    });

    it("attributes credentials that moto issued through sts:AssumeRole to the role's account", async () => {
      // Prepare
      const p = await frozenProxy();
      const assumed = await fetch(p.url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `AWS4-HMAC-SHA256 Credential=testing/20261201/${REGION}/sts/aws4_request, SignedHeaders=host, Signature=${"0".repeat(64)}`,
        },
        body: `Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::${OTHER_ACCOUNT}:role/deploy&RoleSessionName=test`,
      });
      const accessKey = /<AccessKeyId>([^<]+)</.exec(await assumed.text())?.[1];
      expect(assumed.status).toBe(200);

      // Act
      await ecsCall(p, "ListServices", { accessKey: accessKey as string });

      // Assess
      expect(p.stats().calls.map((c) => c.account)).toEqual([OTHER_ACCOUNT]);
    });

    it("passes operations outside the documented categories unthrottled", async () => {
      // Prepare
      const p = await frozenProxy();

      // Act
      const throttled = await send(p, "ListClusters", 60);

      // Assess
      expect(throttled).toBe(0);
      expect(p.count({ operation: "ListClusters", outcome: "accepted" })).toBe(60);
      expect(p.stats().calls[0]?.category).toBeUndefined();
    });

    it("enforces quotas given instead of the documented ones", async () => {
      // Prepare
      const p = await frozenProxy({
        quotas: { "cluster-read": { burst: 2, perSecond: 1, operations: ["ListClusters"] } },
      });

      // Act
      const clusters = await send(p, "ListClusters", 3);
      const registrations = await send(p, "RegisterTaskDefinition", 25);

      // Assess
      expect([clusters, registrations]).toEqual([1, 0]);
    });
  });

  describe("the AWS SDK", () => {
    it("sees ThrottlingException, and its retry strategy classifies it as throttling", async () => {
      // Prepare
      const p = await frozenProxy();
      await send(p, "DescribeServices", 100);
      const errorTypes: unknown[] = [];
      const ecs = new ECSClient({
        region: REGION,
        endpoint: p.url,
        credentials,
        ...retryOptions(3, {
          backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => {} },
          rateLimiter: {
            getSendToken: async () => {},
            updateClientSendingRate: (info: { errorType?: unknown }) => {
              if (info.errorType) errorTypes.push(info.errorType);
            },
          },
        }),
      });

      // Act
      const first = await ecs
        .send(new RegisterTaskDefinitionCommand({ family: "x", containerDefinitions: [] }))
        .then(() => "accepted")
        .catch((e: unknown) => e);
      await send(p, "RegisterTaskDefinition", 19);
      const throttled = await ecs
        .send(
          new RegisterTaskDefinitionCommand({
            family: "web",
            containerDefinitions: [{ name: "app", image: "busybox", memory: 32 }],
          }),
        )
        .catch((e: unknown) => e);

      // Assess: the first call was not throttled (service read is another bucket)
      expect(first).toBe("accepted");
      expect(throttled).toMatchObject({
        name: "ThrottlingException",
        message: "Rate exceeded",
        $metadata: { httpStatusCode: 400, attempts: 3 },
      });
      expect(isThrottlingError(throttled)).toBe(true);
      expect(classifyAwsError(throttled)).toMatchObject({ kind: "throttling", retryable: true });
      // One classification per failed attempt (the last one ends the retries)
      expect(errorTypes).toEqual(["THROTTLING", "THROTTLING", "THROTTLING"]);
      ecs.destroy();
    });

    it("reaches moto for an accepted call, and a throttled call changes nothing", async () => {
      // Prepare
      const p = await frozenProxy();
      const ecs = new ECSClient({ region: REGION, endpoint: p.url, credentials, maxAttempts: 1 });
      const register = () =>
        ecs.send(
          new RegisterTaskDefinitionCommand({
            family: "web",
            containerDefinitions: [{ name: "app", image: "busybox", memory: 32 }],
          }),
        );

      // Act
      const outcomes = [];
      for (let i = 0; i < 22; i++) {
        outcomes.push(
          await register().then(
            (r) => r.taskDefinition?.revision,
            (e: Error) => e.name,
          ),
        );
      }
      const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }));

      // Assess
      expect(outcomes.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(outcomes.slice(20)).toEqual(["ThrottlingException", "ThrottlingException"]);
      expect(listed.taskDefinitionArns).toHaveLength(20);
      ecs.destroy();
    });

    it("acts in the account of the x-moto-account-id header", async () => {
      // Prepare
      const p = await frozenProxy();
      const ecs = inMotoAccount(
        new ECSClient({ region: "eu-west-1", endpoint: p.url, credentials, maxAttempts: 1 }),
        OTHER_ACCOUNT,
      );

      // Act
      const registered = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "web",
          containerDefinitions: [{ name: "app", image: "busybox", memory: 32 }],
        }),
      );

      // Assess: moto and the proxy agree on the account
      expect(registered.taskDefinition?.taskDefinitionArn).toContain(`:${OTHER_ACCOUNT}:`);
      expect(p.stats().byAccountRegion).toEqual({
        [`${OTHER_ACCOUNT}/eu-west-1`]: { accepted: 1, throttled: 0 },
      });
      ecs.destroy();
    });
  });

  describe("other services", () => {
    it("forwards ECR and SQS calls untouched and does not count them as ECS calls", async () => {
      // Prepare
      const p = await frozenProxy();
      const ecr = new ECRClient({ region: REGION, endpoint: p.url, credentials });
      const sqs = new SQSClient({ region: REGION, endpoint: p.url, credentials });

      // Act
      const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: "team/app" }));
      const described = await ecr.send(new DescribeRepositoriesCommand({}));
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: "work" }));

      // Assess
      expect(created.repository?.repositoryUri).toContain("team/app");
      expect(described.repositories?.map((r) => r.repositoryName)).toEqual(["team/app"]);
      expect(queue.QueueUrl).toContain("work");
      expect(p.stats()).toMatchObject({ calls: [], forwarded: 3 });
      ecr.destroy();
      sqs.destroy();
    });
  });

  describe("stats", () => {
    it("counts accepted and throttled calls per operation and per account-region, with times", async () => {
      // Prepare
      const p = await frozenProxy();
      const before = Date.now();

      // Act
      await send(p, "RegisterTaskDefinition", 15);
      await send(p, "DeregisterTaskDefinition", 7);
      await send(p, "ListServices", 2, { account: OTHER_ACCOUNT, region: "eu-west-1" });
      const stats = p.stats();

      // Assess
      expect(stats.byOperation).toEqual({
        RegisterTaskDefinition: { accepted: 15, throttled: 0 },
        DeregisterTaskDefinition: { accepted: 5, throttled: 2 },
        ListServices: { accepted: 2, throttled: 0 },
      });
      expect(stats.byAccountRegion).toEqual({
        [`${MOTO_DEFAULT_ACCOUNT}/${REGION}`]: { accepted: 20, throttled: 2 },
        [`${OTHER_ACCOUNT}/eu-west-1`]: { accepted: 2, throttled: 0 },
      });
      expect(stats.calls).toHaveLength(24);
      const times = stats.calls.map((c) => c.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times[0]).toBeGreaterThanOrEqual(before);
      expect(times.at(-1)).toBeLessThanOrEqual(Date.now());
      expect(stats.calls[20]).toMatchObject({
        operation: "DeregisterTaskDefinition",
        category: "task-definition-modify",
        outcome: "throttled",
      });
    });

    it("forgets every call and refills every bucket on reset", async () => {
      // Prepare
      const p = await frozenProxy();
      await send(p, "RegisterTaskDefinition", 21);

      // Act
      p.reset();
      const throttled = await send(p, "RegisterTaskDefinition", 20);

      // Assess
      expect(throttled).toBe(0);
      expect(p.stats().calls).toHaveLength(20);
    });
  });

  describe("competing caller", () => {
    it("gets every call through at a rate below the refill, even with an empty bucket", async () => {
      // Prepare: 1 per s × 100; the caller sends 0.25 per s × 100 = one call every 40 ms
      proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale: 100 });
      await send(proxy, "RegisterTaskDefinition", 20);

      // Act
      const caller = startCompetingCaller(proxy, { ratePerSecond: 0.25 });
      await new Promise((r) => setTimeout(r, 1000));
      const report = await caller.stop();

      // Assess
      expect(report.sent).toBeGreaterThanOrEqual(20);
      expect(report).toMatchObject({ throttled: 0, failed: 0, throttledFraction: 0 });
      expect(report.accepted).toBe(report.sent);
    });

    it("has its calls throttled above the refill rate, and reports what the proxy counted", async () => {
      // Prepare: the caller sends 2 per s × 10 = one call every 50 ms, twice the bucket's
      // refill (10/s): slow enough that a loaded machine still keeps the caller's pace
      // (at × 100 it fell to half its rate and outran the refill no more)
      proxy = await startEcsQuotaProxy({ upstream: moto.endpoint, timeScale: 10 });
      await send(proxy, "RegisterTaskDefinition", 20);

      // Act
      const caller = startCompetingCaller(proxy, { ratePerSecond: 2 });
      await new Promise((r) => setTimeout(r, 2000));
      const report = await caller.stop();

      // Assess: about half; never more accepted than the burst plus the tokens accrued since
      // the first call (the bucket also refills while the first 20 drain it, so count from
      // there: 10 tokens per s is one per 100 ms)
      const calls = proxy.stats().calls;
      const first = (calls[0] as { at: number }).at;
      const last = Math.max(...calls.map((c) => c.at));
      const accrued = (last - first) / 100;
      expect(report.sent).toBeGreaterThanOrEqual(30);
      expect(report.failed).toBe(0);
      expect(report.accepted + 20).toBeLessThanOrEqual(20 + Math.ceil(accrued) + 1);
      expect(report.throttledFraction).toBeGreaterThan(0.2);
      expect(report.throttledFraction).toBeLessThan(0.8);
      expect(proxy.count({ operation: "RegisterTaskDefinition", outcome: "throttled" })).toBe(
        report.throttled,
      );
      expect(proxy.count({ operation: "RegisterTaskDefinition", outcome: "accepted" })).toBe(
        report.accepted + 20,
      );
    });
  });
});
