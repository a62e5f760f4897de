/**
 * Evaluates an EventBridge event pattern against an event, for the subset of the pattern
 * language our rules use: exact values, `exists`, `prefix`, `anything-but`. Any other
 * operator throws, so a rule can never pass a test by using syntax this does not know.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
type Pattern = { [key: string]: unknown };

function matchesValue(rule: unknown, value: unknown, present: boolean): boolean {
  if (rule !== null && typeof rule === "object") {
    const [op, arg, ...rest] = Object.entries(rule as Record<string, unknown>).flat();
    if (rest.length) throw new Error(`Unsupported pattern: ${JSON.stringify(rule)}`);
    switch (op) {
      case "exists":
        return arg === present;
      case "prefix":
        return present && typeof value === "string" && value.startsWith(String(arg));
      case "anything-but":
        return present && !(Array.isArray(arg) ? arg : [arg]).includes(value);
      default:
        throw new Error(`Unsupported pattern operator: ${String(op)}`);
    }
  }
  return present && (Array.isArray(value) ? value.includes(rule) : value === rule);
}

/** Whether `event` matches `pattern`. */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  if (event === null || typeof event !== "object") return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const present = key in record;
    const value = record[key];
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new Error(`Empty match list for ${key}`);
      return rule.some((r) => matchesValue(r, value, present));
    }
    if (rule !== null && typeof rule === "object")
      return present && matchesPattern(rule as Pattern, value);
    throw new Error(
      `Pattern field ${key} must be an array or an object, got ${JSON.stringify(rule)}`,
    );
  });
}
