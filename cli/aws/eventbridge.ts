import {
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  type EventBridgeClient,
  ListTargetsByRuleCommand,
} from "@aws-sdk/client-eventbridge";
import { isAwsErrorNamed } from "../errors.js";

/** A rule on the default bus, with its targets' ARNs. */
export interface RuleFacts {
  readonly arn: string;
  readonly state: string;
  readonly targetArns: readonly string[];
}

/** A rule and its targets, or null when the rule does not exist. */
export async function findRule(
  events: EventBridgeClient,
  ruleName: string,
): Promise<RuleFacts | null> {
  let rule: DescribeRuleCommandOutput;
  try {
    rule = await events.send(new DescribeRuleCommand({ Name: ruleName }));
  } catch (error) {
    if (isAwsErrorNamed(error, "ResourceNotFoundException")) return null;
    throw error;
  }
  const targetArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await events.send(
      new ListTargetsByRuleCommand({ Rule: ruleName, ...(nextToken && { NextToken: nextToken }) }),
    );
    for (const target of page.Targets ?? []) if (target.Arn) targetArns.push(target.Arn);
    nextToken = page.NextToken;
  } while (nextToken);
  return { arn: rule.Arn ?? "", state: rule.State ?? "UNKNOWN", targetArns };
}
