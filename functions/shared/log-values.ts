/**
 * Capped log values: no log line of either function grows with its input. Every string is
 * cut, every array and object keeps its first items, nesting is bounded, and a line that is
 * still too long is cut harder until it fits {@link LogLimits.MAX_LINE_BYTES}. The
 * functions' loggers format every line through {@link CappedLogFormatter}, so a call site
 * cannot forget it; {@link capLogValue} is for values that go elsewhere (an error message).
 */
import { LogFormatter, LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";

/** How far one value is cut. */
export interface LogCaps {
  /** Characters of a string. */
  readonly chars: number;
  /** Items of an array. */
  readonly items: number;
  /** Keys of an object. */
  readonly keys: number;
  /** Levels of nesting below the value itself. */
  readonly depth: number;
}

/** The caps of a value in a line of ordinary length. */
const DEFAULT_CAPS: LogCaps = { chars: 1024, items: 50, keys: 50, depth: 6 };

export const LogLimits = {
  /**
   * Bytes of a formatted line (its JSON, UTF-8). Lambda prefixes plain-text lines with a
   * timestamp, request id and level (under 100 bytes); 7 KiB keeps every line under 8 KB.
   */
  MAX_LINE_BYTES: 7 * 1024,
  /** The caps of a value, tighter caps tried in turn while a line is still too long. */
  STEPS: [
    DEFAULT_CAPS,
    { chars: 256, items: 20, keys: 25, depth: 4 },
    { chars: 64, items: 5, keys: 10, depth: 3 },
    { chars: 16, items: 2, keys: 5, depth: 2 },
  ] satisfies readonly LogCaps[],
} as const;

/** A string cut to `chars` characters, saying how many were cut; never splits a surrogate pair. */
export function capString(value: string, chars: number = DEFAULT_CAPS.chars): string {
  if (value.length <= chars) return value;
  let cut = value.slice(0, chars);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…(+${value.length - cut.length} chars)`;
}

/**
 * A copy of `value` that JSON can print and that is bounded by `caps`: strings cut, the
 * first items of arrays, maps and sets, the first keys of objects, nesting cut at `depth`
 * (`[Object]`, `[Array(n)]`), cycles as `[Circular]`, errors as `formatError` gives them
 * (name, message, stack), bigints, symbols and functions as strings.
 */
export function capLogValue(
  value: unknown,
  caps: LogCaps = DEFAULT_CAPS,
  formatError: (error: Error) => unknown = plainError,
): unknown {
  const ancestors: object[] = [];
  const cap = (current: unknown, depth: number): unknown => {
    if (typeof current === "string") return capString(current, caps.chars);
    if (current === null || typeof current === "number" || typeof current === "boolean")
      return current;
    if (current === undefined) return undefined;
    if (typeof current !== "object") return capString(String(current), caps.chars);
    if (current instanceof Date)
      return capString(
        Number.isNaN(current.getTime()) ? "Invalid Date" : current.toISOString(),
        caps.chars,
      );
    if (ancestors.includes(current)) return "[Circular]";
    if (depth > caps.depth)
      return Array.isArray(current) ? `[Array(${current.length})]` : "[Object]";
    ancestors.push(current);
    try {
      if (current instanceof Error) return cap(formatError(current), depth);
      if (current instanceof Map)
        return cap(Object.fromEntries(firstOf(current, caps.keys)), depth);
      if (Array.isArray(current) || current instanceof Set) {
        const items = [...firstOf(current as Iterable<unknown>, caps.items)].map((item) =>
          cap(item, depth + 1),
        );
        const size = Array.isArray(current) ? current.length : (current as Set<unknown>).size;
        if (size > items.length) items.push(`…(+${size - items.length} more)`);
        return items;
      }
      const toJSON = (current as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return cap(toJSON.call(current), depth);
      const keys = Object.keys(current);
      const out: Record<string, unknown> = {};
      for (const key of keys.slice(0, caps.keys)) {
        out[capString(key, caps.chars)] = cap((current as Record<string, unknown>)[key], depth + 1);
      }
      if (keys.length > caps.keys) out["…"] = `+${keys.length - caps.keys} more keys`;
      return out;
    } finally {
      ancestors.pop();
    }
  };
  return cap(value, 0);
}

/** The first `count` items of an iterable, without walking the rest. */
function* firstOf<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    if (++taken >= count) return;
  }
}

function plainError(error: Error): Record<string, unknown> {
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause !== undefined && { cause: error.cause }),
  };
}

/** Bytes of a value printed as JSON (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

/**
 * The Powertools log format (the same keys, in the same order), with every value capped
 * and every line at most {@link LogLimits.MAX_LINE_BYTES}: the caps get tighter until the
 * line fits.
 */
export class CappedLogFormatter extends LogFormatter {
  public override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const formatError = (error: Error) => this.formatError(error);
    let line: LogAttributes = {};
    // The last caps bound a line far below the limit (a few keys of 16 characters each).
    for (const caps of LogLimits.STEPS) {
      line = {
        ...this.#standard(attributes, capString(String(attributes.message ?? ""), caps.chars)),
        ...(capLogValue(additionalLogAttributes, caps, formatError) as LogAttributes | undefined),
      };
      if (jsonBytes(line) <= LogLimits.MAX_LINE_BYTES) break;
    }
    return new LogItem({ attributes: line });
  }

  /** The keys the Powertools formatter writes first (`PowertoolsLogFormatter`). */
  #standard(attributes: UnformattedAttributes, message: string): LogAttributes {
    const context = attributes.lambdaContext;
    return {
      level: attributes.logLevel,
      message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      tenant_id: context?.tenantId,
    };
  }
}
