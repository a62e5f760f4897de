import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { base64Sha256 } from "../../modules/terraform.js";
import { entries, MODULE_DIR, mergedModule, moduleFiles } from "../support/module.js";

const module = mergedModule();

function keysDeep(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysDeep(v, found);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      found.push(k);
      keysDeep(v, found);
    }
  }
  return found;
}

describe("the generated module", () => {
  it("has no backend and no provider blocks", () => {
    // Assess
    expect(module.provider).toBeUndefined();
    expect(module.terraform?.backend).toBeUndefined();
    expect(Object.keys(module.terraform)).toEqual(["required_version", "required_providers"]);
  });

  it("declares hashicorp/aws with a lower bound, and a required Terraform version", () => {
    // Assess
    expect(module.terraform.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: ">= 6.0" },
    });
    expect(module.terraform.required_version).toMatch(/^>= 1\.\d+\.\d+$/);
  });

  it("has no CDKTF metadata keys anywhere", () => {
    // Assess
    expect(keysDeep(moduleFiles())).not.toContain("//");
  });

  it("names every resource and data source in snake_case without hash suffixes", () => {
    // Prepare
    const names = [...entries(module, "resource"), ...entries(module, "data")].map(
      ([, name]) => name,
    );

    // Assess
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(name).not.toMatch(/_[0-9A-Fa-f]{8}$/);
    }
  });

  it("points every Lambda at a zip under ${path.module} that exists, hashed by its bytes", () => {
    // Prepare
    const functions = entries(module, "resource").filter(
      ([type]) => type === "aws_lambda_function",
    );

    // Assess
    expect(functions.length).toBeGreaterThan(0);
    for (const [, , fn] of functions) {
      expect(fn.filename).toMatch(/^\$\{path\.module\}\/dist\/[a-z-]+\.zip$/);
      const onDisk = join(MODULE_DIR, fn.filename.replace("${path.module}/", ""));
      expect(existsSync(onDisk)).toBe(true);
      // source_code_hash is the base64 SHA-256 of the zip bytes, as filebase64sha256() gives.
      expect(fn.source_code_hash).toBe(base64Sha256(readFileSync(onDisk)));
    }
  });

  it("types and describes every variable and describes every output", () => {
    // Assess
    for (const [name, variable] of Object.entries(
      module.variable as Record<string, { type?: string; description?: string }>,
    )) {
      expect(variable.type, name).toBeTruthy();
      expect(variable.description, name).toMatch(/^(The|Whether|List of|Map of) /);
    }
    for (const [name, output] of Object.entries(
      module.output as Record<string, { description?: string }>,
    )) {
      expect(output.description, name).toMatch(/^The /);
    }
  });
});
