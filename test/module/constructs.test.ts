import { App, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import {
  DeploymentTracker,
  type DeploymentTrackerProps,
} from "../../modules/deployment-tracker.js";
import { EcrDeployer, type EcrDeployerProps } from "../../modules/ecr-deployer.js";
import {
  EventDrivenFunction,
  type EventDrivenFunctionProps,
} from "../../modules/event-driven-function.js";
import { InvalidPropError } from "../../modules/validation.js";

const code = { filename: "dist/x.zip", sourceCodeHash: "abc=" };
const where = { regions: ["eu-west-1"], accountId: "123456789012", partition: "aws" };

function stack(): TerraformStack {
  return new TerraformStack(new App({ skipValidation: true }), "test");
}

function tracker(props: Partial<DeploymentTrackerProps>) {
  return () => new DeploymentTracker(stack(), "tracker", { code, ...where, ...props });
}

function deployer(props: Partial<EcrDeployerProps>) {
  return () => new EcrDeployer(stack(), "deployer", { code, ...where, ...props });
}

function fn(props: Partial<EventDrivenFunctionProps>) {
  return () =>
    new EventDrivenFunction(stack(), "fn", {
      functionName: "fn",
      description: "d",
      code,
      environment: {},
      statements: [],
      eventPattern: "{}",
      ruleDescription: "r",
      ...props,
    });
}

describe("construct props", () => {
  it.each([
    [
      "a plain-http endpoint",
      tracker({ endpointUrl: "http://example.com/x" }),
      /endpointUrl must be an https:\/\/ URL.*"http:\/\/example.com\/x"/,
    ],
    [
      "a header with a newline",
      tracker({ apiKeyHeader: "x\nInjected: 1" }),
      /apiKeyHeader must be an HTTP header name/,
    ],
    [
      "a bad region",
      tracker({ regions: ["eu-west-1", "EU_WEST"] }),
      /regions\[1\] must be an AWS region.*"EU_WEST"/,
    ],
    [
      "a short account id",
      tracker({ ecrAccountIds: ["123"] }),
      /ecrAccountIds\[0\] must be a 12-digit AWS account ID/,
    ],
    [
      "no secret at all",
      tracker({ createApiKeySecret: false }),
      /apiKeySecretArn is required when createApiKeySecret is false/,
    ],
    [
      "an unknown log level",
      tracker({ logLevel: "LOUD" }),
      /logLevel must be one of DEBUG, INFO, WARN, ERROR, got "LOUD"/,
    ],
    [
      "a cluster ARN",
      deployer({ allowedClusters: ["arn:aws:ecs:eu-west-1:123456789012:cluster/prod"] }),
      /allowedClusters\[0\] must be a cluster name, not an ARN/,
    ],
    [
      "a user ARN to pass",
      deployer({ passableRoleArns: ["arn:aws:iam::123456789012:user/bob"] }),
      /passableRoleArns\[0\] must be an IAM role ARN/,
    ],
    [
      "an unknown pin mode",
      deployer({ imagePin: "latest" }),
      /imagePin must be one of tag-and-digest, digest, tag, got "latest"/,
    ],
    [
      "a name too long for its rules",
      fn({ functionName: "x".repeat(57) }),
      /functionName must be 1-56/,
    ],
    [
      "a timeout over 15 minutes",
      fn({ timeout: 901 }),
      /timeout must be a whole number from 1 to 900, got 901/,
    ],
    [
      "too little memory",
      fn({ memorySize: 64 }),
      /memorySize must be a whole number from 128 to 10240, got 64/,
    ],
    [
      "a retention CloudWatch lacks",
      fn({ logRetentionInDays: 31 }),
      /logRetentionInDays must be one of 1, 3, 5.*got 31/,
    ],
    [
      "three async retries",
      fn({ maximumRetryAttempts: 3 }),
      /maximumRetryAttempts must be a whole number from 0 to 2, got 3/,
    ],
    [
      "an event age under a minute",
      fn({ maximumEventAgeInSeconds: 10 }),
      /maximumEventAgeInSeconds must be a whole number from 60 to 21600, got 10/,
    ],
  ])(
    "throws InvalidPropError on %s, naming the prop, the limit and the value",
    (_, create, message) => {
      // Act & Assess
      expect(create).toThrow(InvalidPropError);
      expect(create).toThrow(message);
    },
  );

  it("renders literal toggles as literal counts and literal patterns", () => {
    // Prepare
    const s = stack();
    new DeploymentTracker(s, "tracker", {
      code,
      ...where,
      trackFailedDeployments: true,
      alarms: false,
    });

    // Act
    const synth = JSON.parse(Testing.synth(s));

    // Assess
    const rules = Object.values(synth.resource.aws_cloudwatch_event_rule) as Array<{
      count: number;
      event_pattern: string;
    }>;
    expect(rules).toHaveLength(1);
    expect(rules[0]?.count).toBe(1);
    expect(JSON.parse(rules[0]?.event_pattern as string).detail.eventName).toEqual([
      "SERVICE_DEPLOYMENT_COMPLETED",
      "SERVICE_DEPLOYMENT_FAILED",
    ]);
    const alarms = Object.values(synth.resource.aws_cloudwatch_metric_alarm) as Array<{
      count: number;
    }>;
    for (const alarm of alarms) expect(alarm.count).toBe(0);
  });

  it.each([
    [
      "a literal key ARN",
      "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      1,
    ],
    ["no key", undefined, 0],
  ])("puts the KMS statement into the policy literally with %s", (_, kmsKeyArn, expected) => {
    // Prepare
    const s = stack();
    new DeploymentTracker(s, "tracker", { code, ...where, kmsKeyArn });

    // Act
    const synth = JSON.parse(Testing.synth(s));

    // Assess: no dynamic block and no counted document when the key is known at synth.
    const documents = Object.values(synth.data.aws_iam_policy_document) as Array<{
      dynamic?: unknown;
      statement: Array<{ sid: string; resources: string[] }>;
    }>;
    const kms = documents.flatMap((d) => d.statement).filter((x) => x.sid === "UseCustomerKmsKey");
    expect(kms).toHaveLength(expected);
    if (kmsKeyArn) expect(kms[0]?.resources).toEqual([kmsKeyArn]);
    for (const document of documents) expect(document.dynamic).toBeUndefined();
  });
});
