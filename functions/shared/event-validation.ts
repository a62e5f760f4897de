/**
 * Event validation with zod/mini, and the one formatter of its issues: every invalid
 * event is reported as `<field> <what is wrong>, got <what was there>`.
 */
import type * as z from "zod/mini";

/** The first problem of an invalid event: the dotted path of the field and what is wrong with it. */
export interface EventIssue {
  /** `detail.image-digest`, `resources[0]`; `event` for the whole event. */
  readonly field: string;
  /** `is required`, `must be a sha256 digest, got "md5:abc"`, … */
  readonly problem: string;
}

/** `a.b[0].c` of a zod issue path, after `prefix` (`detail.`). */
function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  const joined = path.reduce<string>(
    (out, key) =>
      typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key),
    "",
  );
  const field = prefix.endsWith(".") && joined === "" ? prefix.slice(0, -1) : `${prefix}${joined}`;
  return field || "event";
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith("must be")) return issue.message.slice("must be ".length);
  return "expected" in issue && typeof issue.expected === "string"
    ? `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`
    : "valid";
}

/** Characters of a string value an error message quotes. */
const QUOTED_CHARACTERS = 80;

/** A short description of a value for an error message (long strings cut, with their length). */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return value.length > QUOTED_CHARACTERS
      ? `${JSON.stringify(`${value.slice(0, QUOTED_CHARACTERS)}…`)} (${value.length} characters)`
      : JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates `value` with `schema`; on failure returns the first issue, formatted.
 *
 * @param prefix - the path of `value` inside the event (`detail.`), empty for the event itself.
 */
export function validateEvent<T>(
  schema: z.ZodMiniType<T>,
  value: unknown,
  prefix = "",
): { ok: true; data: T } | { ok: false; issue: EventIssue; cause: unknown } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const actual = valueAt(value, path);
  const problem =
    actual === undefined
      ? "is required"
      : issue?.code === "invalid_type"
        ? `must be ${expectedOf(issue)}, got ${describeValue(actual)}`
        : `${issue?.message ?? "is invalid"}, got ${describeValue(actual)}`;
  return { ok: false, issue: { field: fieldPath(prefix, path), problem }, cause: result.error };
}
