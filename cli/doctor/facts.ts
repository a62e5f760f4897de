import { EnvVar } from "../../functions/deployment-tracker/contract.js";
import { findRule } from "../aws/eventbridge.js";
import { findFunction, findFunctionPolicy } from "../aws/lambda.js";
import { secretState } from "../aws/secrets.js";
import { findQueueUrl, queueDepth } from "../aws/sqs.js";
import { PROBE_TIMEOUT_MS } from "../constants.js";
import { describeError, isAwsError } from "../errors.js";
import { dlqName, type FunctionKind, functionName } from "../names.js";
import type { AwsClients, HttpProbe } from "../types.js";
import type { FunctionFacts, Lookup } from "./types.js";

/**
 * Runs one look-up; an error AWS answered with (AccessDenied, …) becomes a fact, while
 * missing credentials or region and network trouble end the whole run with one message.
 */
export async function lookup<T>(run: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!isAwsError(error) || error.$metadata?.httpStatusCode === undefined) throw error;
    return { ok: false, error: describeError(error) };
  }
}

export async function queueFacts(clients: AwsClients, name: string) {
  const url = await findQueueUrl(clients.sqs, name);
  if (url === null) return null;
  const depth = await queueDepth(clients.sqs, url);
  return { name, url, depth: depth.visible + depth.inFlight };
}

async function endpointFacts(url: string | undefined, probe: HttpProbe) {
  if (url === undefined) return { url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.protocol !== "https:") return { url };
  return { url, probe: await probe(parsed, PROBE_TIMEOUT_MS) };
}

/**
 * Looks up everything doctor checks about one function. Errors of single look-ups
 * (AccessDenied, …) are kept as facts, so one denied call does not hide the others.
 */
export async function gatherFunctionFacts(
  clients: AwsClients,
  namePrefix: string,
  kind: FunctionKind,
  probe: HttpProbe,
): Promise<FunctionFacts> {
  const name = functionName(namePrefix, kind);
  const fn = await lookup(() => findFunction(clients.lambda, name));
  if (!fn.ok || fn.value === null) return { kind, functionName: name, function: fn };
  const [rule, policy, dlq] = await Promise.all([
    lookup(() => findRule(clients.events, name)),
    lookup(() => findFunctionPolicy(clients.lambda, name)),
    lookup(() => queueFacts(clients, dlqName(name))),
  ]);
  const facts: FunctionFacts = { kind, functionName: name, function: fn, rule, policy, dlq };
  if (kind !== "tracker") return facts;
  const variables = fn.value.Environment?.Variables ?? {};
  const secretArn = variables[EnvVar.API_KEY_SECRET_ARN] || undefined;
  const [state, endpoint] = await Promise.all([
    secretArn ? lookup(() => secretState(clients.secrets, secretArn)) : Promise.resolve(undefined),
    endpointFacts(variables[EnvVar.ENDPOINT_URL] || undefined, probe),
  ]);
  return {
    ...facts,
    secret: { arn: secretArn, ...(state && { state }) },
    endpoint,
  };
}
