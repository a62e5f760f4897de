import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { RuleFacts } from "../aws/eventbridge.js";
import type { SecretState } from "../aws/secrets.js";
import type { FunctionKind } from "../names.js";
import type { ProbeResult } from "../types.js";

/** The result of one look-up: its value, or the error that prevented it (AccessDenied, …). */
export type Lookup<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** What doctor found out about one of the module's functions. */
export interface FunctionFacts {
  readonly kind: FunctionKind;
  readonly functionName: string;
  /** The function's configuration; null when it does not exist. */
  readonly function: Lookup<FunctionConfiguration | null>;
  /** The rest is looked up only when the function exists. */
  readonly rule?: Lookup<RuleFacts | null>;
  /** The function's resource policy document; null when it has none. */
  readonly policy?: Lookup<unknown | null>;
  /** The DLQ and its depth; null when the queue does not exist. */
  readonly dlq?: Lookup<{
    readonly name: string;
    readonly url: string;
    readonly depth: number;
  } | null>;
  /** Tracker only: the secret named by API_KEY_SECRET_ARN. */
  readonly secret?: { readonly arn: string | undefined; readonly state?: Lookup<SecretState> };
  /** Tracker only: ENDPOINT_URL and the answer to a HEAD request. */
  readonly endpoint?: { readonly url: string | undefined; readonly probe?: ProbeResult };
}

/** One line of doctor's report. */
export interface Check {
  /** pass ✔, fail ✘, info • (not a failure). */
  readonly status: "pass" | "fail" | "info";
  /** What was checked, e.g. `ecs-deployments-deployment-tracker`. */
  readonly subject: string;
  /** What was found, in plain words. */
  readonly message: string;
  /** How to fix it (failures only). */
  readonly fix?: string;
}
