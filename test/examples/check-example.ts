/**
 * Checks an HCL configuration (an example, or a README usage block) against the generated
 * module's interface without a Terraform binary: the configuration is parsed with
 * `@cdktf/hcl2json`, the module's variables and outputs are read from terraform/*.tf.json.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";

/** What the generated module declares. */
export interface ModuleInterface {
  /** Variable name → whether it has a default (absent default = required). */
  readonly variables: ReadonlyMap<string, { readonly required: boolean }>;
  readonly outputs: ReadonlySet<string>;
}

/** hcl2json's shape: every block kind maps names to a list of bodies. */
type Body = Record<string, unknown>;
export type ParsedHcl = Record<string, Record<string, Body[]> | Body[] | undefined>;

/** Arguments Terraform itself accepts in every module block. */
const META_ARGUMENTS = new Set([
  "source",
  "version",
  "providers",
  "depends_on",
  "count",
  "for_each",
]);

/** Reads the generated module's variables and outputs from its `*.tf.json` files. */
export function readModuleInterface(moduleDir: string): ModuleInterface {
  const variables = new Map<string, { required: boolean }>();
  const outputs = new Set<string>();
  for (const file of readdirSync(moduleDir).filter((name) => name.endsWith(".tf.json"))) {
    const json = JSON.parse(readFileSync(join(moduleDir, file), "utf8")) as {
      variable?: Record<string, Record<string, unknown>>;
      output?: Record<string, unknown>;
    };
    for (const [name, body] of Object.entries(json.variable ?? {})) {
      variables.set(name, { required: !("default" in body) });
    }
    for (const name of Object.keys(json.output ?? {})) outputs.add(name);
  }
  return { variables, outputs };
}

/** Parses HCL files (name → contents) and merges their top-level blocks, as Terraform does. */
export async function parseHcl(files: Record<string, string>): Promise<ParsedHcl> {
  const merged: ParsedHcl = {};
  for (const [filename, contents] of Object.entries(files)) {
    const parsed = (await parse(filename, contents)) as ParsedHcl;
    for (const [kind, blocks] of Object.entries(parsed)) {
      if (Array.isArray(blocks)) {
        merged[kind] = [...((merged[kind] as Body[] | undefined) ?? []), ...blocks];
      } else if (blocks) {
        merged[kind] = {
          ...((merged[kind] as Record<string, Body[]> | undefined) ?? {}),
          ...blocks,
        };
      }
    }
  }
  return merged;
}

/** Every `${…}` string and literal anywhere in a parsed value, flattened. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

function named(parsed: ParsedHcl, kind: string): [string, Body][] {
  const blocks = parsed[kind];
  if (!blocks || Array.isArray(blocks)) return [];
  return Object.entries(blocks).flatMap(([name, bodies]) =>
    bodies.map((body) => [name, body] as [string, Body]),
  );
}

/** Options for {@link checkConfiguration}. */
export interface CheckOptions {
  /** Whether a module block's `source` is our module. */
  readonly isOurModule: (source: string) => boolean;
  /** Also require each variable and output of the configuration to be described and typed. */
  readonly checkOwnDeclarations: boolean;
}

/** Problems found in a parsed configuration; empty when it fits the module. */
export function checkConfiguration(
  parsed: ParsedHcl,
  module: ModuleInterface,
  options: CheckOptions,
): string[] {
  const problems: string[] = [];
  const ours = named(parsed, "module").filter(
    ([, body]) => typeof body.source === "string" && options.isOurModule(body.source),
  );
  if (ours.length === 0) problems.push("no module block uses the ecs-deployments module");

  for (const [name, body] of ours) {
    const passed = Object.keys(body).filter((key) => !META_ARGUMENTS.has(key));
    for (const argument of passed) {
      if (!module.variables.has(argument)) {
        problems.push(`module "${name}": argument ${argument} is not a variable of the module`);
      }
    }
    for (const [variable, { required }] of module.variables) {
      if (required && !passed.includes(variable)) {
        problems.push(`module "${name}": required variable ${variable} is not passed`);
      }
    }
  }

  // module.<ours>.<output> anywhere in the configuration must be an output of the module.
  const ourNames = new Set(ours.map(([name]) => name));
  const reference = /\bmodule\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)/g;
  for (const text of strings(parsed)) {
    for (const [, moduleName, output] of text.matchAll(reference)) {
      if (moduleName && output && ourNames.has(moduleName) && !module.outputs.has(output)) {
        problems.push(`module.${moduleName}.${output} is not an output of the module`);
      }
    }
  }

  if (options.checkOwnDeclarations) {
    const declared = new Set(named(parsed, "variable").map(([name]) => name));
    for (const [name, body] of named(parsed, "variable")) {
      if (typeof body.description !== "string" || body.description.trim() === "") {
        problems.push(`variable "${name}" has no description`);
      }
      if (body.type === undefined) problems.push(`variable "${name}" has no type`);
    }
    for (const [name, body] of named(parsed, "output")) {
      if (typeof body.description !== "string" || body.description.trim() === "") {
        problems.push(`output "${name}" has no description`);
      }
      // A module output, or an attribute of one of the example's own resources.
      if (
        !strings(body.value).some((text) =>
          /\b(module\.[A-Za-z0-9_-]+|(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\./.test(text),
        )
      ) {
        problems.push(`output "${name}" does not refer to a module output or a resource`);
      }
    }
    for (const text of strings(parsed)) {
      for (const [, variable] of text.matchAll(/\bvar\.([A-Za-z0-9_-]+)/g)) {
        if (variable && !declared.has(variable)) {
          problems.push(`var.${variable} is used but not declared`);
        }
      }
    }
  }
  return [...new Set(problems)];
}
