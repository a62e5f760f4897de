import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  accountOfFunctionArn,
  ecrClientsFor,
  type LinkedAccountClients,
  routeEvent,
} from "../../functions/deployment-tracker/accounts.js";
import { loadConfig } from "../../functions/deployment-tracker/config.js";
import {
  AccountRoleError,
  ConfigurationError,
  UnlinkedAccountError,
} from "../../functions/deployment-tracker/errors.js";
import { createHandler } from "../../functions/deployment-tracker/tracker.js";
import type { LinkedAccount, LinkedAccounts } from "../../functions/shared/accounts.js";
import { AssumeRoleError } from "../../functions/shared/errors.js";
import { withoutServiceRevisions, withServiceRevision } from "./fakes.js";
import {
  ACCOUNT,
  captureLogs,
  completedEvent,
  config,
  DEPLOYMENT_ID,
  dependencies,
  digest,
  ecrImage,
  fetchAnswering,
  REGION,
  SECRET_ARN,
} from "./helpers.js";

const HOME = "999988887777";
const B = "222222222222";
const linkedB: LinkedAccount = {
  accountId: B,
  partition: "aws",
  regions: [REGION],
  readRoleArn: `arn:aws:iam::${B}:role/platform-read`,
  deployRoleArn: `arn:aws:iam::${B}:role/platform-deploy`,
};
const linked: LinkedAccounts = new Map([[B, linkedB]]);
const context = (account: string) =>
  ({
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${account}:function:platform-deployment-tracker`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/** The test service's event, as account `account` sends it. */
const eventFrom = (account: string, region = REGION) =>
  completedEvent({
    account,
    region,
    resources: [`arn:aws:ecs:${region}:${account}:service/prod/web`],
  });

describe("routeEvent", () => {
  it("returns home for the tracker's own account, linked or not", () => {
    expect(routeEvent({ account: HOME, region: REGION }, linked, HOME)).toEqual({ kind: "home" });
    expect(routeEvent({ account: HOME, region: REGION }, new Map(), HOME)).toEqual({
      kind: "home",
    });
  });

  it("returns the linked account for its events in a linked region", () => {
    expect(routeEvent({ account: B, region: REGION }, linked, HOME)).toEqual({
      kind: "linked",
      account: linkedB,
    });
  });

  it("returns home for every event when neither the own account nor a linked one is known", () => {
    expect(routeEvent({ account: ACCOUNT, region: REGION }, new Map(), undefined)).toEqual({
      kind: "home",
    });
  });

  it.each([
    [
      "an account that is not linked",
      "444455556666",
      REGION,
      HOME,
      "not linked (linked: 222222222222; own account 999988887777)",
    ],
    [
      "any foreign account when nothing is linked",
      "444455556666",
      REGION,
      HOME,
      "(linked: none; own account 999988887777)",
    ],
    [
      "a linked account in a region not linked for it",
      B,
      "eu-north-1",
      HOME,
      "a region not linked for it (linked: us-west-2)",
    ],
    [
      "an unlinked account when the own account is unknown",
      "444455556666",
      REGION,
      undefined,
      "not linked (linked: 222222222222)",
    ],
  ])(
    "throws a non-retryable UnlinkedAccountError for %s",
    (name, account, region, home, message) => {
      // Prepare
      const accounts = name.includes("nothing is linked") ? new Map() : linked;

      // Act
      const act = () => routeEvent({ account, region }, accounts, home);

      // Assess
      expect(act).toThrow(UnlinkedAccountError);
      expect(act).toThrow(message);
      expect(() => act()).toThrow(
        expect.objectContaining({ retryable: false, accountId: account }),
      );
    },
  );
});

describe("accountOfFunctionArn", () => {
  it("returns the account of a function ARN, qualified or not, and undefined without one", () => {
    expect(accountOfFunctionArn(`arn:aws:lambda:${REGION}:${HOME}:function:f`)).toBe(HOME);
    expect(accountOfFunctionArn(`arn:aws:lambda:${REGION}:${HOME}:function:f:live`)).toBe(HOME);
    expect(accountOfFunctionArn(undefined)).toBeUndefined();
  });
});

describe("ecrClientsFor", () => {
  it("reads the own registry with the own credentials and every other through the account's role", async () => {
    // Prepare
    const own = new ECRClient({ region: REGION });
    const throughRole = new ECRClient({ region: REGION });
    const linkedClients: LinkedAccountClients = {
      ecsIn: () => new ECSClient({}),
      ecrIn: vi.fn(() => throughRole),
    };

    // Act
    const ecrIn = ecrClientsFor(
      { kind: "linked", account: linkedB },
      { ecrIn: () => own, account: HOME },
      linkedClients,
    );

    // Assess
    expect(await ecrIn(REGION, HOME)).toBe(own);
    expect(await ecrIn(REGION, B)).toBe(throughRole);
    expect(await ecrIn(REGION, "444455556666")).toBe(throughRole);
    expect(linkedClients.ecrIn).toHaveBeenCalledWith(linkedB, REGION);
  });
});

describe("loadConfig with LINKED_ACCOUNTS", () => {
  const base = { ENDPOINT_URL: "https://r.example.com/w", API_KEY_SECRET_ARN: SECRET_ARN };

  it("returns the linked accounts", () => {
    // Act
    const loaded = loadConfig({
      ...base,
      LINKED_ACCOUNTS: JSON.stringify([
        {
          id: B,
          regions: [REGION],
          read_role_arn: linkedB.readRoleArn,
          deploy_role_arn: linkedB.deployRoleArn,
        },
      ]),
    });

    // Assess
    expect(loaded.linkedAccounts).toEqual(linked);
  });

  it("throws a ConfigurationError naming the variable when the list is invalid", () => {
    const act = () => loadConfig({ ...base, LINKED_ACCOUNTS: '[{"id":"1"}]' });
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(
      "Environment variable LINKED_ACCOUNTS [0].id must be a 12-digit account id",
    );
  });
});

describe("handler with linked accounts", () => {
  const ecsMock = mockClient(ECSClient);
  const ecrMock = mockClient(ECRClient);
  let logs: ReturnType<typeof captureLogs>;
  let homeEcs: ECSClient;
  let accountEcs: ECSClient;
  let linkedClients: LinkedAccountClients & { ecsIn: ReturnType<typeof vi.fn> };

  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
    logs = captureLogs();
    homeEcs = new ECSClient({
      region: REGION,
      credentials: { accessKeyId: "h", secretAccessKey: "h" },
    });
    accountEcs = new ECSClient({
      region: REGION,
      credentials: { accessKeyId: "b", secretAccessKey: "b" },
    });
    linkedClients = {
      ecsIn: vi.fn(() => accountEcs),
      ecrIn: () =>
        new ECRClient({ region: REGION, credentials: { accessKeyId: "b", secretAccessKey: "b" } }),
    };
  });

  afterEach(() => logs.restore());

  const handlerWith = (receiver = fetchAnswering(200)) =>
    createHandler(
      dependencies({
        config: config({ linkedAccounts: linked }),
        ecsIn: () => homeEcs,
        linked: linkedClients,
        fetch: receiver.fetch,
      }),
    );

  it("records a linked account's deployment through its clients, with account in properties", async () => {
    // Prepare
    withServiceRevision(ecsMock, [
      { name: "app", image: ecrImage("team/app", "v1", B), resolvedDigest: digest("b") },
    ]);
    const receiver = fetchAnswering(200);

    // Act
    const result = await handlerWith(receiver)(eventFrom(B), context(HOME));

    // Assess
    expect(result).toMatchObject({ status: "delivered", digests: 1 });
    expect(linkedClients.ecsIn).toHaveBeenCalledWith(linkedB, REGION);
    expect(ecsMock.calls().length).toBeGreaterThan(0);
    expect(ecsMock.calls().every((call) => call.thisValue === accountEcs)).toBe(true);
    const body = receiver.calls[0]?.body as {
      scope: string;
      workloads: { properties: Record<string, unknown> }[];
    };
    expect(Object.keys(body)).toEqual(["runtime", "scope", "workloads"]);
    expect(body.scope).toBe(`${REGION}/prod`);
    expect(body.workloads[0]?.properties).toMatchObject({
      account: B,
      deploymentId: DEPLOYMENT_ID,
    });
    expect(logs.entries().find((e) => e.message === "Record built")).toMatchObject({
      account: B,
      through: linkedB.readRoleArn,
    });
  });

  it("records the own account's deployment with the own clients, as without linked accounts", async () => {
    // Prepare
    withServiceRevision(ecsMock, [
      { name: "app", image: ecrImage("team/app", "v1", HOME), resolvedDigest: digest("a") },
    ]);
    const receiver = fetchAnswering(200);

    // Act
    await handlerWith(receiver)(eventFrom(HOME), context(HOME));

    // Assess
    expect(linkedClients.ecsIn).not.toHaveBeenCalled();
    expect(ecsMock.calls().every((call) => call.thisValue === homeEcs)).toBe(true);
    expect(receiver.calls[0]?.body).toMatchObject({
      workloads: [{ properties: { account: HOME } }],
    });
  });

  it("refuses an event from an unlinked account before any AWS call or delivery", async () => {
    // Prepare
    const receiver = fetchAnswering(200);

    // Act
    const error = await handlerWith(receiver)(eventFrom("444455556666"), context(HOME)).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(UnlinkedAccountError);
    expect(error).toMatchObject({ retryable: false });
    expect(ecsMock.calls()).toHaveLength(0);
    expect(receiver.calls).toHaveLength(0);
    expect(logs.entries().find((e) => e.message === "Deployment not recorded")).toMatchObject({
      errorName: "UnlinkedAccountError",
      retryable: false,
    });
  });

  it.each([
    [false, "AccessDenied"],
    [true, "Throttling"],
  ])(
    "fails with an AccountRoleError (retryable %s) when the read role cannot be assumed",
    async (retryable, name) => {
      // Prepare
      ecsMock.rejects(
        new AssumeRoleError(
          `Cannot assume ${linkedB.readRoleArn} (account ${B}) in ${REGION}: ${name}: no`,
          {
            accountId: B,
            roleArn: linkedB.readRoleArn,
            retryable,
          },
        ),
      );
      const receiver = fetchAnswering(200);

      // Act
      const error = await handlerWith(receiver)(eventFrom(B), context(HOME)).catch(
        (e: unknown) => e,
      );

      // Assess
      expect(error).toBeInstanceOf(AccountRoleError);
      expect(error).toMatchObject({ retryable, accountId: B });
      expect((error as Error).message).toContain(`Cannot assume ${linkedB.readRoleArn}`);
      expect(receiver.calls).toHaveLength(0);
    },
  );

  it("reads digests of the linked account's registry through its ECR client", async () => {
    // Prepare
    const accountEcr = new ECRClient({
      region: REGION,
      credentials: { accessKeyId: "b", secretAccessKey: "b" },
    });
    linkedClients = { ...linkedClients, ecrIn: () => accountEcr };
    withoutServiceRevisions(ecsMock, [{ name: "app", image: ecrImage("team/app", "v1", B) }]);
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [{ imageId: { imageTag: "v1", imageDigest: digest("c") } }],
      failures: [],
    });
    const receiver = fetchAnswering(200);

    // Act
    await handlerWith(receiver)(eventFrom(B), context(HOME));

    // Assess
    expect(ecrMock.calls()).toHaveLength(1);
    expect(ecrMock.calls()[0]?.thisValue).toBe(accountEcr);
    expect(ecrMock.calls()[0]?.args[0].input).toMatchObject({ registryId: B });
    expect(receiver.calls[0]?.body).toMatchObject({ workloads: [{ digests: [digest("c")] }] });
  });
});
