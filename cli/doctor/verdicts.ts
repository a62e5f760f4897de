import { EnvVar } from "../../functions/deployment-tracker/contract.js";
import { functionNameOfArn, unqualifiedFunctionArn } from "../../functions/shared/arn.js";
import { DEFAULT_NAME_PREFIX } from "../../functions/shared/contract.js";
import { TOOL } from "../constants.js";
import { dlqName } from "../names.js";
import { allowsEventBridgeRule } from "./policy.js";
import type { Check, FunctionFacts } from "./types.js";

/** How verdicts are phrased: the options that go into the suggested fix commands. */
export interface VerdictOptions {
  /** Whether a function that is not deployed is a failure (`--require`). */
  readonly required: boolean;
  readonly region: string | undefined;
  readonly namePrefix: string;
}

const APPLY = "run terraform apply for the module";

function regionFlag(region: string | undefined): string {
  return region ? ` --region ${region}` : "";
}

function sameFunction(targetArn: string, functionArn: string | undefined): boolean {
  if (!functionArn) return false;
  return unqualifiedFunctionArn(targetArn) === unqualifiedFunctionArn(functionArn);
}

/** The one failed check of something that could not be looked up. */
function unreadable(subject: string, error: string, fix: string): Check[] {
  return [{ status: "fail", subject, message: `cannot be read: ${error}`, fix }];
}

/** The one failed check of a tracker whose configuration lacks a variable the module sets. */
function missingVariable(subject: string, variable: string): Check[] {
  return [
    { status: "fail", subject, message: `the function has no ${variable} variable`, fix: APPLY },
  ];
}

function ruleChecks(facts: FunctionFacts, options: VerdictOptions): Check[] {
  const name = facts.functionName;
  const subject = `rule ${name}`;
  const rule = facts.rule;
  if (!rule) return [];
  if (!rule.ok) {
    return unreadable(
      subject,
      rule.error,
      "grant events:DescribeRule and events:ListTargetsByRule, or check --region",
    );
  }
  if (rule.value === null) {
    return [
      {
        status: "fail",
        subject,
        message: "does not exist: no events reach the function",
        fix: `${APPLY}; it creates the EventBridge rule ${name}`,
      },
    ];
  }
  const checks: Check[] = [];
  checks.push(
    rule.value.state === "ENABLED"
      ? { status: "pass", subject, message: "exists and is ENABLED" }
      : {
          status: "fail",
          subject,
          message: `is ${rule.value.state}: no events reach the function`,
          fix: `aws events enable-rule --name ${name}${regionFlag(options.region)}`,
        },
  );
  const functionArn = facts.function.ok ? facts.function.value?.FunctionArn : undefined;
  checks.push(
    rule.value.targetArns.some((arn) => sameFunction(arn, functionArn))
      ? { status: "pass", subject, message: `targets the function ${name}` }
      : {
          status: "fail",
          subject,
          message:
            rule.value.targetArns.length === 0
              ? "has no targets"
              : `does not target the function ${name} (targets: ${rule.value.targetArns.map(functionNameOfArn).join(", ")})`,
          fix: `${APPLY}; it sets the function as the rule's target`,
        },
  );
  const policy = facts.policy;
  const permission = `function ${name}`;
  if (policy && !policy.ok) {
    checks.push({
      status: "fail",
      subject: permission,
      message: `resource policy cannot be read: ${policy.error}`,
      fix: "grant lambda:GetPolicy",
    });
  } else if (policy) {
    checks.push(
      allowsEventBridgeRule(policy.value, rule.value.arn)
        ? {
            status: "pass",
            subject: permission,
            message: "allows events.amazonaws.com to invoke it from the rule",
          }
        : {
            status: "fail",
            subject: permission,
            message: "does not allow EventBridge to invoke it from the rule: events are dropped",
            fix: `aws lambda add-permission --function-name ${name} --statement-id AllowEventBridgeRule --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn ${rule.value.arn}${regionFlag(options.region)} (or ${APPLY})`,
          },
    );
  }
  return checks;
}

function dlqChecks(facts: FunctionFacts, options: VerdictOptions): Check[] {
  const dlq = facts.dlq;
  const name = dlqName(facts.functionName);
  if (!dlq) return [];
  if (!dlq.ok) {
    return unreadable(
      `queue ${name}`,
      dlq.error,
      "grant sqs:GetQueueUrl and sqs:GetQueueAttributes",
    );
  }
  if (dlq.value === null) {
    return [
      {
        status: "fail",
        subject: `queue ${name}`,
        message: "does not exist: failed events have nowhere to go",
        fix: `${APPLY}; it creates the DLQ`,
      },
    ];
  }
  if (dlq.value.depth === 0)
    return [{ status: "pass", subject: `queue ${name}`, message: "is empty" }];
  const prefix =
    options.namePrefix === DEFAULT_NAME_PREFIX ? "" : ` --name-prefix ${options.namePrefix}`;
  return [
    {
      status: "fail",
      subject: `queue ${name}`,
      message: `holds ${dlq.value.depth} failed event(s)`,
      fix: `find the cause in the function's logs, then: ${TOOL} redrive --function ${facts.kind}${prefix}${regionFlag(options.region)}`,
    },
  ];
}

