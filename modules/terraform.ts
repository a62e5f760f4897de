/**
 * The one place that knows how CDKTF renders Terraform: the module stack with readable,
 * stable addresses, and references that stay valid on counted resources.
 * Keeping cdktf specifics here keeps a move to the community fork (cdktn) small.
 */

import { createHash } from "node:crypto";
import {
  ref,
  TerraformDataSource,
  type TerraformElement,
  TerraformOutput,
  type TerraformResource,
  TerraformStack,
  Token,
} from "cdktf";
import { type Construct, Node } from "constructs";

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
 */
export function terraformRegex(pattern: RegExp): string {
  return pattern.source.replaceAll("\\", "\\\\");
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
