/**
 * The push handler with linked accounts, on fakes: which accounts it searches, how one
 * account's failure is reported (summary line, error) while the others' items are queued.
 */
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createHandler } from "../../functions/ecr-deployer/deployer.js";
import { defaultDependencies } from "../../functions/ecr-deployer/index.js";
import type { DeployerConfig } from "../../functions/ecr-deployer/types.js";
import type { LinkedAccount } from "../../functions/shared/accounts.js";
import { AssumeRoleError } from "../../functions/shared/errors.js";
import { capturingQueue } from "../../scripts/fakes/rollout-queue.js";
import {
  ACCOUNT,
  addTaskDefinition,
  config,
  digest,
  emptyFleet,
  pushEvent,
  REGION,
  REGISTRY,
  serveFleet,
  silentLogger,
} from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);
const B = "222222222222";
const C = "333333333333";
const linked = (id: string, regions = [REGION]): LinkedAccount => ({
  accountId: id,
  partition: "aws",
  regions,
  readRoleArn: `arn:aws:iam::${id}:role/platform-read`,
  deployRoleArn: `arn:aws:iam::${id}:role/platform-deploy`,
});

/** prod/web in the own account, following v*; images v1 and v2. */
function homeFleet() {
  const fleet = emptyFleet();
  fleet.clusters.push("prod");
  const td = addTaskDefinition(fleet, "app", 1, [
    { name: "app", image: `${REGISTRY}/team/app:v1@${digest("a")}` },
  ]);
  fleet.services.push({
    cluster: "prod",
    name: "web",
    taskDefinition: td,
    tags: { "ecs-deployments:follow": "v*" },
  });
  fleet.images.push(
    { digest: digest("a"), tags: ["v1"], pushedAt: new Date("2026-01-01T10:00:00Z") },
    { digest: digest("b"), tags: ["v2"], pushedAt: new Date("2026-01-01T12:00:00Z") },
  );
  return fleet;
}

/** A client whose every call fails as the credentials of a role that cannot be assumed do. */
function refusedClient(account: string): ECSClient {
  const roleArn = `arn:aws:iam::${account}:role/platform-deploy`;
  const client = new ECSClient({ region: REGION });
  client.send = (async () => {
    throw new AssumeRoleError(`Cannot assume ${roleArn} (account ${account}) in ${REGION}`, {
      accountId: account,
      roleArn,
      retryable: false,
    });
  }) as never;
  return client;
}

function setUp(overrides: Partial<DeployerConfig>, refused: readonly string[] = []) {
  const queue = capturingQueue();
  const logger = silentLogger();
  const info = vi.spyOn(logger, "info");
  const deps = defaultDependencies({ config: config(overrides), logger, queue });
  const ecsIn = vi.fn((region: string, account?: string) =>
    account !== undefined && refused.includes(account)
      ? refusedClient(account)
      : deps.ecsIn(region),
  );
  const handler = createHandler({ ...deps, ecsIn });
  return { queue, info, ecsIn, handler };
}

describe("push handler with linked accounts", () => {
  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
  });

  it("queues the own account's items, reports the account whose role was refused on the summary line, then fails the invocation naming it", async () => {
    // Prepare
    serveFleet(ecsMock, ecrMock, homeFleet());
    const { queue, info, handler } = setUp({ linkedAccounts: new Map([[B, linked(B)]]) }, [B]);

    // Act
    const error = await handler(pushEvent()).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      name: "AccountFailureError",
      retryable: false,
      accounts: [{ account: B, retryable: false }],
    });
    expect((error as Error).message).toContain(`${B} (AssumeRoleError: Cannot assume`);
    expect(queue.messages.map((m) => m.groupId)).toEqual([`${ACCOUNT}/${REGION}`]);
    const lines = info.mock.calls.filter(([message]) => message === "Push planned");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.[1]).toMatchObject({
      servicesToUpdate: 1,
      workItems: 1,
      failedAccounts: 1,
      accounts: [
        { account: ACCOUNT, candidates: 1, servicesToUpdate: 1, workItems: 1, failed: 0 },
        { account: B, candidates: 0, servicesToUpdate: 0, workItems: 0, failed: 0 },
      ],
      failedAccountErrors: [expect.stringMatching(new RegExp(`^${B}: AssumeRoleError: `))],
    });
  });

  it("searches only linked accounts that list the push's region, and never the registry's own account through a role", async () => {
    // Prepare
    serveFleet(ecsMock, ecrMock, homeFleet());
    const { ecsIn, handler } = setUp({
      linkedAccounts: new Map([
        [B, linked(B)],
        [C, linked(C, ["us-west-2"])],
        [ACCOUNT, linked(ACCOUNT)],
      ]),
    });

    // Act
    const summary = await handler(pushEvent());

    // Assess
    expect(summary.status).toBe("queued");
    expect(summary.accounts?.map((a) => a.account)).toEqual([ACCOUNT, B]);
    const accounts = new Set(ecsIn.mock.calls.map(([, account]) => account));
    expect(accounts).toEqual(new Set([undefined, B]));
  });

  it("queues nothing in a dry run and still reports each account", async () => {
    // Prepare
    serveFleet(ecsMock, ecrMock, homeFleet());
    const { queue, info, handler } = setUp({
      dryRun: true,
      linkedAccounts: new Map([[B, linked(B)]]),
    });

    // Act
    const summary = await handler(pushEvent());

    // Assess
    expect(summary.status).toBe("planned");
    expect(summary.planned).toHaveLength(2); // the mocked fleet answers for both accounts
    expect(queue.messages).toHaveLength(0);
    const line = info.mock.calls.find(([message]) => message === "Dry run: nothing changed");
    expect(line?.[1]).toMatchObject({ workItems: 0, failedAccounts: 0 });
  });
});
