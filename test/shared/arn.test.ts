import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clusterNameOf,
  functionNameOfArn,
  isArn,
  isSecretArn,
  parseArn,
  parseServiceArn,
  regionOfArn,
  unqualifiedFunctionArn,
} from "../../functions/shared/arn.js";
import { InvalidArnError } from "../../functions/shared/errors.js";
import { PARTITIONS } from "../../functions/shared/grammar.js";

/** The partition ids of the AWS SDK's partitions data, as installed. */
function sdkPartitionIds(): string[] {
  const core = dirname(createRequire(import.meta.url).resolve("@aws-sdk/core/package.json"));
  const data = readFileSync(
    join(core, "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js"),
    "utf8",
  );
  const ids = [...data.matchAll(/"id": "([a-z-]+)"/g)].map((m) => m[1] as string);
  if (ids.length === 0) throw new Error("no partition ids found in the SDK's partitions data");
  return ids;
}

describe("parseServiceArn", () => {
  it("returns cluster and service of a long service ARN", () => {
    // Act
    const location = parseServiceArn("arn:aws:ecs:us-west-2:111122223333:service/prod/web");

    // Assess
    expect(location).toEqual({
      arn: "arn:aws:ecs:us-west-2:111122223333:service/prod/web",
      partition: "aws",
      region: "us-west-2",
      accountId: "111122223333",
      cluster: "prod",
      service: "web",
      shortForm: false,
    });
  });

  it("returns cluster default for a short service ARN", () => {
    // Act
    const location = parseServiceArn("arn:aws:ecs:us-west-2:111122223333:service/legacy_svc-1");

    // Assess
    expect(location).toMatchObject({
      cluster: "default",
      service: "legacy_svc-1",
      shortForm: true,
    });
  });

  it.each([
    ["aws-cn", "arn:aws-cn:ecs:cn-north-1:111122223333:service/c/s", "cn-north-1"],
    ["aws-us-gov", "arn:aws-us-gov:ecs:us-gov-west-1:111122223333:service/c/s", "us-gov-west-1"],
  ])("returns the partition %s and its region", (partition, arn, region) => {
    // Act & Assess
    expect(parseServiceArn(arn)).toMatchObject({ partition, region });
  });

  it.each([
    ["undefined", undefined],
    ["a number", 7],
    ["a name", "web"],
    ["a task ARN", "arn:aws:ecs:us-west-2:111122223333:task/prod/0123"],
    ["a cluster ARN", "arn:aws:ecs:us-west-2:111122223333:cluster/prod"],
    ["a lambda ARN", "arn:aws:lambda:us-west-2:111122223333:function:f"],
    ["too many path parts", "arn:aws:ecs:us-west-2:111122223333:service/a/b/c"],
    ["an empty cluster", "arn:aws:ecs:us-west-2:111122223333:service//web"],
    ["an empty service", "arn:aws:ecs:us-west-2:111122223333:service/prod/"],
    ["no region", "arn:aws:ecs::111122223333:service/prod/web"],
    ["a short account", "arn:aws:ecs:us-west-2:1111:service/prod/web"],
    ["spaces in the name", "arn:aws:ecs:us-west-2:111122223333:service/prod/my web"],
  ])("throws InvalidArnError for %s", (_label, value) => {
    // Act & Assess
    expect(() => parseServiceArn(value)).toThrow(InvalidArnError);
  });
});

describe("regionOfArn", () => {
  it("returns the region of an ARN", () => {
    // Act & Assess
    expect(regionOfArn("arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf")).toBe(
      "eu-west-1",
    );
  });

  it.each([["not an ARN"], ["arn:aws:iam::111122223333:role/r"], [null]])(
    "throws InvalidArnError for %s",
    (value) => {
      // Act & Assess
      expect(() => regionOfArn(value)).toThrow(InvalidArnError);
    },
  );
});

