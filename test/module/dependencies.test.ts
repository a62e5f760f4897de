import { App, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { EventDrivenFunction } from "../../modules/event-driven-function.js";
import { mergedModule, type Tf } from "../support/module.js";

const module = mergedModule();

describe("the functions' creation order", () => {
  it.each(["tracker", "deployer"])(
    "%s's function waits for its own log group and its role's policy",
    (fn) => {
      // Assess: else the first invocation creates the log group (no retention, and ours
      // then fails with "already exists") or runs without permission to log or use the DLQ.
      expect(module.resource.aws_lambda_function[`${fn}_function`].depends_on).toEqual([
        `aws_cloudwatch_log_group.${fn}_log_group`,
        `aws_iam_role_policy.${fn}_role_policy`,
      ]);
    },
  );

  it("names only resources that exist in the module", () => {
    // Assess
    for (const [name, body] of Object.entries(module.resource.aws_lambda_function as Tf)) {
      for (const address of (body as Tf).depends_on as string[]) {
        const [type, resource] = address.split(".");
        expect(
          module.resource[type as string]?.[resource as string],
          `${name}: ${address}`,
        ).toBeDefined();
      }
    }
  });

  it("holds for the construct used directly from cdktf too", () => {
    // Prepare
    const stack = new TerraformStack(new App({ skipValidation: true }), "test");
    new EventDrivenFunction(stack, "fn", {
      functionName: "fn",
      description: "d",
      code: { filename: "dist/x.zip", sourceCodeHash: "abc=" },
      environment: {},
      statements: [],
      eventPattern: "{}",
      ruleDescription: "r",
    });

    // Act
    const synthesised = JSON.parse(Testing.synth(stack)) as Tf;

    // Assess
    const [fn] = Object.values(synthesised.resource.aws_lambda_function as Tf) as Tf[];
    const logGroup = Object.keys(synthesised.resource.aws_cloudwatch_log_group as Tf)[0];
    const rolePolicy = Object.keys(synthesised.resource.aws_iam_role_policy as Tf)[0];
    expect(fn?.depends_on).toEqual([
      `aws_cloudwatch_log_group.${logGroup}`,
      `aws_iam_role_policy.${rolePolicy}`,
    ]);
  });
});
