import { describe, expect, it } from "vitest";
import { mergedModule } from "../support/module.js";

const variables = mergedModule().variable as Record<
  string,
  { validation?: Array<{ condition: string; error_message: string }> }
>;

/**
 * The RE2 pattern inside `can(regex("…", …))` of a variable's first validation, as a JS
 * RegExp (the patterns we use are in the common subset of RE2 and JS).
 */
function patternOf(name: string): RegExp {
  const condition = variables[name]?.validation?.[0]?.condition ?? "";
  const literal = /regex\("((?:[^"\\]|\\.)*)"/.exec(condition)?.[1];
  if (literal === undefined) throw new Error(`${name} has no regex validation`);
  return new RegExp(literal.replace(/\\(.)/g, "$1"));
}

const cases: Array<[string, string[], string[]]> = [
  [
    "name_prefix",
    ["platform", "team_a-1"],
    ["", "has space", "a".repeat(33), "x;rm -rf /", "ünïcode"],
  ],
  [
    "regions",
    [
      "eu-west-1",
      "us-gov-west-1",
      "ap-southeast-2",
      "ap-southeast-5",
      "eu-central-2",
      "cn-north-1",
      "us-isob-east-1",
      "eusc-de-east-1",
    ],
    ["EU-WEST-1", "eu-west", "eu_west_1", "us-east-1 ", "*", "europe-west-1", "eu-west-123"],
  ],
  [
    "kms_key_arn",
    [
      "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws:kms:us-west-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
      "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ],
    ["alias/mine", "arn:aws:kms:eu-west-1:123456789012:alias/mine", "arn:aws:s3:::bucket", "*"],
  ],
  [
    "tracker_endpoint_url",
    ["https://app.cardinalhq.io/_/chip/workloads", "https://10.0.0.1:8443/x?y=1"],
    [
      "http://app.cardinalhq.io/",
      "ftp://x",
      "https://",
      "https:// spaced",
      "javascript:alert(1)",
      "HTTPS//x",
    ],
  ],
  [
    "tracker_api_key_header",
    ["x-cardinalhq-api-key", "Authorization"],
    ["", "bad header", "x:y", "a\r\nInjected: 1"],
  ],
  [
    "api_key_secret_arn",
    ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key-AbCdEf"],
    [
      "api-key",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/x",
      "arn:aws:secretsmanager:eu-west-1:123:secret:x",
    ],
  ],
  ["tracker_ecr_account_ids", ["123456789012"], ["12345", "1234567890123", "abcdefghijkl"]],
  [
    "deployer_allowed_clusters",
    ["prod", "prod_cluster-2"],
    ["arn:aws:ecs:eu-west-1:123456789012:cluster/prod", "a/b", ""],
  ],
  [
    "deployer_opt_in_tag_key",
    ["ecs-deployments:follow", "team/follow"],
    ["", "bad\nkey", "a".repeat(129), 'quote"d'],
  ],
  [
    "deployer_default_tag_pattern",
    ["", "v*", "main-*", "release-?.?", "latest", "v+ latest", "v*,main-*"],
    ["v* ; rm", "a/b", "(.*)", "$(id)", "x".repeat(257)],
  ],
  [
    "deployer_passable_role_arns",
    ["arn:aws:iam::123456789012:role/app-task", "arn:aws:iam::123456789012:role/path/app"],
    ["arn:aws:iam::123456789012:user/bob", "*", "arn:aws:iam::123456789012:role"],
  ],
];

describe("variable validation", () => {
  it.each(cases)("%s accepts good values and refuses hostile ones", (name, good, bad) => {
    // Prepare
    const pattern = patternOf(name);

    // Assess
    for (const value of good)
      expect(pattern.test(value), `${name} should accept ${JSON.stringify(value)}`).toBe(true);
    for (const value of bad)
      expect(pattern.test(value), `${name} should refuse ${JSON.stringify(value)}`).toBe(false);
  });

  it("gives every validation an error message that names its variable", () => {
    // Assess
    for (const [name, variable] of Object.entries(variables)) {
      for (const rule of variable.validation ?? [])
        expect(rule.error_message, name).toContain(name);
    }
  });

  it("refuses log retention values CloudWatch does not offer", () => {
    // Prepare
    const condition = variables.log_retention_in_days?.validation?.[0]?.condition ?? "";
    const allowed = JSON.parse(/contains\((\[[^\]]+\])/.exec(condition)?.[1] ?? "[]") as number[];

    // Assess
    expect(allowed).toContain(30);
    for (const bad of [0, 2, 31, 10000, -1]) expect(allowed).not.toContain(bad);
  });

  it("requires an existing secret ARN when the tracker is on and creates no secret", () => {
    // Assess
    expect(variables.api_key_secret_arn?.validation?.[1]?.condition).toBe(
      "${!var.create_tracker || var.create_api_key_secret || var.api_key_secret_arn != null}",
    );
  });
});
