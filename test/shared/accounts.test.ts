import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createRoleCredentials,
  DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
  type LinkedAccount,
  linkedClients,
  parseLinkedAccounts,
} from "../../functions/shared/accounts.js";
import { AssumeRoleError } from "../../functions/shared/errors.js";

const B = "222222222222";
const C = "333333333333";
const readRole = (id: string, partition = "aws") =>
  `arn:${partition}:iam::${id}:role/platform-read`;
const deployRole = (id: string, partition = "aws") =>
  `arn:${partition}:iam::${id}:role/platform-deploy`;
const entry = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  regions: ["eu-west-1"],
  read_role_arn: readRole(id),
  deploy_role_arn: deployRole(id),
  ...extra,
});
const fail = (message: string) => new RangeError(message);
const parse = (value: unknown) =>
  parseLinkedAccounts(typeof value === "string" ? value : JSON.stringify(value), fail);

describe("parseLinkedAccounts", () => {
  it("returns no accounts when the variable is unset or blank", () => {
    expect(parseLinkedAccounts(undefined, fail).size).toBe(0);
    expect(parseLinkedAccounts("  ", fail).size).toBe(0);
    expect(parse([]).size).toBe(0);
  });

  it("returns each account by id with its regions, roles, partition and ExternalId", () => {
    // Act
    const accounts = parse([
      entry(B, {
        regions: ["eu-west-1", "us-east-1", "eu-west-1"],
        external_id: "ecs-deployments-7f3a",
      }),
      {
        ...entry(C),
        read_role_arn: readRole(C, "aws-cn"),
        deploy_role_arn: deployRole(C, "aws-cn"),
      },
    ]);

    // Assess
    expect([...accounts.keys()]).toEqual([B, C]);
    expect(accounts.get(B)).toEqual({
      accountId: B,
      partition: "aws",
      regions: ["eu-west-1", "us-east-1"],
      readRoleArn: readRole(B),
      deployRoleArn: deployRole(B),
      externalId: "ecs-deployments-7f3a",
    });
    expect(accounts.get(C)).toMatchObject({ partition: "aws-cn" });
    expect(accounts.get(C)).not.toHaveProperty("externalId");
  });

  it("accepts a null external_id as none (Terraform's jsonencode of an unset optional)", () => {
    expect(parse([entry(B, { external_id: null })]).get(B)).not.toHaveProperty("externalId");
  });

  it.each([
    ["not JSON", "[{", "is not JSON"],
    ["not an array", { id: B }, "must be a JSON array, got object"],
    ["an entry that is not an object", ["x"], '[0] must be an object, got "x"'],
    ["a misspelt key", [entry(B, { region: ["eu-west-1"] })], "[0] has unknown keys region"],
    ["a short account id", [entry("12345")], '[0].id must be a 12-digit account id, got "12345"'],
    ["an account listed twice", [entry(B), entry(B)], `[1] lists account ${B} a second time`],
    ["no regions", [entry(B, { regions: [] })], "[0].regions must be a non-empty array"],
    [
      "a region that is no region",
      [entry(B, { regions: ["europe"] })],
      '[0].regions holds "europe"',
    ],
    [
      "a read role in another account",
      [entry(B, { read_role_arn: readRole(C) })],
      `[0].read_role_arn must be the ARN of an IAM role in account ${B}`,
    ],
    [
      "a deploy role that is a user",
      [entry(B, { deploy_role_arn: `arn:aws:iam::${B}:user/ci` })],
      "[0].deploy_role_arn must be the ARN of an IAM role",
    ],
    [
      "a role of an unknown partition",
      [entry(B, { read_role_arn: `arn:aws-moon:iam::${B}:role/r` })],
      'unknown partition "aws-moon"',
    ],
    [
      "roles in two partitions",
      [entry(B, { deploy_role_arn: deployRole(B, "aws-us-gov") })],
      "[0] has roles in two partitions (aws, aws-us-gov)",
    ],
    ["an ExternalId with a space", [entry(B, { external_id: "a b" })], "[0].external_id must be"],
  ])("throws naming the problem for %s", (_, value, message) => {
    // Act
    const act = () => parse(value);

    // Assess
    expect(act).toThrow(RangeError);
    expect(act).toThrow(`Environment variable LINKED_ACCOUNTS`);
    expect(act).toThrow(message);
  });
});

const account: LinkedAccount = {
  accountId: B,
  partition: "aws",
  regions: ["eu-west-1", "us-east-1"],
  readRoleArn: readRole(B),
  deployRoleArn: deployRole(B),
  externalId: "ecs-deployments-7f3a",
};