function secretChecks(facts: FunctionFacts, options: VerdictOptions): Check[] {
  const secret = facts.secret;
  if (!secret) return [];
  const subject = "API key secret";
  if (!secret.arn) {
    return missingVariable(subject, EnvVar.API_KEY_SECRET_ARN);
  }
  const state = secret.state;
  if (!state) return [];
  if (!state.ok) {
    return [
      {
        status: "fail",
        subject,
        message: `${secret.arn} cannot be read: ${state.error}`,
        fix: "grant secretsmanager:DescribeSecret and secretsmanager:GetSecretValue (and kms:Decrypt for a customer key) to the caller",
      },
    ];
  }
  switch (state.value) {
    case "missing":
      return [
        {
          status: "fail",
          subject,
          message: `${secret.arn} does not exist`,
          fix: `${APPLY}, or set api_key_secret_arn to an existing secret`,
        },
      ];
    case "empty":
      return [
        {
          status: "fail",
          subject,
          message: `${secret.arn} has no value: every delivery fails`,
          fix: `aws secretsmanager put-secret-value --secret-id ${secret.arn} --secret-string '<API key>'${regionFlag(options.region)}`,
        },
      ];
    case "has-value":
      return [{ status: "pass", subject, message: `${secret.arn} exists and has a value` }];
  }
}

function endpointChecks(facts: FunctionFacts): Check[] {
  const endpoint = facts.endpoint;
  if (!endpoint) return [];
  const subject = "endpoint";
  if (!endpoint.url) {
    return missingVariable(subject, EnvVar.ENDPOINT_URL);
  }
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    return [
      {
        status: "fail",
        subject,
        message: `${endpoint.url} is not a URL`,
        fix: "set tracker_endpoint_url to an https:// URL and apply",
      },
    ];
  }
  if (url.protocol !== "https:") {
    return [
      {
        status: "fail",
        subject,
        message: `${url.origin} is not https: the API key would travel in clear`,
        fix: "set tracker_endpoint_url to an https:// URL and apply",
      },
    ];
  }
  const probe = endpoint.probe;
  if (!probe) return [];
  return probe.reachable
    ? [
        {
          status: "pass",
          subject,
          message: `${url.origin} is reachable (HTTP ${probe.status} to HEAD)`,
        },
      ]
    : [
        {
          status: "fail",
          subject,
          message: `${url.origin} is not reachable from here: ${probe.error}`,
          fix: "check the URL, DNS and firewalls; the function needs the same path (NAT or VPC endpoint when it runs in a VPC)",
        },
      ];
}

/** Turns what doctor found about one function into report lines. Pure. */
export function functionVerdicts(facts: FunctionFacts, options: VerdictOptions): Check[] {
  const subject = `function ${facts.functionName}`;
  const fn = facts.function;
  if (!fn.ok) {
    return unreadable(
      subject,
      fn.error,
      "grant lambda:GetFunctionConfiguration, or check your credentials and --region",
    );
  }
  if (fn.value === null) {
    return [
      options.required
        ? {
            status: "fail",
            subject,
            message: "is not installed",
            fix: `set create_${facts.kind} = true and apply, or check --name-prefix and --region`,
          }
        : { status: "info", subject, message: `is not installed (create_${facts.kind} = false?)` },
    ];
  }
  const state = fn.value.State;
  const update = fn.value.LastUpdateStatus;
  const checks: Check[] = [
    state === undefined || state === "Active"
      ? { status: "pass", subject, message: "exists and is Active" }
      : {
          status: "fail",
          subject,
          message: `is ${state}${fn.value.StateReason ? `: ${fn.value.StateReason}` : ""}`,
          fix: APPLY,
        },
  ];
  if (update === "Failed") {
    checks.push({
      status: "fail",
      subject,
      message: `last update failed: ${fn.value.LastUpdateStatusReason ?? "no reason given"}`,
      fix: APPLY,
    });
  }
  return [
    ...checks,
    ...ruleChecks(facts, options),
    ...dlqChecks(facts, options),
    ...secretChecks(facts, options),
    ...endpointChecks(facts),
  ];
}

/** A check for an installation without any function: most likely the wrong prefix or region. */
export function nothingInstalled(namePrefix: string, region: string | undefined): Check {
  return {
    status: "fail",
    subject: `name prefix ${namePrefix}`,
    message: `no function of the module found${region ? ` in ${region}` : ""}`,
    fix: "pass the module's name_prefix with --name-prefix and its region with --region",
  };
}

/** Whether a report is healthy: no failed check. */
export function isHealthy(checks: readonly Check[]): boolean {
  return checks.every((check) => check.status !== "fail");
}
