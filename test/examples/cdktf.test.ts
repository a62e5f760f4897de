import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { TrackerStack } from "../../examples/cdktf/main.js";

const TRACKER_ZIP = resolve(import.meta.dirname, "../../terraform/dist/deployment-tracker.zip");

// biome-ignore lint/suspicious/noExplicitAny: synthesised Terraform JSON is untyped by nature
type Tf = Record<string, any>;

function synth(): Tf {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new TrackerStack(app, "example"))) as Tf;
}

function only(byName: Tf | undefined): Tf {
  const bodies = Object.values(byName ?? {});
  expect(bodies).toHaveLength(1);
  return bodies[0] as Tf;
}

describe("examples/cdktf", () => {
  it("finds the tracker zip that npm run build writes", () => {
    // Assess
    expect(existsSync(TRACKER_ZIP)).toBe(true);
  });

  it("synthesises an AWS provider and one tracker function from the asset", () => {
    // Act
    const stack = synth();

    // Assess
    expect(Object.keys(stack.provider ?? {})).toEqual(["aws"]);
    const fn = only(stack.resource.aws_lambda_function);
    expect(fn.count).toBe(1);
    expect(fn.function_name).toBe("example-deployment-tracker");
    expect(fn.filename).toMatch(/^assets\/.*deployment-tracker\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  it("applies the literal props: secret created, failed deployments tracked, no alarms", () => {
    // Act
    const stack = synth();

    // Assess
    expect(only(stack.resource.aws_secretsmanager_secret).count).toBe(1);
    const pattern = JSON.parse(only(stack.resource.aws_cloudwatch_event_rule).event_pattern);
    expect(JSON.stringify(pattern)).toContain("FAILED");
    for (const alarm of Object.values(stack.resource.aws_cloudwatch_metric_alarm ?? {})) {
      expect((alarm as Tf).count).toBe(0);
    }
    expect(Object.keys(stack.output)).toEqual(["api_key_secret_arn", "tracker_function_name"]);
  });
});
