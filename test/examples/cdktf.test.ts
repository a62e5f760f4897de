import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { DeploymentsStack } from "../../examples/cdktf/main.js";

const ZIPS = resolve(import.meta.dirname, "../../terraform/dist");

// biome-ignore lint/suspicious/noExplicitAny: synthesised Terraform JSON is untyped by nature
type Tf = Record<string, any>;

function synth(): Tf {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new DeploymentsStack(app, "example"))) as Tf;
}

function functionNamed(stack: Tf, name: string): Tf {
  const found = Object.values(stack.resource.aws_lambda_function as Tf).find(
    (fn) => (fn as Tf).function_name === name,
  );
  expect(found, name).toBeDefined();
  return found as Tf;
}

describe("examples/cdktf", () => {
  it("finds the zips that npm run build writes", () => {
    // Assess
    expect(existsSync(resolve(ZIPS, "deployment-tracker.zip"))).toBe(true);
    expect(existsSync(resolve(ZIPS, "ecr-deployer.zip"))).toBe(true);
  });

  it("synthesises the user's own AWS provider and both functions from the shipped zips", () => {
    // Act
    const stack = synth();

    // Assess
    expect(Object.keys(stack.provider ?? {})).toEqual(["aws"]);
    for (const name of ["deployment-tracker", "ecr-deployer"]) {
      const fn = functionNamed(stack, `example-${name}`);
      expect(fn.count).toBe(1);
      expect(fn.filename).toMatch(new RegExp(`^assets/.*${name}\\.zip$`));
      const zip = readFileSync(resolve(ZIPS, `${name}.zip`));
      expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
    }
  });

  it("applies the literal props: secret created, failed deployments tracked, no alarms", () => {
    // Act
    const stack = synth();

    // Assess
    const secrets = Object.values(stack.resource.aws_secretsmanager_secret as Tf);
    expect(secrets.map((s) => (s as Tf).count)).toEqual([1]);
    const rules = Object.values(stack.resource.aws_cloudwatch_event_rule as Tf) as Tf[];
    const trackerRule = rules.find((r) => r.name === "example-deployment-tracker");
    expect(trackerRule?.event_pattern).toContain("SERVICE_DEPLOYMENT_FAILED");
    for (const alarm of Object.values(stack.resource.aws_cloudwatch_metric_alarm ?? {})) {
      expect((alarm as Tf).count).toBe(0);
    }
    const deployer = functionNamed(stack, "example-ecr-deployer");
    expect(deployer.environment.variables.ALLOWED_CLUSTERS).toContain("production");
    expect(Object.keys(stack.output)).toEqual(["api_key_secret_arn", "tracker_function_name"]);
  });

  it("keeps its state beside the synthesised stack, not at an absolute path", () => {
    // Act
    const stack = synth();

    // Assess
    expect(stack.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });
});
