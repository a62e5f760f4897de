import { describe, expect, it } from "vitest";
import {
  AWS_PROVIDER_VERSION,
  keptInModule,
  serialise,
  TERRAFORM_VERSION,
  toPublishableModule,
} from "../../scripts/publish.js";

describe("toPublishableModule", () => {
  it("drops backend, provider and CDKTF metadata from a root stack", () => {
    // Prepare
    const stack = {
      "//": { metadata: { stackName: "x" } },
      terraform: {
        backend: { local: { path: "/home/me/terraform.tfstate" } },
        required_providers: { aws: { version: "6.25.0" } },
      },
      provider: { aws: [{}] },
      resource: { aws_sqs_queue: { q: { "//": { metadata: { path: "x/q" } }, name: "q" } } },
      variable: { v: { type: "string" } },
      output: { o: { value: "${aws_sqs_queue.q.arn}" } },
    };

    // Act
    const files = toPublishableModule(stack);

    // Assess
    expect(Object.keys(files).sort()).toEqual([
      "main.tf.json",
      "outputs.tf.json",
      "variables.tf.json",
      "versions.tf.json",
    ]);
    expect(files["versions.tf.json"]).toEqual({
      terraform: {
        required_version: TERRAFORM_VERSION,
        required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } },
      },
    });
    expect(files["main.tf.json"]).toEqual({ resource: { aws_sqs_queue: { q: { name: "q" } } } });
    expect(JSON.stringify(files)).not.toContain("//");
    expect(JSON.stringify(files)).not.toContain("backend");
  });

  it("returns no variables or outputs file when the stack has none", () => {
    // Act
    const files = toPublishableModule({ resource: {} });

    // Assess
    expect(Object.keys(files).sort()).toEqual(["main.tf.json", "versions.tf.json"]);
  });

  it("serialises the same input to the same text with a final newline", () => {
    // Act
    const a = serialise({ b: 1, a: [1, 2] });

    // Assess
    expect(a).toBe(serialise({ b: 1, a: [1, 2] }));
    expect(a.endsWith("}\n")).toBe(true);
  });
});

describe("keptInModule", () => {
  it("keeps the README and the terraform test files, and nothing the build writes", () => {
    // Assess
    expect(keptInModule("README.md")).toBe(true);
    expect(keptInModule("tests/module.tftest.hcl")).toBe(true);
    expect(keptInModule("tests/setup/unknown-inputs/main.tf")).toBe(true);
    expect(keptInModule("main.tf.json")).toBe(false);
    expect(keptInModule("dist/old-function.zip")).toBe(false);
    expect(keptInModule("testsuite.tf.json")).toBe(false);
    expect(keptInModule("modules/workload-account/main.tf.json")).toBe(false);
  });
});
