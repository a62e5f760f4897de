/**
 * The Terraform step must catch a broken module. Each test copies the generated module
 * (with its terraform test files) and an example into a scratch tree, breaks the copy on
 * purpose, and runs the real Terraform binary on it through scripts/terraform.sh (the
 * stand-in hashicorp/aws provider, offline). In CI a missing Terraform or stand-in is an
 * error; elsewhere the suite is skipped with a printed reason.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const WRAPPER = join(ROOT, "scripts", "terraform.sh");
const TIMEOUT_MS = 240_000;

// biome-ignore lint/suspicious/noExplicitAny: generated Terraform JSON is untyped by nature
type Tf = Record<string, any>;

interface Result {
  readonly status: number | null;
  readonly output: string;
}

/** Runs Terraform through the wrapper; stdout and stderr together, without colour. */
function terraform(dir: string, ...args: string[]): Result {
  const run = spawnSync("bash", [WRAPPER, `-chdir=${dir}`, ...args], {
    encoding: "utf8",
    timeout: TIMEOUT_MS,
  });
  const failure = run.error ? `\n${run.error.message}` : "";
  return { status: run.status, output: `${run.stdout ?? ""}${run.stderr ?? ""}${failure}` };
}

/**
 * Whether Terraform with the stand-in provider works: `init` of a configuration that
 * requires hashicorp/aws, in a scratch directory.
 */
function terraformAvailable(): boolean {
  const probe = mkdtempSync(join(tmpdir(), "tf-probe-"));
  try {
    writeFileSync(
      join(probe, "main.tf"),
      'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n',
    );
    const init = terraform(probe, "init", "-backend=false", "-no-color");
    if (init.status === 0) return true;
    const reason = `Terraform with the stand-in hashicorp/aws provider does not work here (run 'bash scripts/install-tools.sh'): ${init.output.trim().split("\n").slice(-3).join(" ")}`;
    if (process.env.CI) throw new Error(`${reason}; CI must run the Terraform tests`);
    console.warn(`SKIPPED: ${reason}`);
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const available = terraformAvailable();

describe.skipIf(!available)("a deliberately broken module", () => {
  let scratch: string;
  let module: string;

  beforeEach(() => {
    // Prepare: the module beside an example, as in the repository.
    scratch = mkdtempSync(join(tmpdir(), "broken-module-"));
    module = join(scratch, "terraform");
    cpSync(join(ROOT, "terraform"), module, {
      recursive: true,
      filter: (source) => !source.includes(".terraform"),
    });
    cpSync(join(ROOT, "examples", "single-account"), join(scratch, "examples", "single-account"), {
      recursive: true,
      filter: (source) => !source.includes(".terraform"),
    });
  });

  afterEach(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  function edit(file: string, change: (doc: Tf) => void): void {
    const path = join(module, file);
    const doc = JSON.parse(readFileSync(path, "utf8")) as Tf;
    change(doc);
    writeFileSync(path, JSON.stringify(doc, null, 2));
  }

  function init(dir: string): void {
    const result = terraform(dir, "init", "-backend=false", "-no-color");
    expect(result.status, result.output).toBe(0);
  }

  it(
    "passes validate and the unknown-inputs test while unbroken (the control)",
    () => {
      // Act
      init(module);
      const validate = terraform(module, "validate", "-no-color");
      const test = terraform(
        module,
        "test",
        "-no-color",
        "-filter=tests/unknown-inputs.tftest.hcl",
      );

      // Assess
      expect(validate.status, validate.output).toBe(0);
      expect(test.status, test.output).toBe(0);
      expect(test.output).toMatch(/Success! \d+ passed, 0 failed/);
    },
    TIMEOUT_MS,
  );

  it(
    "fails validate on a reference to a resource that does not exist",
    () => {
      // Prepare
      edit("main.tf.json", (doc) => {
        doc.resource.aws_cloudwatch_event_target.tracker_target.dead_letter_config.arn =
          "${one(aws_sqs_queue.tracker_queue[*].arn)}";
      });

      // Act
      init(module);
      const validate = terraform(module, "validate", "-no-color");

      // Assess
      expect(validate.status).not.toBe(0);
      expect(validate.output).toContain("Reference to undeclared resource");
      expect(validate.output).toContain("aws_sqs_queue.tracker_queue");
    },
    TIMEOUT_MS,
  );

  it(
    "fails the unknown-inputs test and the example's plan on a count known only at apply",
    () => {
      // Prepare: validate cannot see it; only a plan with unknown ARNs can.
      edit("main.tf.json", (doc) => {
        doc.resource.aws_cloudwatch_metric_alarm.tracker_errors_alarm.count =
          "${length(aws_iam_role.tracker_role[0].arn) > 0 ? 1 : 0}";
      });
      const example = join(scratch, "examples", "single-account");

      // Act
      init(module);
      const validate = terraform(module, "validate", "-no-color");
      const test = terraform(
        module,
        "test",
        "-no-color",
        "-filter=tests/unknown-inputs.tftest.hcl",
      );
      init(example);
      const plan = terraform(example, "plan", "-input=false", "-lock=false", "-no-color");

      // Assess
      expect(validate.status, validate.output).toBe(0);
      expect(test.status).not.toBe(0);
      expect(test.output).toContain("Invalid count argument");
      expect(test.output).toMatch(/Failure! \d+ passed, [1-9]\d* failed/);
      expect(plan.status).not.toBe(0);
      expect(plan.output).toContain("Invalid count argument");
    },
    TIMEOUT_MS,
  );

  it(
    "fails the validation tests when a valid region is refused",
    () => {
      // Prepare: the region pattern as it was, two letters first (no eusc-de-east-1).
      edit("variables.tf.json", (doc) => {
        const rule = doc.variable.regions.validation[0];
        rule.condition = String(rule.condition).replace("[a-z]{2,4}", "[a-z]{2}");
      });

      // Act
      init(module);
      const test = terraform(module, "test", "-no-color", "-filter=tests/validation.tftest.hcl");

      // Assess
      expect(test.status).not.toBe(0);
      expect(test.output).toMatch(/run "accepts_govcloud_china_and_new_regions"\.\.\. fail/);
      expect(test.output).toContain("Each entry of regions must be an AWS region name");
    },
    TIMEOUT_MS,
  );
});
