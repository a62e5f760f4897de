import { describe, expect, it } from "vitest";
import { entries, mergedModule, type Tf } from "../support/module.js";

const module = mergedModule();
const documents = entries(module, "data").filter(([type]) => type === "aws_iam_policy_document");
const statements: Tf[] = documents.flatMap(([, name, doc]) =>
  (doc.statement as Tf[]).map((statement) => ({ document: name, ...statement })),
);
function statement(document: string, sid: string): Tf {
  const found = statements.find((s) => s.document === document && s.sid === sid);
  expect(found, `${document}/${sid}`).toBeDefined();
  return found as Tf;
}

/** Actions whose API has no resource type (Service Authorization Reference): "*" is the only resource. */
const NO_RESOURCE_TYPE = new Set([
  "ecs:DescribeTaskDefinition",
  "ecs:ListTaskDefinitions",
  "ecs:RegisterTaskDefinition",
  "ecs:ListClusters",
  "ecs:ListServices",
]);

describe("every IAM statement", () => {
  it("has a sid and no wildcard action", () => {
    // Assess
    expect(statements.length).toBeGreaterThan(15);
    for (const s of statements) {
      expect(s.sid, JSON.stringify(s)).toMatch(/^[A-Za-z0-9]+$/);
      for (const action of s.actions as string[]) expect(action, s.sid).not.toContain("*");
    }
  });

  it('uses Resource "*" only for actions with no resource type, and says so in its sid', () => {
    // Prepare
    const star = statements.filter((s) => Array.isArray(s.resources) && s.resources.includes("*"));

    // Assess
    expect(star.length).toBeGreaterThan(0);
    for (const s of star) {
      expect(s.resources, s.sid).toEqual(["*"]);
      expect(s.sid).toMatch(/Ha(s|ve)NoResourceType/);
      for (const action of s.actions as string[])
        expect(NO_RESOURCE_TYPE.has(action), action).toBe(true);
    }
  });

  it("scopes everything else by ARN or by a reference to a resource or input", () => {
    // Assess
    for (const s of statements.filter(
      (x) =>
        x.resources !== undefined && !(Array.isArray(x.resources) && x.resources.includes("*")),
    )) {
      const text = JSON.stringify(s.resources);
      expect(text, s.sid).toMatch(/arn:|\$\{/);
      expect(text, s.sid).not.toMatch(/:\*:\*|"arn:aws:[a-z]+:\*:\*:\*"/);
    }
  });
});

describe("the tracker's policy", () => {
  it("reads only the API key secret it is given or creates", () => {
    // Assess
    expect(statement("tracker_policy", "ReadApiKey")).toMatchObject({
      actions: ["secretsmanager:GetSecretValue"],
      resources: [
        "${var.create_tracker ? var.create_api_key_secret ? one(aws_secretsmanager_secret.tracker_api_key[*].arn) : var.api_key_secret_arn : null}",
      ],
    });
  });

  it("reads ECS services, deployments and revisions only in the handled regions of its own account", () => {
    // Assess
    const services = statement("tracker_policy", "ReadServicesAndTheirDeployments");
    expect(services.resources).toContain("local.all_regions");
    expect(services.resources).toContain("data.aws_caller_identity.current_account.account_id");
    const revisions = statement("tracker_policy", "ReadServiceRevisions");
    expect(revisions.actions).toEqual(["ecs:DescribeServiceRevisions"]);
    expect(revisions.resources).toContain(":service-revision/*");
    expect(revisions.resources).toContain("local.all_regions");
  });

  it("reads ECR only in its own and the listed accounts", () => {
    // Assess
    expect(statement("tracker_policy", "ReadImageDigestsInAllowedAccounts").resources).toContain(
      "var.tracker_ecr_account_ids",
    );
  });
});

/** Every action a document grants, with the resources of the statement that grants it. */
function grants(document: string): Array<[string, unknown]> {
  return statements
    .filter((s) => s.document === document)
    .flatMap((s) => (s.actions as string[]).map((a): [string, unknown] => [a, s.resources]));
}

/** What changes ECS, IAM or SSM: only the rollout function may do it. */
const WRITES = [
  "ecs:RegisterTaskDefinition",
  "ecs:UpdateService",
  "ecs:TagResource",
  "iam:PassRole",
  "ssm:PutParameter",
];

describe("the push function's policy", () => {
  it("reads services only in the allowed clusters, by the ecs:cluster condition", () => {
    // Prepare
    const read = statement("deployer_policy", "ReadServicesInAllowedClustersAndRegions");

    // Assess
    expect(read.actions).toEqual(["ecs:DescribeServices"]);
    expect(read.condition).toHaveLength(1);
    expect(read.condition[0]).toMatchObject({ test: "ArnLike", variable: "ecs:cluster" });
    expect(read.condition[0].values).toContain("var.deployer_allowed_clusters");
    expect(
      statement("deployer_policy", "ListServicesHasNoResourceTypeScopedByCluster").condition[0]
        .variable,
    ).toBe("ecs:cluster");
  });

  it("changes nothing: no write action; its one source document only assumes linked deploy roles", () => {
    // Assess
    const actions = grants("deployer_policy").map(([action]) => action);
    for (const write of WRITES) expect(actions, write).not.toContain(write);
    // Discovery in a linked account goes through that account's deploy role.
    expect(module.data.aws_iam_policy_document.deployer_policy.source_policy_documents).toBe(
      "${data.aws_iam_policy_document.linked_deployer_assume_policy[*].json}",
    );
    expect(module.data.aws_iam_policy_document.linked_deployer_assume_policy.statement).toEqual([
      {
        sid: "AssumeOnlyLinkedAccountsDeployRoles",
        actions: ["sts:AssumeRole"],
        resources: "${[for a in local.linked_accounts : a.deploy_role_arn]}",
      },
    ]);
    expect(module.data.aws_iam_policy_document.linked_deployer_assume_policy.count).toContain(
      "length(local.linked_input) < 1",
    );
  });

  it("sends only to the rollout queue, and sends nowhere else but its own DLQ", () => {
    // Assess
    expect(statement("deployer_policy", "SendRolloutItemsToOwnQueue")).toMatchObject({
      actions: ["sqs:SendMessage"],
      resources: ["${one(aws_sqs_queue.deployer_rollout_queue[*].arn)}"],
    });
    const sqs = grants("deployer_policy").filter(([action]) => action.startsWith("sqs:"));
    expect(sqs).toEqual([
      ["sqs:SendMessage", ["${one(aws_sqs_queue.deployer_dlq[*].arn)}"]],
      ["sqs:SendMessage", ["${one(aws_sqs_queue.deployer_rollout_queue[*].arn)}"]],
    ]);
  });
});

describe("the rollout function's policy", () => {
  it("updates services only in the allowed clusters, by the ecs:cluster condition", () => {
    // Prepare
    const update = statement(
      "deployer_rollout_policy",
      "ReadAndUpdateServicesInAllowedClustersAndRegions",
    );

    // Assess
    expect(update.actions).toEqual(["ecs:DescribeServices", "ecs:UpdateService"]);
    expect(update.condition).toHaveLength(1);
    expect(update.condition[0]).toMatchObject({ test: "ArnLike", variable: "ecs:cluster" });
    expect(update.condition[0].values).toContain("var.deployer_allowed_clusters");
  });

  it("consumes only its own queue, and nothing of its DLQ", () => {
    // Assess
    expect(statement("deployer_rollout_policy", "ConsumeOwnQueue")).toEqual({
      document: "deployer_rollout_policy",
      sid: "ConsumeOwnQueue",
      actions: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
      ],
      resources: ["${one(aws_sqs_queue.deployer_rollout_queue[*].arn)}"],
    });
    const sqs = grants("deployer_rollout_policy").filter(([action]) => action.startsWith("sqs:"));
    expect(sqs).toHaveLength(4);
    expect(JSON.stringify(grants("deployer_rollout_policy"))).not.toContain("deployer_rollout_dlq");
  });

  it("gets the pass-role and publishing documents, which the push function no longer has, and assumes the linked deploy roles", () => {
    // Assess
    expect(
      module.data.aws_iam_policy_document.deployer_rollout_policy.source_policy_documents,
    ).toBe(
      "${concat(concat(data.aws_iam_policy_document.deployer_pass_role_policy[*].json, data.aws_iam_policy_document.deployer_publish_policy[*].json), data.aws_iam_policy_document.linked_deployer_assume_policy[*].json)}",
    );
  });

  it("passes only the listed roles, and only to ECS tasks", () => {
    // Assess
    expect(
      statement("deployer_pass_role_policy", "PassOnlyListedTaskRolesToEcsTasks"),
    ).toMatchObject({
      actions: ["iam:PassRole"],
      resources: "${var.deployer_passable_role_arns}",
      condition: [
        {
          test: "StringEquals",
          variable: "iam:PassedToService",
          values: ["ecs-tasks.amazonaws.com"],
        },
      ],
    });
    expect(module.data.aws_iam_policy_document.deployer_pass_role_policy.count).toContain(
      "length(var.deployer_passable_role_arns) < 1",
    );
  });

  it("reads and writes SSM parameters only under /<name_prefix>/images/, only when publishing", () => {
    // Prepare
    const ssm = statements.filter((s) => (s.actions as string[]).some((a) => a.startsWith("ssm:")));

    // Assess
    expect(ssm).toEqual([
      {
        document: "deployer_publish_policy",
        sid: "PublishImagesOnlyUnderTheParameterPath",
        actions: ["ssm:GetParameter", "ssm:PutParameter"],
        resources:
          '${formatlist("arn:%s:ssm:%s:%s:parameter%s/*", data.aws_partition.current_partition.partition, local.all_regions, data.aws_caller_identity.current_account.account_id, "/${var.name_prefix}/images")}',
      },
    ]);
    expect(module.data.aws_iam_policy_document.deployer_publish_policy.count).toBe(
      "${(var.create_deployer && var.deployer_publish_images) ? 1 : 0}",
    );
  });

  it("tags only task definitions it registers", () => {
    // Assess
    expect(statement("deployer_rollout_policy", "KeepTagsOnNewRevisions").condition).toEqual([
      { test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] },
    ]);
  });

  it("is the only policy with a write action", () => {
    // Prepare
    const writers = statements.filter((s) =>
      (s.actions as string[]).some((a) => WRITES.includes(a)),
    );

    // Assess
    expect(new Set(writers.map((s) => s.document))).toEqual(
      new Set(["deployer_rollout_policy", "deployer_pass_role_policy", "deployer_publish_policy"]),
    );
  });

  it("decrypts with the customer key but generates no data keys: it only receives", () => {
    // Assess
    expect(module.data.aws_iam_policy_document.deployer_rollout_policy.dynamic.statement).toEqual({
      for_each: "${(var.kms_key_arn == null) ? [] : [var.kms_key_arn]}",
      content: {
        sid: "UseCustomerKmsKey",
        actions: ["kms:Decrypt"],
        resources: ["${statement.value}"],
      },
    });
  });
});

