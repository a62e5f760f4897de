import { NAME_SUFFIX as TRACKER_SUFFIX } from "../functions/deployment-tracker/contract.js";
import {
  NAME_SUFFIX as DEPLOYER_SUFFIX,
  FIFO_QUEUE_SUFFIX,
  ROLLOUT_SUFFIX,
} from "../functions/ecr-deployer/contract.js";
import { DLQ_SUFFIX } from "../functions/shared/contract.js";

/** What the module appends to `name_prefix` for each function (rules carry the same names). */
const FUNCTION_SUFFIX = {
  tracker: TRACKER_SUFFIX,
  deployer: DEPLOYER_SUFFIX,
} as const;

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

/** The name of the deployer's rollout function for a `name_prefix`. */
export function rolloutFunctionName(namePrefix: string): string {
  return `${functionName(namePrefix, "deployer")}${ROLLOUT_SUFFIX}`;
}

/** Whether a function name is that of a rollout function (it ends with `-rollout`). */
export function isRolloutFunction(name: string): boolean {
  return name.endsWith(ROLLOUT_SUFFIX);
}

/** The rollout queue of a rollout function: `<function>.fifo`. */
export function rolloutQueueName(rolloutFunction: string): string {
  return `${rolloutFunction}${FIFO_QUEUE_SUFFIX}`;
}

/** The rollout DLQ of a rollout function: `<function>-dlq.fifo`. */
export function rolloutDlqName(rolloutFunction: string): string {
  return `${dlqName(rolloutFunction)}${FIFO_QUEUE_SUFFIX}`;
}

/** Resolves `tracker`, `deployer`, `rollout` or a literal function name to a function name. */
export function resolveFunctionName(value: string, namePrefix: string): string {
  if (value === "tracker" || value === "deployer") return functionName(namePrefix, value);
  if (value === "rollout") return rolloutFunctionName(namePrefix);
  return value;
}
