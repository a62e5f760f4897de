/**
 * The one place that knows how CDKTF renders Terraform: the module stack with readable,
 * stable addresses, and references that stay valid on counted resources.
 * Keeping cdktf specifics here keeps a move to the community fork (cdktn) small.
 */

import { createHash } from "node:crypto";
import {
  Fn,
  type IResolvable,
  Op,
  ref,
  TerraformDataSource,
  type TerraformElement,
  TerraformOutput,
  type TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktf";
import { type Construct, Node } from "constructs";
import type { LINKED_ACCOUNTS_TYPE } from "./linked-accounts.js";

/** snake_case of a construct id: `DeploymentTracker` and `deployment-tracker` give `deployment_tracker`. */
export function snakeCase(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/**
 * A stack whose resource addresses are the construct path below the stack in snake_case
 * (`tracker/Function` → `aws_lambda_function.tracker_function`), with no hash suffix, so
 * addresses stay the same from release to release and read like hand-written Terraform.
 */
export class ModuleStack extends TerraformStack {
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Node ? element : element.node;
    const below = node.path.slice(this.node.path.length + 1);
    // As in AWS CDK, a child named "Default" adds nothing to the name.
    const id = below
      .split("/")
      .filter((part) => part !== "Default")
      .map(snakeCase)
      .join("_");
    if (id === "") throw new Error(`Cannot name ${node.path}: it is the stack itself`);
    return id;
  }
}

/** The Terraform address of a resource or data source (`aws_iam_role.tracker_role`). */
export function addressOf(element: TerraformResource | TerraformDataSource): string {
  const prefix = element instanceof TerraformDataSource ? "data." : "";
  return `${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}`;
}

/**
 * A reference to an attribute of a resource that has `count`: `one(type.name[*].attr)`,
 * which is the value when the resource exists and null when its count is 0. A plain
 * CDKTF reference (`type.name.attr`) is invalid on counted resources.
 */
export function attr(element: TerraformResource | TerraformDataSource, attribute: string): string {
  return expr(`one(${addressOf(element)}[*].${attribute})`);
}

/** The base64 SHA-256 of some bytes: what Terraform's `filebase64sha256()` gives for a file. */
export function base64Sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/** A raw Terraform expression as a string token, usable inside CDKTF functions too. */
export function expr(expression: string): string {
  return Token.asString(ref(expression));
}

/** A raw Terraform expression as a list token. */
export function listExpr(expression: string): string[] {
  return Token.asList(ref(expression));
}

/**
 * A regular expression as the text of a Terraform string literal for `regex()`: its
 * source with every backslash escaped, so one grammar serves TypeScript and Terraform.
 * A `/` needs no escape in Terraform, so the `\/` that `RegExp.source` writes is a `/`.
 */
export function terraformRegex(pattern: RegExp): string {
  return pattern.source.replaceAll("\\/", "/").replaceAll("\\", "\\\\");
}

/**
 * A module output named `name`. Outputs share the construct namespace with variables,
 * so the construct id is prefixed and the Terraform name set explicitly.
 */
export function output(
  scope: Construct,
  name: string,
  description: string,
  value: unknown,
): TerraformOutput {
  const out = new TerraformOutput(scope, `output_${name}`, { description, value });
  out.overrideLogicalId(name);
  return out;
}

/** A boolean that is either known at synth time or a Terraform expression (a token). */
export type Toggle = boolean | IResolvable;

/** Turns a toggle into a `count` value. */
export function countOf(toggle: Toggle): number {
  if (typeof toggle === "boolean") return toggle ? 1 : 0;
  return Token.asNumber(Fn.conditional(toggle, 1, 0));
}

/** Both toggles. Literal when both are literal. */
export function both(a: Toggle, b: Toggle): Toggle {
  if (typeof a === "boolean" && typeof b === "boolean") return a && b;
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return Op.and(a, b);
}

/** Either toggle. Literal when both are literal. */
export function either(a: Toggle, b: Toggle): Toggle {
  if (typeof a === "boolean" && typeof b === "boolean") return a || b;
  if (a === true || b === true) return true;
  if (a === false) return b;
  if (b === false) return a;
  return Op.or(a, b);
}

/** Whether an optional string input is set: literal when known at synth, else `x != null`. */
export function isSet(value: string | undefined): Toggle {
  if (value === undefined) return false;
  if (!Token.isUnresolved(value)) return true;
  return Op.neq(value, Token.nullValue());
}

/** Whether a list input is empty: literal when known at synth, else `length(x) == 0`. */
export function isEmpty(list: readonly string[]): Toggle {
  if (!Token.isUnresolved(list)) return list.length === 0;
  // Op.eq(x, 0) loses the 0 in CDKTF 0.21; `< 1` says the same.
  return Op.lt(Fn.lengthOf(list), 1);
}

/** The negation of a toggle. */
export function not(toggle: Toggle): Toggle {
  return typeof toggle === "boolean" ? !toggle : Op.not(toggle);
}

/** A toggle derived from a sensitive input, declared not sensitive (for `count`). */
export function nonsensitiveToggle(toggle: Toggle): Toggle {
  return typeof toggle === "boolean" ? toggle : (Fn.nonsensitive(toggle) as IResolvable);
}

/** `toggle ? whenTrue : whenFalse`, decided at synth time when the toggle is literal. */
export function choose(toggle: Toggle, whenTrue: string, whenFalse: string): string {
  if (typeof toggle === "boolean") return toggle ? whenTrue : whenFalse;
  return Token.asString(Fn.conditional(toggle, whenTrue, whenFalse));
}

/** The Terraform types of the module's variables. */
export type VariableType =
  | "string"
  | "number"
  | "bool"
  | "list(string)"
  | "map(string)"
  | typeof LINKED_ACCOUNTS_TYPE;

/** A `validation` block: `condition` gets the variable's reference (`var.name`). */
export interface VariableRule {
  readonly condition: (ref: string) => string;
  readonly errorMessage: string;
}

/** A module variable as data: rendered by {@link declareVariable}. */
export interface VariableSpec {
  /** The Terraform name (snake_case). */
  readonly name: string;
  readonly type: VariableType;
  /** Starts with "The …", "Whether …", "List of …" or "Map of …". */
  readonly description: string;
  /** The default; `null` makes the variable optional with no value (and nullable). */
  readonly default: string | number | boolean | readonly string[] | Record<string, string> | null;
  /** Whether null is accepted besides the default (implied by a `null` default). */
  readonly nullable?: boolean;
  readonly sensitive?: boolean;
  readonly validation?: readonly VariableRule[];
}

/** Declares a variable from its spec; the construct id is the Terraform name. */
export function declareVariable(scope: Construct, spec: VariableSpec): TerraformVariable {
  const ref = `var.${spec.name}`;
  const isNull = spec.default === null;
  const variable = new TerraformVariable(scope, spec.name, {
    description: spec.description,
    type: spec.type,
    default: isNull ? undefined : spec.default,
    nullable: isNull || spec.nullable ? true : undefined,
    sensitive: spec.sensitive,
    validation: spec.validation?.map((rule) => ({
      condition: `\${${rule.condition(ref)}}`,
      errorMessage: rule.errorMessage,
    })),
  });
  // CDKTF cannot render `default = null` from props.
  if (isNull) variable.addOverride("default", null);
  return variable;
}

/** Conditions of validation blocks, built from one grammar each. */
export const Rule = {
  /** The value matches the pattern. */
  matches:
    (pattern: RegExp) =>
    (ref: string): string =>
      `can(regex("${terraformRegex(pattern)}", ${ref}))`,
  /** The value is null or matches the pattern. */
  nullOrMatches:
    (pattern: RegExp) =>
    (ref: string): string =>
      `${ref} == null || ${Rule.matches(pattern)(ref)}`,
  /** Every entry of the list (named `item` in the expression) matches the pattern. */
  eachMatches:
    (item: string, pattern: RegExp) =>
    (ref: string): string =>
      `alltrue([for ${item} in ${ref} : ${Rule.matches(pattern)(item)}])`,
  /** The value is a whole number from min to max; null (or not a number) fails. */
  wholeNumberIn:
    (min: number, max: number) =>
    (ref: string): string =>
      `try(${ref} >= ${min} && ${ref} <= ${max} && floor(${ref}) == ${ref}, false)`,
  /** The value is one of these. */
  oneOf:
    (values: readonly (string | number)[]) =>
    (ref: string): string =>
      `contains([${values.map((value) => JSON.stringify(value)).join(", ")}], ${ref})`,
} as const;

/** A module output as data; its value comes from the construct member it is keyed by. */
export interface OutputSpec {
  /** The Terraform name: `<component>_<resource>_<attribute>`. */
  readonly name: string;
  /** "The ARN of …", without the final stop. */
  readonly description: string;
  /** When the value is null: "create_tracker is false"; absent when it never is. */
  readonly nullWhen?: string;
}

/** Declares an output from its spec. */
export function declareOutput(scope: Construct, spec: OutputSpec, value: unknown): TerraformOutput {
  const when = spec.nullWhen === undefined ? "" : ` (null when ${spec.nullWhen})`;
  return output(scope, spec.name, `${spec.description}${when}.`, value);
}