describe("createRoleCredentials", () => {
  const sts = mockClient(STSClient);
  let clock: number;
  const hour = 3_600_000;
  const issued = () => ({
    Credentials: {
      AccessKeyId: `ASIA${sts.commandCalls(AssumeRoleCommand).length}`,
      SecretAccessKey: "secret",
      SessionToken: "token",
      Expiration: new Date(clock + hour),
    },
  });
  const credentialsFor = () =>
    createRoleCredentials({
      stsIn: (region) => new STSClient({ region }),
      sessionName: "platform-deployment-tracker",
      now: () => clock,
    });

  beforeEach(() => {
    sts.reset();
    clock = Date.parse("2026-12-01T12:00:00Z");
    sts.on(AssumeRoleCommand).callsFake(issued);
  });

  it("assumes the role with its ExternalId and the function's session name, in the account", async () => {
    // Act
    const identity = await credentialsFor()(account, "read", "eu-west-1")();

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: readRole(B),
        RoleSessionName: "platform-deployment-tracker",
        DurationSeconds: 3600,
        ExternalId: "ecs-deployments-7f3a",
      },
    ]);
    expect(identity).toMatchObject({ sessionToken: "token", accountId: B });
  });

  it("assumes the role once while the credentials are valid, however often they are used", async () => {
    // Prepare
    const credentials = credentialsFor();

    // Act
    for (let i = 0; i < 5; i += 1) {
      await credentials(account, "read", "eu-west-1")();
      clock += 10 * 60_000; // 50 minutes in all: still 10 minutes before expiry
    }

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it("assumes the role again once the credentials are within the refresh margin of expiry", async () => {
    // Prepare
    const provider = credentialsFor()(account, "read", "eu-west-1");
    const first = await provider();

    // Act
    clock += hour - DEFAULT_REFRESH_BEFORE_EXPIRY_MS + 1;
    const second = await provider();

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
  });

  it("shares one call between concurrent uses", async () => {
    // Prepare
    const credentials = credentialsFor();

    // Act
    await Promise.all(Array.from({ length: 4 }, () => credentials(account, "read", "eu-west-1")()));

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it("keeps one cache per role and region", async () => {
    // Prepare
    const credentials = credentialsFor();

    // Act
    await credentials(account, "read", "eu-west-1")();
    await credentials(account, "read", "us-east-1")();
    await credentials(account, "deploy", "eu-west-1")();
    await credentials(account, "read", "eu-west-1")();

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      readRole(B),
      readRole(B),
      deployRole(B),
    ]);
  });

  it.each([
    ["AccessDenied", 403, false],
    ["ThrottlingException", 400, true],
  ])(
    "throws an AssumeRoleError (retryable: %s → %s) naming the role, and tries again on the next use",
    async (name, status, retryable) => {
      // Prepare
      sts
        .on(AssumeRoleCommand)
        .rejectsOnce(
          Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole`), {
            name,
            $metadata: { httpStatusCode: status },
          }),
        )
        .callsFake(issued);
      const provider = credentialsFor()(account, "read", "eu-west-1");

      // Act
      const error = await provider().catch((e: unknown) => e);
      const retried = await provider();

      // Assess
      expect(error).toBeInstanceOf(AssumeRoleError);
      expect(error).toMatchObject({ accountId: B, roleArn: readRole(B), retryable });
      expect((error as Error).message).toContain(
        `Cannot assume ${readRole(B)} (account ${B}) in eu-west-1: ${name}`,
      );
      expect(retried.sessionToken).toBe("token");
    },
  );

  it("throws a retryable AssumeRoleError when STS answers without credentials", async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({});

    // Act
    const act = credentialsFor()(account, "read", "eu-west-1")();

    // Assess
    await expect(act).rejects.toMatchObject({ name: "AssumeRoleError", retryable: true });
  });
});

describe("linkedClients", () => {
  it("creates one client per account and region, on one set of credentials per role and region", () => {
    // Prepare
    const seen: unknown[] = [];
    const credentials = createRoleCredentials({
      stsIn: (region) => new STSClient({ region }),
      sessionName: "t",
    });
    const ecsOf = linkedClients(credentials, "read", (region, c) => {
      seen.push(c);
      return { region };
    });
    const ecrOf = linkedClients(credentials, "read", (region, c) => {
      seen.push(c);
      return { region };
    });

    // Act
    const first = ecsOf(account, "eu-west-1");
    const again = ecsOf(account, "eu-west-1");
    ecsOf(account, "us-east-1");
    ecrOf(account, "eu-west-1");

    // Assess
    expect(again).toBe(first);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toBe(seen[0]); // the ECR client of eu-west-1 uses the ECS client's credentials
    expect(seen[1]).not.toBe(seen[0]);
  });
});
