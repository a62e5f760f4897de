/** Whether a resource-policy value (string or list) contains a value, with `*`/`?` globs. */
function matches(patterns: unknown, value: string): boolean {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  return list.some((pattern) => {
    if (typeof pattern !== "string") return false;
    const regex = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(value);
  });
}

function sourceArnAllowed(condition: unknown, ruleArn: string): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== "object" || condition === null) return false;
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof keys !== "object" || keys === null) return false;
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (key.toLowerCase() !== "aws:sourcearn") continue;
      if (!/^Arn(Like|Equals)$|^String(Like|Equals)$/.test(operator)) return false;
      if (!matches(value, ruleArn)) return false;
    }
  }
  return true;
}

/**
 * Whether a Lambda resource policy lets EventBridge invoke the function for a rule: an
 * Allow statement for `events.amazonaws.com`, action `lambda:InvokeFunction`, and no
 * `AWS:SourceArn` condition or one that matches the rule's ARN.
 */
export function allowsEventBridgeRule(policy: unknown, ruleArn: string): boolean {
  if (typeof policy !== "object" || policy === null) return false;
  const statements = (policy as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.some((raw) => {
    if (typeof raw !== "object" || raw === null) return false;
    const statement = raw as Record<string, unknown>;
    const principal = statement.Principal as Record<string, unknown> | undefined;
    return (
      statement.Effect === "Allow" &&
      typeof principal === "object" &&
      principal !== null &&
      matches(principal.Service, "events.amazonaws.com") &&
      matches(statement.Action, "lambda:InvokeFunction") &&
      sourceArnAllowed(statement.Condition, ruleArn)
    );
  });
}
