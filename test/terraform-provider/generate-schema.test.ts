import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  defaultOptions,
  EXTRA_TYPES,
  generateSchema,
  PROVIDER_ADDRESS,
  type ProviderSchemas,
  type SchemaBlock,
  usedTypes,
} from "./generate-schema.js";

const ROOT = resolve(import.meta.dirname, "../..");

type Served = ProviderSchemas["provider_schemas"][string];

function served(schema: ProviderSchemas): Served {
  const p = schema.provider_schemas[PROVIDER_ADDRESS];
  if (!p) throw new Error(`no ${PROVIDER_ADDRESS} in the schema`);
  return p;
}

function resource(p: Served, type: string): SchemaBlock {
  const r = p.resource_schemas[type];
  if (!r) throw new Error(`schema has no resource ${type}`);
  return r.block;
}

function dataSource(p: Served, type: string): SchemaBlock {
  const d = p.data_source_schemas[type];
  if (!d) throw new Error(`schema has no data source ${type}`);
  return d.block;
}

describe("generateSchema (hashicorp/aws 6.25.0 from @cdktf/provider-aws)", () => {
  let p: Served;

  beforeAll(() => {
    p = served(generateSchema(defaultOptions(ROOT)));
  });

  it("serves every aws_* type the module names, and the listed extra types", () => {
    // Prepare
    const module = JSON.parse(readFileSync(join(ROOT, "terraform/main.tf.json"), "utf8")) as {
      resource: object;
      data: object;
    };

    // Assess
    for (const t of [...Object.keys(module.resource), ...EXTRA_TYPES.resources]) {
      expect(p.resource_schemas, t).toHaveProperty([t]);
    }
    for (const t of [...Object.keys(module.data), ...EXTRA_TYPES.dataSources]) {
      expect(p.data_source_schemas, t).toHaveProperty([t]);
    }
    expect(p.resource_schemas).not.toHaveProperty(["aws_instance"]);
  });

  it("types a set attribute as a set and a list attribute as a list", () => {
    // Assess
    expect(resource(p, "aws_iam_role").attributes?.managed_policy_arns?.type).toEqual([
      "set",
      "string",
    ]);
    expect(resource(p, "aws_lambda_function").attributes?.architectures?.type).toEqual([
      "list",
      "string",
    ]);
  });

  it("makes a block of at most one a list block with max_items 1, and a repeatable one unbounded", () => {
    // Prepare
    const lambda = resource(p, "aws_lambda_function");
    const policy = dataSource(p, "aws_iam_policy_document");

    // Assess
    expect(lambda.block_types?.environment).toMatchObject({ nesting_mode: "list", max_items: 1 });
    expect(lambda.block_types?.environment?.block.attributes?.variables?.type).toEqual([
      "map",
      "string",
    ]);
    expect(policy.block_types?.statement?.nesting_mode).toBe("list");
    expect(policy.block_types?.statement?.max_items).toBeUndefined();
    expect(policy.block_types?.statement?.block.block_types?.principals?.nesting_mode).toBe("set");
    expect(resource(p, "aws_ecs_service").block_types?.timeouts?.nesting_mode).toBe("single");
  });

  it("makes attributes the configuration cannot set computed only", () => {
    // Prepare
    const lambda = resource(p, "aws_lambda_function");

    // Assess
    expect(lambda.attributes?.arn).toEqual({ type: "string", computed: true });
    expect(lambda.attributes?.invoke_arn).toEqual({ type: "string", computed: true });
    expect(dataSource(p, "aws_iam_role").attributes?.role_last_used).toEqual({
      type: ["list", ["object", { last_used_date: "string", region: "string" }]],
      computed: true,
    });
  });

  it("marks `_wo` attributes write-only and leaves their version attribute an ordinary one", () => {
    // Prepare
    const version = resource(p, "aws_secretsmanager_secret_version");

    // Assess
    expect(version.attributes?.secret_string_wo).toEqual({
      type: "string",
      optional: true,
      write_only: true,
    });
    expect(version.attributes?.secret_string_wo_version).toEqual({
      type: "number",
      optional: true,
    });
  });

  it("tells required from optional arguments, and makes id optional and computed", () => {
    // Prepare
    const lambda = resource(p, "aws_lambda_function");

    // Assess
    expect(lambda.attributes?.role).toEqual({ type: "string", required: true });
    expect(lambda.attributes?.function_name).toEqual({ type: "string", required: true });
    expect(lambda.attributes?.description).toEqual({ type: "string", optional: true });
    expect(lambda.attributes?.id).toEqual({ type: "string", optional: true, computed: true });
    expect(
      resource(p, "aws_ecs_service").block_types?.deployment_circuit_breaker?.block.attributes
        ?.enable,
    ).toEqual({ type: "bool", required: true });
  });

  it("makes tags_all optional and computed, as hashicorp/aws merges default_tags into it", () => {
    // Assess
    expect(resource(p, "aws_lambda_function").attributes?.tags_all).toEqual({
      type: ["map", "string"],
      optional: true,
      computed: true,
    });
    expect(resource(p, "aws_lambda_function").attributes?.tags).toEqual({
      type: ["map", "string"],
      optional: true,
    });
  });

  it("makes provider 6's per-resource region optional and computed, as documented", () => {
    // Assess
    expect(resource(p, "aws_sqs_queue").attributes?.region).toMatchObject({
      type: "string",
      optional: true,
      computed: true,
    });
    expect(resource(p, "aws_iam_role").attributes?.region).toBeUndefined();
  });

  it("makes a data source's optional arguments computed too, as it answers them", () => {
    // Assess
    expect(dataSource(p, "aws_region").attributes?.region).toMatchObject({
      type: "string",
      optional: true,
      computed: true,
    });
    expect(dataSource(p, "aws_caller_identity").attributes?.account_id).toEqual({
      type: "string",
      computed: true,
    });
  });

  it("derives the provider block from AwsProviderConfig, without cdktf's alias", () => {
    // Prepare
    const provider = p.provider.block;

    // Assess
    expect(provider.attributes?.region).toEqual({ type: "string", optional: true });
    expect(provider.attributes?.alias).toBeUndefined();
    expect(provider.block_types?.default_tags?.block.attributes?.tags?.type).toEqual([
      "map",
      "string",
    ]);
    expect(provider.block_types?.assume_role?.block.attributes?.role_arn).toBeDefined();
  });
});

