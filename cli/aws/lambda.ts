import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  type LambdaClient,
  paginateListEventSourceMappings,
} from "@aws-sdk/client-lambda";
import { isAwsErrorNamed } from "../errors.js";

/** The outcome of a synchronous invocation. */
export interface InvocationResult {
  /** True when the function returned without a FunctionError. */
  readonly ok: boolean;
  readonly statusCode: number | undefined;
  /** `Handled` or `Unhandled` when the function failed. */
  readonly functionError: string | undefined;
  /** `errorType: errorMessage` of a failed invocation. */
  readonly error: string | undefined;
  /** What the function returned (parsed JSON when it is JSON). */
  readonly payload: unknown;
}

function decode(payload: Uint8Array | undefined): unknown {
  if (!payload || payload.length === 0) return undefined;
  const body = new TextDecoder().decode(payload);
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Describes the error payload of a failed invocation (`{errorType, errorMessage}`). */
export function describeFunctionError(payload: unknown): string {
  if (typeof payload === "object" && payload !== null) {
    const { errorType, errorMessage } = payload as Record<string, unknown>;
    if (typeof errorMessage === "string") {
      return typeof errorType === "string" ? `${errorType}: ${errorMessage}` : errorMessage;
    }
  }
  return payload === undefined ? "no error details" : JSON.stringify(payload);
}

/** Invokes a function synchronously (RequestResponse) with an event. */
export async function invokeSync(
  lambda: LambdaClient,
  functionName: string,
  event: unknown,
): Promise<InvocationResult> {
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: "RequestResponse",
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const payload = decode(response.Payload);
  const functionError = response.FunctionError || undefined;
  return {
    ok: functionError === undefined,
    statusCode: response.StatusCode,
    functionError,
    error: functionError === undefined ? undefined : describeFunctionError(payload),
    payload,
  };
}

/** A function's configuration, or null when the function does not exist. */
export async function findFunction(
  lambda: LambdaClient,
  functionName: string,
): Promise<FunctionConfiguration | null> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isAwsErrorNamed(error, "ResourceNotFoundException")) return null;
    throw error;
  }
}

/** A function's resource-based policy document, or null when it has none. */
export async function findFunctionPolicy(
  lambda: LambdaClient,
  functionName: string,
): Promise<unknown | null> {
  try {
    const { Policy } = await lambda.send(new GetPolicyCommand({ FunctionName: functionName }));
    return Policy ? JSON.parse(Policy) : null;
  } catch (error) {
    if (isAwsErrorNamed(error, "ResourceNotFoundException")) return null;
    throw error;
  }
}

/** An event source mapping of a function, as doctor checks it. */
export interface EventSourceMappingFacts {
  readonly uuid: string | undefined;
  /** `Enabled`, `Disabled`, `Creating`, … */
  readonly state: string | undefined;
  readonly stateReason: string | undefined;
  readonly eventSourceArn: string | undefined;
  readonly functionResponseTypes: readonly string[];
  readonly maximumConcurrency: number | undefined;
}

/** The event source mappings that feed a function (none when it has none). */
export async function eventSourceMappings(
  lambda: LambdaClient,
  functionName: string,
): Promise<EventSourceMappingFacts[]> {
  const found: EventSourceMappingFacts[] = [];
  for await (const page of paginateListEventSourceMappings(
    { client: lambda },
    { FunctionName: functionName },
  )) {
    for (const m of page.EventSourceMappings ?? []) {
      found.push({
        uuid: m.UUID,
        state: m.State,
        stateReason: m.StateTransitionReason,
        eventSourceArn: m.EventSourceArn,
        functionResponseTypes: m.FunctionResponseTypes ?? [],
        maximumConcurrency: m.ScalingConfig?.MaximumConcurrency,
      });
    }
  }
  return found;
}