describe("parseArn", () => {
  it("returns the parts of an ARN", () => {
    // Act
    const parts = parseArn("arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:f:live");

    // Assess
    expect(parts).toEqual({
      partition: "aws-us-gov",
      service: "lambda",
      region: "us-gov-west-1",
      accountId: "111122223333",
      resource: "function:f:live",
    });
  });

  it.each([["not-an-arn"], [""], [42], [undefined]])("throws InvalidArnError for %j", (value) => {
    // Act & Assess
    expect(() => parseArn(value)).toThrow(InvalidArnError);
  });

  it.each([
    ["arn::ecs:us-east-1:111122223333:service/prod/web", /empty partition/],
    ["arn:foo:ecs:us-east-1:111122223333:service/prod/web", /unknown partition "foo"/],
    ["arn:AWS:ecs:us-east-1:111122223333:service/prod/web", /unknown partition "AWS"/],
    ["arn:aws-moon:ecs:us-east-1:111122223333:service/prod/web", /unknown partition "aws-moon"/],
  ])("throws InvalidArnError naming the partition for %s", (value, message) => {
    // Act & Assess
    expect(() => parseArn(value)).toThrow(InvalidArnError);
    expect(() => parseArn(value)).toThrow(message);
    expect(() => parseServiceArn(value)).toThrow(InvalidArnError);
  });

  it.each(PARTITIONS.map((p) => [p]))("accepts the partition %s", (partition) => {
    // Act & Assess
    expect(parseArn(`arn:${partition}:ecs:r-x-1:111122223333:service/c/s`).partition).toBe(
      partition,
    );
  });
});

describe("PARTITIONS", () => {
  it("lists exactly the partitions of the AWS SDK's partitions data", () => {
    // Act & Assess
    expect([...PARTITIONS].sort()).toEqual(sdkPartitionIds().sort());
  });
});

describe("isArn", () => {
  it.each([
    ["arn:aws:ecs:us-east-1:111122223333:cluster/prod", true],
    ["arn:aws-eusc:ecs:eusc-de-east-1:111122223333:cluster/prod", true],
    ["arn::ecs:us-east-1:111122223333:cluster/prod", false],
    ["arn:foo:ecs:us-east-1:111122223333:cluster/prod", false],
    ["prod", false],
  ])("returns for %s %s", (value, expected) => {
    // Act & Assess
    expect(isArn(value)).toBe(expected);
  });
});

describe("clusterNameOf", () => {
  it.each([
    ["arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "prod"],
    ["prod", "prod"],
  ])("returns the cluster name of %s", (value, expected) => {
    // Act & Assess
    expect(clusterNameOf(value)).toBe(expected);
  });
});

describe("functionNameOfArn", () => {
  it.each([
    ["arn:aws:lambda:eu-west-1:111122223333:function:p-deployment-tracker", "p-deployment-tracker"],
    [
      "arn:aws:lambda:eu-west-1:111122223333:function:p-deployment-tracker:live",
      "p-deployment-tracker",
    ],
    ["arn:aws:sqs:eu-west-1:111122223333:p-dlq", "arn:aws:sqs:eu-west-1:111122223333:p-dlq"],
    ["p-deployment-tracker", "p-deployment-tracker"],
  ])("returns the function name of %s", (value, expected) => {
    // Act & Assess
    expect(functionNameOfArn(value)).toBe(expected);
  });
});

describe("unqualifiedFunctionArn", () => {
  it("drops the version or alias of a function ARN", () => {
    // Act & Assess
    expect(unqualifiedFunctionArn("arn:aws:lambda:eu-west-1:111122223333:function:f:7")).toBe(
      "arn:aws:lambda:eu-west-1:111122223333:function:f",
    );
    expect(unqualifiedFunctionArn("arn:aws:lambda:eu-west-1:111122223333:function:f")).toBe(
      "arn:aws:lambda:eu-west-1:111122223333:function:f",
    );
  });
});

describe("isSecretArn", () => {
  it.each([
    ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:key-AbCdEf", true],
    ["arn:aws:ssm:eu-west-1:111122223333:parameter/key", false],
    ["arn:foo:secretsmanager:eu-west-1:111122223333:secret:key-AbCdEf", false],
    ["key", false],
  ])("returns whether %s is a Secrets Manager secret ARN", (value, expected) => {
    // Act & Assess
    expect(isSecretArn(value)).toBe(expected);
  });
});
