import { App, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EcsDeployments, InvalidPropError, WorkloadAccount } from "../../modules/index.js";
import type { WorkloadAccountProps } from "../../modules/workload-account.js";

const stack = () => new TerraformStack(new App({ skipValidation: true }), "s");
const base: WorkloadAccountProps = {
  centralEventBusArn: "arn:aws:events:eu-west-1:111111111111:event-bus/default",
  trackerRoleArn: "arn:aws:iam::111111111111:role/platform-deployment-tracker",
  deployerRoleArns: ["arn:aws:iam::111111111111:role/platform-ecr-deployer"],
  externalId: "ecs-deployments-7f3a",
};
type Doc = {
  statement: Array<{
    sid: string;
    condition?: Array<{ test: string; variable: string; values: unknown }>;
    dynamic?: { condition: { for_each: unknown } };
  }>;
};

describe("WorkloadAccount with literal props", () => {
  it("decides the trust conditions at synth time: ExternalId only when given", () => {
    // Prepare
    const s = stack();
    new WorkloadAccount(s, "workload", { ...base, namePrefix: "platform" });

    // Act
    const synth = JSON.parse(Testing.synth(s));

    // Assess
    const trusts = Object.entries(synth.data.aws_iam_policy_document as Record<string, Doc>)
      .filter(([id]) => id.includes("assume_role") && !id.includes("forwarding"))
      .map(([, doc]) => doc.statement[0]);
    expect(trusts.map((t) => t?.sid).sort()).toEqual([
      "CentralDeployerAssumesRole",
      "CentralTrackerAssumesRole",
    ]);
    for (const trust of trusts) {
      expect(trust?.condition?.[0]).toMatchObject({
        test: "ArnEquals",
        variable: "aws:PrincipalArn",
      });
      expect(trust?.dynamic?.condition.for_each).toContain("sts:ExternalId");
      expect(trust?.dynamic?.condition.for_each).not.toContain("aws:PrincipalOrgID");
    }
    const roles = Object.values(
      synth.resource.aws_iam_role as Record<string, { name: string }>,
    ).map((r) => r.name);
    expect(roles.sort()).toEqual(["platform-deploy", "platform-event-forwarding", "platform-read"]);
  });

  it.each([
    [
      "no ExternalId and no organization",
      { externalId: undefined },
      "externalId or organizationId is required",
    ],
    [
      "a read role without the tracker's role",
      { trackerRoleArn: undefined },
      "trackerRoleArn is required",
    ],
    [
      "a deploy role without a deployer role",
      { deployerRoleArns: [] },
      "deployerRoleArns needs at least one",
    ],
    [
      "a bus that is a queue",
      { centralEventBusArn: "arn:aws:sqs:eu-west-1:111111111111:q" },
      "centralEventBusArn must be an event bus ARN",
    ],
    [
      "an organization id that is none",
      { organizationId: "org-1" },
      'organizationId must be an organization id (o-…), got "org-1"',
    ],
    [
      "a cluster ARN",
      { deployerAllowedClusters: ["arn:aws:ecs:eu-west-1:2:cluster/x"] },
      "deployerAllowedClusters[0] must be a cluster name",
    ],
    [
      "an ExternalId longer than STS accepts",
      { externalId: "x".repeat(1225) },
      "externalId must be at most 1224 characters, got 1225",
    ],
  ])("throws InvalidPropError on %s", (_, overrides, message) => {
    const create = () => new WorkloadAccount(stack(), "workload", { ...base, ...overrides });
    expect(create).toThrow(InvalidPropError);
    expect(create).toThrow(message);
  });

  it("accepts an organization instead of an ExternalId, and no read role without the tracker", () => {
    expect(
      () =>
        new WorkloadAccount(stack(), "workload", {
          ...base,
          externalId: undefined,
          organizationId: "o-a1b2c3d4e5",
          createReadRole: false,
          trackerRoleArn: undefined,
        }),
    ).not.toThrow();
  });
});

describe("EcsDeployments with literal linked accounts", () => {
  it("gives the functions the accounts with their role ARNs and lets each assume only those roles", () => {
    // Prepare
    const s = stack();
    new EcsDeployments(s, "central", {
      namePrefix: "platform",
      linkedAccounts: [
        { id: "222222222222", regions: ["eu-west-1"], externalId: "x-1" },
        { id: "333333333333", regions: ["us-east-1"], readRoleName: "r" },
      ],
    });

    // Act
    const synth = JSON.parse(Testing.synth(s));

    // Assess
    const locals = synth.locals as Record<string, unknown>;
    const input = Object.entries(locals).find(([id]) => id.includes("linked_input"))?.[1];
    expect(input).toEqual([
      {
        id: "222222222222",
        regions: ["eu-west-1"],
        read_role_name: null,
        deploy_role_name: null,
        external_id: "x-1",
      },
      {
        id: "333333333333",
        regions: ["us-east-1"],
        read_role_name: "r",
        deploy_role_name: null,
        external_id: null,
      },
    ]);
    const fns = Object.values(
      synth.resource.aws_lambda_function as Record<
        string,
        { environment: { variables: Record<string, string> } }
      >,
    );
    for (const fn of fns)
      expect(fn.environment.variables.LINKED_ACCOUNTS).toMatch(
        /^\$\{jsonencode\(local\.\w*linked_accounts\w*\)\}$/,
      );
    const docs = Object.values(
      synth.data.aws_iam_policy_document as Record<string, Doc & { count: unknown }>,
    );
    const sids = docs.flatMap((d) => (d.statement ?? []).map((x) => x.sid));
    expect(sids).toEqual(
      expect.arrayContaining([
        "AssumeOnlyLinkedAccountsReadRoles",
        "AssumeOnlyLinkedAccountsDeployRoles",
        "LinkedAccountsPutEvents",
      ]),
    );
  });

  it.each([
    [
      "an account id that is none",
      [{ id: "2", regions: ["eu-west-1"] }],
      'linkedAccounts[0].id must be a 12-digit account id, got "2"',
    ],
    [
      "an account without regions",
      [{ id: "222222222222", regions: [] }],
      "linkedAccounts[0].regions must name at least one region",
    ],
    [
      "an account listed twice",
      [
        { id: "222222222222", regions: ["eu-west-1"] },
        { id: "222222222222", regions: ["eu-west-1"] },
      ],
      "linkedAccounts[1].id 222222222222 is listed twice",
    ],
  ])("throws InvalidPropError on %s", (_, linkedAccounts, message) => {
    const create = () => new EcsDeployments(stack(), "central", { linkedAccounts });
    expect(create).toThrow(InvalidPropError);
    expect(create).toThrow(message);
  });
});
