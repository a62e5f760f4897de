import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { afterEach, describe, expect, it } from "vitest";
import { regionalClients, retryOptions } from "../../functions/shared/clients.js";
import {
  type AwsJsonEndpoint,
  type Operation,
  startAwsJsonEndpoint,
} from "../../scripts/fakes/aws-json-endpoint.js";

// Only the SDK's waiting is taken out; its decisions (what to retry, how often) stay.
const noWaiting = {
  backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => {} },
  rateLimiter: { getSendToken: async () => {}, updateClientSendingRate: () => {} },
};
const failing = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe("retryOptions", () => {
  let endpoint: AwsJsonEndpoint | undefined;

  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  async function clientAnswering(describeServices: Operation): Promise<ECSClient> {
    endpoint = await startAwsJsonEndpoint(new Map([["DescribeServices", describeServices]]));
    return new ECSClient({
      region: "eu-west-1",
      endpoint: endpoint.url,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      ...retryOptions(4, noWaiting),
    });
  }

  it.each([
    ["AccessDeniedException", 400, 1],
    ["InvalidParameterException", 400, 1],
    ["ThrottlingException", 400, 4],
    ["ServiceUnavailableException", 503, 4],
  ])(
    "sends a call that keeps failing with %s (HTTP %s) %s time(s) in total",
    async (name, status, requests) => {
      // Prepare
      const ecs = await clientAnswering(() => {
        throw failing(name, status);
      });

      // Act
      const run = ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["web"] }));

      // Assess
      await expect(run).rejects.toMatchObject({ name });
      expect(endpoint?.count("DescribeServices")).toBe(requests);
    },
  );

  it("returns the answer of the first attempt that succeeds", async () => {
    // Prepare
    let calls = 0;
    const ecs = await clientAnswering(() => {
      calls++;
      if (calls < 3) throw failing("ThrottlingException", 400);
      return { services: [{ serviceName: "web" }], failures: [] };
    });

    // Act
    const out = await ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["web"] }));

    // Assess
    expect(out.services?.[0]?.serviceName).toBe("web");
    expect(out.$metadata.attempts).toBe(3);
    expect(endpoint?.count("DescribeServices")).toBe(3);
  });

  it("gives each client its own strategy, so one client's throttling does not slow another", () => {
    // Act
    const a = retryOptions(4);
    const b = retryOptions(4);

    // Assess
    expect(a.retryStrategy).not.toBe(b.retryStrategy);
    expect(a.maxAttempts).toBe(4);
  });
});

describe("regionalClients", () => {
  it("creates one client per region and reuses it", () => {
    // Prepare
    let created = 0;
    const clientIn = regionalClients((region) => ({ region, n: ++created }));

    // Act
    const first = clientIn("eu-west-1");
    const again = clientIn("eu-west-1");
    const other = clientIn("us-east-1");

    // Assess
    expect(again).toBe(first);
    expect(other.region).toBe("us-east-1");
    expect(created).toBe(2);
  });
});
