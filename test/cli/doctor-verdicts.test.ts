import { describe, expect, it } from "vitest";
import { formatCheck } from "../../cli/commands/doctor.js";
import { allowsEventBridgeRule } from "../../cli/doctor/policy.js";
import type { FunctionFacts } from "../../cli/doctor/types.js";
import { functionVerdicts, isHealthy, nothingInstalled } from "../../cli/doctor/verdicts.js";

const NAME = "ecs-deployments-deployment-tracker";
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${NAME}`;
const RULE_ARN = `arn:aws:events:us-east-1:123456789012:rule/${NAME}`;
const SECRET_ARN =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecs-deployments-deployment-tracker-api-key-AbCdEf";
const OPTIONS = { required: false, region: "us-east-1", namePrefix: "ecs-deployments" };

/** The policy `aws_lambda_permission` with a source_arn writes. */
function permissionPolicy(sourceArn = RULE_ARN) {
  return {
    Version: "2012-10-17",
    Id: "default",
    Statement: [
      {
        Sid: "AllowEventBridgeRule",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "lambda:InvokeFunction",
        Resource: FUNCTION_ARN,
        Condition: { ArnLike: { "AWS:SourceArn": sourceArn } },
      },
    ],
  };
}

/** Facts of a healthy tracker, with overrides. */
function healthyTracker(overrides: Partial<FunctionFacts> = {}): FunctionFacts {
  return {
    kind: "tracker",
    functionName: NAME,
    function: { ok: true, value: { FunctionArn: FUNCTION_ARN, State: "Active" } },
    rule: { ok: true, value: { arn: RULE_ARN, state: "ENABLED", targetArns: [FUNCTION_ARN] } },
    policy: { ok: true, value: permissionPolicy() },
    dlq: { ok: true, value: { name: `${NAME}-dlq`, url: "https://sqs/q", depth: 0 } },
    secret: { arn: SECRET_ARN, state: { ok: true, value: "has-value" } },
    endpoint: { url: "https://receiver.example.com/x", probe: { reachable: true, status: 405 } },
    ...overrides,
  };
}

const failures = (facts: FunctionFacts, options = OPTIONS) =>
  functionVerdicts(facts, options).filter((check) => check.status === "fail");

describe("functionVerdicts", () => {
  it("returns only passing checks when the tracker is healthy", () => {
    // Act
    const checks = functionVerdicts(healthyTracker(), OPTIONS);

    // Assess
    expect(checks.map((check) => check.status)).toEqual(Array(checks.length).fill("pass"));
    expect(checks.map((check) => check.message)).toContain(`${SECRET_ARN} exists and has a value`);
    expect(isHealthy(checks)).toBe(true);
  });

  it("returns info, not a failure, when the function is not installed", () => {
    // Act
    const checks = functionVerdicts(
      healthyTracker({ function: { ok: true, value: null } }),
      OPTIONS,
    );

    // Assess
    expect(checks).toEqual([
      {
        status: "info",
        subject: `function ${NAME}`,
        message: "is not installed (create_tracker = false?)",
      },
    ]);
    expect(isHealthy(checks)).toBe(true);
  });

  it("returns a failure when the function is not installed but required", () => {
    // Act
    const found = failures(healthyTracker({ function: { ok: true, value: null } }), {
      ...OPTIONS,
      required: true,
    });

    // Assess
    expect(found).toEqual([
      expect.objectContaining({
        message: "is not installed",
        fix: expect.stringContaining("create_tracker = true"),
      }),
    ]);
  });

  it("returns a failure with the enable-rule command when the rule is DISABLED", () => {
    // Prepare
    const facts = healthyTracker({
      rule: { ok: true, value: { arn: RULE_ARN, state: "DISABLED", targetArns: [FUNCTION_ARN] } },
    });

    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        status: "fail",
        subject: `rule ${NAME}`,
        message: "is DISABLED: no events reach the function",
        fix: `aws events enable-rule --name ${NAME} --region us-east-1`,
      },
    ]);
  });

  it("returns a failure when the rule does not exist", () => {
    // Act / Assess
    expect(failures(healthyTracker({ rule: { ok: true, value: null } }))).toEqual([
      expect.objectContaining({
        subject: `rule ${NAME}`,
        message: "does not exist: no events reach the function",
      }),
    ]);
  });

  it("returns a failure when the rule targets another function", () => {
    // Prepare
    const facts = healthyTracker({
      rule: {
        ok: true,
        value: {
          arn: RULE_ARN,
          state: "ENABLED",
          targetArns: ["arn:aws:lambda:us-east-1:123456789012:function:other"],
        },
      },
    });

    // Act / Assess
    expect(failures(facts)).toEqual([
      expect.objectContaining({ message: `does not target the function ${NAME} (targets: other)` }),
    ]);
  });

  it("returns a failure with add-permission when the policy does not allow the rule", () => {
    // Prepare
    const facts = healthyTracker({
      policy: {
        ok: true,
        value: permissionPolicy("arn:aws:events:us-east-1:123456789012:rule/old"),
      },
    });

    // Act
    const found = failures(facts);

    // Assess
    expect(found).toEqual([
      expect.objectContaining({
        subject: `function ${NAME}`,
        fix: expect.stringContaining("aws lambda add-permission"),
      }),
    ]);
  });

  it("returns a failure with a redrive hint when the DLQ holds messages", () => {
    // Prepare
    const facts = healthyTracker({
      dlq: { ok: true, value: { name: `${NAME}-dlq`, url: "u", depth: 3 } },
    });

    // Act / Assess
    expect(failures(facts)).toEqual([
      expect.objectContaining({
        message: "holds 3 failed event(s)",
        fix: expect.stringContaining(
          "ecs-deployments redrive --function tracker --region us-east-1",
        ),
      }),
    ]);
  });

  it("returns a failure with put-secret-value when the secret has no value", () => {
    // Prepare
    const facts = healthyTracker({
      secret: { arn: SECRET_ARN, state: { ok: true, value: "empty" } },
    });

    // Act / Assess
    expect(failures(facts)).toEqual([
      expect.objectContaining({
        subject: "API key secret",
        fix: expect.stringContaining(
          `aws secretsmanager put-secret-value --secret-id ${SECRET_ARN}`,
        ),
      }),
    ]);
  });

  it("returns a failure when the secret does not exist or cannot be read", () => {
    // Act
    const missing = failures(
      healthyTracker({ secret: { arn: SECRET_ARN, state: { ok: true, value: "missing" } } }),
    );
    const denied = failures(
      healthyTracker({
        secret: { arn: SECRET_ARN, state: { ok: false, error: "AWS AccessDeniedException: no" } },
      }),
    );

    // Assess
    expect(missing[0]?.message).toBe(`${SECRET_ARN} does not exist`);
    expect(denied[0]?.message).toContain("AccessDeniedException");
  });

  it("returns a failure when the endpoint is plain http", () => {
    // Prepare
    const facts = healthyTracker({ endpoint: { url: "http://receiver.example.com/x" } });

    // Act / Assess
    expect(failures(facts)).toEqual([
      expect.objectContaining({
        subject: "endpoint",
        message: expect.stringContaining("is not https"),
      }),
    ]);
  });

  it("returns a failure when the endpoint does not answer", () => {
    // Prepare
    const facts = healthyTracker({
      endpoint: {
        url: "https://receiver.example.com/x",
        probe: { reachable: false, error: "ENOTFOUND" },
      },
    });

    // Act / Assess
    expect(failures(facts)).toEqual([
      expect.objectContaining({
        message: "https://receiver.example.com is not reachable from here: ENOTFOUND",
      }),
    ]);
  });

  it("returns a failure when the function cannot be read", () => {
    // Act / Assess
    expect(
      failures(
        healthyTracker({ function: { ok: false, error: "AWS AccessDeniedException: denied" } }),
      ),
    ).toHaveLength(1);
  });
});

describe("nothingInstalled", () => {
  it("returns a failure that names the prefix and region", () => {
    // Act / Assess
    expect(nothingInstalled("platform", "eu-west-1")).toMatchObject({
      status: "fail",
      subject: "name prefix platform",
      message: "no function of the module found in eu-west-1",
    });
  });
});

describe("allowsEventBridgeRule", () => {
  it("returns true for the policy aws_lambda_permission writes", () => {
    // Act / Assess
    expect(allowsEventBridgeRule(permissionPolicy(), RULE_ARN)).toBe(true);
  });

  it("returns true for a statement without a SourceArn condition", () => {
    // Prepare
    const policy = {
      Statement: [
        { Effect: "Allow", Principal: { Service: ["events.amazonaws.com"] }, Action: ["lambda:*"] },
      ],
    };

    // Act / Assess
    expect(allowsEventBridgeRule(policy, RULE_ARN)).toBe(true);
  });

  it("returns true when an ArnLike wildcard matches the rule", () => {
    // Act / Assess
    expect(
      allowsEventBridgeRule(
        permissionPolicy("arn:aws:events:us-east-1:123456789012:rule/*"),
        RULE_ARN,
      ),
    ).toBe(true);
  });

  it.each([
    ["another rule", permissionPolicy("arn:aws:events:us-east-1:123456789012:rule/other")],
    [
      "another principal",
      {
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "lambda:InvokeFunction",
          },
        ],
      },
    ],
    [
      "a Deny",
      {
        Statement: [
          {
            Effect: "Deny",
            Principal: { Service: "events.amazonaws.com" },
            Action: "lambda:InvokeFunction",
          },
        ],
      },
    ],
    ["no policy", null],
  ])("returns false for %s", (_name, policy) => {
    // Act / Assess
    expect(allowsEventBridgeRule(policy, RULE_ARN)).toBe(false);
  });
});

describe("formatCheck", () => {
  it("returns a ✘ line with the fix on the next line", () => {
    // Act / Assess
    expect(
      formatCheck({ status: "fail", subject: "rule r", message: "is DISABLED", fix: "enable it" }),
    ).toBe("✘ rule r is DISABLED\n    fix: enable it");
  });
});