describe("both functions", () => {
  it.each(["tracker", "deployer"])(
    "%s sends only to its own DLQ and writes only its own logs",
    (fn) => {
      // Assess
      expect(statement(`${fn}_policy`, "SendFailedEventsToOwnDlq").resources).toEqual([
        `\${one(aws_sqs_queue.${fn}_dlq[*].arn)}`,
      ]);
      expect(statement(`${fn}_policy`, "WriteOwnLogs").resources).toEqual([
        `\${one(aws_cloudwatch_log_group.${fn}_log_group[*].arn)}:*`,
      ]);
    },
  );

  it.each(["tracker", "deployer"])(
    "%s uses the customer KMS key only when one is given, by a block that plans with an unknown key ARN",
    (fn) => {
      // Assess: a dynamic block, not a document counted on `kms_key_arn != null`, whose
      // count is unknown when the key is created in the same configuration.
      const policy = module.data.aws_iam_policy_document[`${fn}_policy`];
      expect(module.data.aws_iam_policy_document[`${fn}_kms_policy`]).toBeUndefined();
      expect(policy.dynamic.statement).toEqual({
        for_each: "${(var.kms_key_arn == null) ? [] : [var.kms_key_arn]}",
        content: {
          sid: "UseCustomerKmsKey",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: ["${statement.value}"],
        },
      });
      expect(JSON.stringify(module)).not.toMatch(/"count":[^,]*kms_key_arn/);
    },
  );

  it.each(["tracker", "deployer"])("%s's DLQ accepts messages only from its own rule", (fn) => {
    // Assess
    expect(statement(`${fn}_dlq_policy`, "RuleSendsUndeliverableEvents")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      condition: [
        {
          test: "ArnEquals",
          variable: "aws:SourceArn",
          values: [`\${one(aws_cloudwatch_event_rule.${fn}_rule[*].arn)}`],
        },
      ],
    });
  });
});

describe("the forwarding role", () => {
  it("may put events on the home region's default bus only", () => {
    // Assess
    expect(statement("event_forwarding_policy", "PutEventsOnHomeBusOnly")).toMatchObject({
      actions: ["events:PutEvents"],
      resources: [
        "arn:${data.aws_partition.current_partition.partition}:events:${data.aws_region.current_region.region}:${data.aws_caller_identity.current_account.account_id}:event-bus/default",
      ],
    });
  });
});
