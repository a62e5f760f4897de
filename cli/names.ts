import { DLQ_SUFFIX, FUNCTION_SUFFIX } from "./constants.js";

/** The module's functions, by the short names the CLI accepts. */
export type FunctionKind = keyof typeof FUNCTION_SUFFIX;

/** The name of a function (and of its rule) for a `name_prefix`. */
export function functionName(namePrefix: string, kind: FunctionKind): string {
  return `${namePrefix}-${FUNCTION_SUFFIX[kind]}`;
}

/** The name of a function's DLQ. */
export function dlqName(functionName: string): string {
  return `${functionName}${DLQ_SUFFIX}`;
}

/** Resolves `tracker`, `deployer` or a literal function name to a function name. */
export function resolveFunctionName(value: string, namePrefix: string): string {
  if (value === "tracker" || value === "deployer") return functionName(namePrefix, value);
  return value;
}

/** The function name inside a Lambda function ARN (qualifier dropped), or the value itself. */
export function functionNameOfArn(value: string): string {
  const parts = value.split(":");
  return parts[0] === "arn" && parts[5] === "function" && parts[6] ? parts[6] : value;
}
