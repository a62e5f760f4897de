import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CheckOptions,
  checkConfiguration,
  type ModuleInterface,
  parseHcl,
  readModuleInterface,
} from "./check-example.js";

const ROOT = resolve(import.meta.dirname, "../..");
const MODULE_DIR = join(ROOT, "terraform");
const EXAMPLES_DIR = join(ROOT, "examples");

const module = readModuleInterface(MODULE_DIR);
const exampleOptions: CheckOptions = {
  isOurModule: (source) => source === "../../terraform",
  checkOwnDeclarations: true,
};

/** Example folders written in HCL (cdktf/ is TypeScript and has its own test). */
const hclExamples = readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => readdirSync(join(EXAMPLES_DIR, name)).some((file) => file.endsWith(".tf")))
  .sort();

function readTfFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith(".tf"))
      .map((file) => [join(dir, file), readFileSync(join(dir, file), "utf8")]),
  );
}

describe("the generated module's interface", () => {
  it("is read from terraform/*.tf.json", () => {
    // Assess
    expect(module.variables.size).toBeGreaterThan(0);
    expect(module.outputs.size).toBeGreaterThan(0);
    expect(module.variables.has("name_prefix")).toBe(true);
  });
});

describe("HCL examples", () => {
  it("include single-account and multi-region", () => {
    // Assess
    expect(hclExamples).toEqual(expect.arrayContaining(["multi-region", "single-account"]));
  });

  describe.each(hclExamples)("examples/%s", (name) => {
    const dir = join(EXAMPLES_DIR, name);

    it("has the standard files of an example", () => {
      // Assess
      for (const file of ["main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"]) {
        expect(existsSync(join(dir, file)), `${name}/${file}`).toBe(true);
      }
    });

    it("passes only declared module variables, every required one, and uses existing outputs", async () => {
      // Prepare
      const parsed = await parseHcl(readTfFiles(dir));

      // Act
      const problems = checkConfiguration(parsed, module, exampleOptions);

      // Assess
      expect(problems).toEqual([]);
    });

    it("has a README that walks through init, plan, apply and cost", () => {
      // Prepare
      const readme = readFileSync(join(dir, "README.md"), "utf8");

      // Assess
      for (const words of ["terraform init", "terraform plan", "terraform apply", "cost"]) {
        expect(readme.toLowerCase()).toContain(words);
      }
    });
  });
});

describe("terraform/README.md usage blocks", () => {
  const readme = readFileSync(join(MODULE_DIR, "README.md"), "utf8");
  const usage = readme.slice(readme.indexOf("## Usage"), readme.indexOf("<!-- BEGIN_TF_DOCS -->"));
  const blocks = [...usage.matchAll(/```hcl\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

  it("has at least one HCL block under ## Usage", () => {
    // Assess
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))(
    "block %i passes only declared module variables",
    async (index, block) => {
      // Prepare
      const parsed = await parseHcl({ [`README-usage-${index}.tf`]: block });

      // Act
      const problems = checkConfiguration(parsed, module, {
        isOurModule: (source) => /\/\/terraform(\?|$)/.test(source),
        checkOwnDeclarations: false,
      });

      // Assess
      expect(problems).toEqual([]);
    },
  );
});

describe("checkConfiguration", () => {
  const fakeModule: ModuleInterface = {
    variables: new Map([
      ["name_prefix", { required: false }],
      ["must_have", { required: true }],
    ]),
    outputs: new Set(["tracker_function_arn"]),
  };

  it("returns no problem when the configuration fits the module", async () => {
    // Prepare
    const parsed = await parseHcl({
      "good.tf": `
variable "prefix" {
  description = "The prefix."
  type        = string
}
module "m" {
  source      = "../../terraform"
  name_prefix = var.prefix
  must_have   = "x"
}
output "arn" {
  description = "The ARN."
  value       = module.m.tracker_function_arn
}
`,
    });

    // Act
    const problems = checkConfiguration(parsed, fakeModule, exampleOptions);

    // Assess
    expect(problems).toEqual([]);
  });

  it("returns a problem for each unknown argument, missing required variable and unknown output", async () => {
    // Prepare
    const parsed = await parseHcl({
      "bad.tf": `
variable "untyped" {}
module "m" {
  source        = "../../terraform"
  name_prefx    = "typo"
  not_a_var     = true
}
output "arn" {
  value = module.m.no_such_output
}
output "literal" {
  description = "Not from the module."
  value       = var.undeclared
}
`,
    });

    // Act
    const problems = checkConfiguration(parsed, fakeModule, exampleOptions);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'module "m": argument name_prefx is not a variable of the module',
        'module "m": argument not_a_var is not a variable of the module',
        'module "m": required variable must_have is not passed',
        "module.m.no_such_output is not an output of the module",
        'variable "untyped" has no description',
        'variable "untyped" has no type',
        'output "arn" has no description',
        'output "literal" does not refer to a module output or a resource',
        "var.undeclared is used but not declared",
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it("returns a problem when no module block uses the module", async () => {
    // Prepare
    const parsed = await parseHcl({ "none.tf": 'module "other" {\n  source = "./elsewhere"\n}\n' });

    // Act
    const problems = checkConfiguration(parsed, fakeModule, exampleOptions);

    // Assess
    expect(problems).toEqual(["no module block uses the ecs-deployments module"]);
  });
});