describe("generateSchema on types cdktf cannot model fully", () => {
  it("makes a set block holding a dynamic attribute a list block, which Terraform accepts", () => {
    // Prepare
    const options = {
      ...defaultOptions(ROOT, true),
      types: { resources: ["aws_wafv2_web_acl"], dataSources: [] },
    };

    // Act
    const rule = resource(served(generateSchema(options)), "aws_wafv2_web_acl").block_types?.rule;

    // Assess
    expect(rule?.block.attributes?.statement?.type).toBe("dynamic");
    expect(rule?.nesting_mode).toBe("list");
  });

  it("serves the types of the bindings TypeScript imports", () => {
    // Prepare
    const options = {
      ...defaultOptions(ROOT, true),
      types: {
        resources: [],
        dataSources: [],
        bindings: ["sns-topic-subscription", "data-aws-vpc"],
      },
    };

    // Act
    const p = served(generateSchema(options));

    // Assess
    expect(Object.keys(p.resource_schemas)).toEqual(["aws_sns_topic_subscription"]);
    expect(Object.keys(p.data_source_schemas)).toEqual(["aws_vpc"]);
  });

  it("throws naming a type hashicorp/aws 6.25.0 does not have", () => {
    // Prepare
    const options = {
      ...defaultOptions(ROOT, true),
      types: { resources: ["aws_no_such_thing"], dataSources: [] },
    };

    // Act / Assess
    expect(() => generateSchema(options)).toThrow(
      "hashicorp/aws 6.25.0 has no resource aws_no_such_thing",
    );
  });
});

describe("usedTypes", () => {
  it("finds resource, data and mock types in HCL, JSON and test files", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "used-types-"));
    mkdirSync(join(dir, "tests"));
    writeFileSync(
      join(dir, "main.tf"),
      'resource "aws_kms_key" "k" {}\ndata "aws_region" "r" {}\n',
    );
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        resource: { aws_sqs_queue: {}, random_id: {} },
        data: { aws_partition: {} },
      }),
    );
    writeFileSync(
      join(dir, "construct.ts"),
      'import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";\nimport type { X } from "cdktf";\n',
    );
    writeFileSync(
      join(dir, "tests", "a.tftest.hcl"),
      'mock_provider "aws" {\n  mock_resource "aws_sns_topic" {}\n  mock_data "aws_iam_role" {}\n}\n',
    );

    // Act
    const used = usedTypes([dir]);

    // Assess
    expect([...used.resources].sort()).toEqual(["aws_kms_key", "aws_sns_topic", "aws_sqs_queue"]);
    expect([...used.dataSources].sort()).toEqual(["aws_iam_role", "aws_partition", "aws_region"]);
    expect([...used.bindings]).toEqual(["sns-topic"]);
  });
});
