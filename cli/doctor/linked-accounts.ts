/**
 * doctor's checks of linked workload accounts: the central bus's policy (from the central
 * account), and, with `--account-role`, in each linked account its read and deploy roles
 * (exist, trust the central functions' roles with the ExternalId: the read role the
 * tracker's, the deploy role the push and the rollout functions') and its forwarding rules
 * (exist in each linked region, ENABLED, target the central bus).
 */
import { ECRClient } from "@aws-sdk/client-ecr";
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { type LinkedAccount, parseLinkedAccounts } from "../../functions/shared/accounts.js";
import { parseArn } from "../../functions/shared/arn.js";
import {
  FORWARDING_RULE_SUFFIX,
  LINKED_ACCOUNTS_ENV_VAR,
} from "../../functions/shared/contract.js";
import { findRule } from "../aws/eventbridge.js";
import { describeError, isAwsError, isAwsErrorNamed } from "../errors.js";
import { repositoryPolicyCheck } from "./repository-policy.js";
import type { Check } from "./types.js";

/** What the linked-account checks start from: the central functions as doctor found them. */
export interface CentralFacts {
  readonly region: string | undefined;
  readonly namePrefix: string;
  readonly tracker: FunctionConfiguration | null;
  readonly deployer: FunctionConfiguration | null;
  /** The rollout function's role, which deploy roles must trust too (undefined: not found). */
  readonly rolloutRole?: string | undefined;
  /** Central ECR repositories whose policy must let every linked account pull. */
  readonly repositories?: readonly string[];
  /** A role name the operator may assume in every linked account, to look at it. */
  readonly accountRole: string | undefined;
}

/** Runs one AWS look-up; an AWS answer (AccessDenied, …) becomes a failed check's message. */
async function attempt<T>(run: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (!isAwsError(error) || error.$metadata?.httpStatusCode === undefined) throw error;
    return { error: describeError(error) };
  }
}

/** The linked accounts a function was configured with (empty when none or unreadable). */
function linkedOf(fn: FunctionConfiguration | null): Map<string, LinkedAccount> | string {
  const raw = fn?.Environment?.Variables?.[LINKED_ACCOUNTS_ENV_VAR];
  try {
    return new Map(parseLinkedAccounts(raw, (message) => new Error(message)));
  } catch (error) {
    return (error as Error).message;
  }
}

/** Whether a resource policy lets `account` put events (a principal naming it). */
function allowsAccount(policy: unknown, account: string): boolean {
  const statements = (policy as { Statement?: unknown })?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.some((s: Record<string, unknown>) => {
    const actions = [s.Action].flat();
    if (s.Effect !== "Allow" || !actions.some((a) => a === "events:PutEvents")) return false;
    const principal = (s.Principal as { AWS?: unknown } | undefined)?.AWS;
    return [principal]
      .flat()
      .some(
        (p) =>
          p === account ||
          p === `arn:aws:iam::${account}:root` ||
          (typeof p === "string" && p.endsWith(`::${account}:root`)),
      );
  });
}

/** The trust policy's statements that allow `sts:AssumeRole` to `roleArn` (by `aws:PrincipalArn`). */
function trusts(document: unknown, roleArn: string, externalId: string | undefined): string | null {
  const statements = [(document as { Statement?: unknown })?.Statement].flat() as Record<
    string,
    unknown
  >[];
  const allowing = statements.filter(
    (s) => s?.Effect === "Allow" && [s.Action].flat().includes("sts:AssumeRole"),
  );
  const named = allowing.filter((s) => {
    const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
    const arns = [
      condition?.ArnEquals?.["aws:PrincipalArn"],
      condition?.ArnLike?.["aws:PrincipalArn"],
    ].flat();
    const principals = [(s.Principal as { AWS?: unknown } | undefined)?.AWS].flat();
    return arns.includes(roleArn) || principals.includes(roleArn);
  });
  if (named.length === 0) return `does not trust ${roleArn}`;
  if (externalId === undefined) return null;
  const withId = named.some((s) => {
    const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
    return [condition?.StringEquals?.["sts:ExternalId"]].flat().includes(externalId);
  });
  return withId ? null : "does not require the ExternalId the central module is configured with";
}

async function assumeInto(account: LinkedAccount, roleName: string, region: string | undefined) {
  const roleArn = `arn:${account.partition}:iam::${account.accountId}:role/${roleName}`;
  const sts = new STSClient(region ? { region } : {});
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "ecs-deployments-doctor" }),
  );
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? "",
    secretAccessKey: c?.SecretAccessKey ?? "",
    sessionToken: c?.SessionToken ?? "",
  } satisfies AwsCredentialIdentity;
}

async function roleChecks(
  iam: IAMClient,
  roleArn: string,
  centralRoleArns: readonly string[],
  externalId: string | undefined,
  what: string,
): Promise<Check> {
  const subject = `role ${roleArn}`;
  const name = parseArn(roleArn).resource.replace(/^role\/(.*\/)?/, "");
  const found = await attempt(async () => {
    try {
      return await iam.send(new GetRoleCommand({ RoleName: name }));
    } catch (error) {
      if (isAwsErrorNamed(error, "NoSuchEntity", "NoSuchEntityException")) return null;
      throw error;
    }
  });
  if ("error" in found)
    return {
      status: "fail",
      subject,
      message: `cannot be read: ${found.error}`,
      fix: "grant iam:GetRole to --account-role",
    };
  if (found.value === null) {
    return {
      status: "fail",
      subject,
      message: `does not exist: the ${what} cannot work in this account`,
      fix: "apply the workload-account module in the account (same name_prefix), or set its role name in linked_accounts",
    };
  }
  if (centralRoleArns.length === 0) return { status: "pass", subject, message: "exists" };
  const document = JSON.parse(
    decodeURIComponent(found.value.Role?.AssumeRolePolicyDocument ?? "{}"),
  );
  const problem = centralRoleArns
    .map((arn) => trusts(document, arn, externalId))
    .find((p) => p !== null);
  return problem === undefined
    ? { status: "pass", subject, message: `exists and trusts ${centralRoleArns.join(" and ")}` }
    : {
        status: "fail",
        subject,
        message: problem,
        fix: "set tracker_role_arn / deployer_role_arns and external_id of the account's workload-account module to the central module's, then apply it",
      };
}

/** Checks the bus policy and, with `accountRole`, each linked account's roles and rules. */
export async function linkedAccountChecks(
  central: CentralFacts,
  events: EventBridgeClient,
): Promise<Check[]> {
  const source = central.tracker ?? central.deployer;
  const linked = linkedOf(source);
  if (typeof linked === "string") {
    return [
      {
        status: "fail",
        subject: "linked accounts",
        message: linked,
        fix: "run terraform apply for the module",
      },
    ];
  }
  if (linked.size === 0) return [];
  const checks: Check[] = [];

  // The central bus accepts events only when its policy names the account.
  const busArn = central.tracker?.FunctionArn
    ? (() => {
        const { partition, region, accountId } = parseArn(central.tracker.FunctionArn);
        return `arn:${partition}:events:${region}:${accountId}:event-bus/default`;
      })()
    : undefined;
  if (central.tracker) {
    const bus = await attempt(() => events.send(new DescribeEventBusCommand({ Name: "default" })));
    for (const id of linked.keys()) {
      const subject = `event bus default (account ${id})`;
      if ("error" in bus) {
        checks.push({
          status: "fail",
          subject,
          message: `cannot be read: ${bus.error}`,
          fix: "grant events:DescribeEventBus, or check --region",
        });
      } else if (allowsAccount(bus.value.Policy ? JSON.parse(bus.value.Policy) : undefined, id)) {
        checks.push({ status: "pass", subject, message: "accepts events from the account" });
      } else {
        checks.push({
          status: "fail",
          subject,
          message:
            "its policy does not accept events from the account: its deployments are never recorded",
          fix: "run terraform apply for the module (create_event_bus_policy = true), or add the statement of its output event_bus_policy to your bus policy",
        });
      }
    }
  }

  if (central.repositories && central.repositories.length > 0) {
    const ecr = new ECRClient(central.region ? { region: central.region } : {});
    for (const repository of central.repositories) {
      checks.push(await repositoryPolicyCheck(ecr, repository, [...linked.keys()]));
    }
  }

  for (const account of linked.values()) {
    const id = account.accountId;
    if (central.accountRole === undefined) {
      checks.push({
        status: "info",
        subject: `account ${id}`,
        message:
          "roles and forwarding rules not checked: pass --account-role <a role you may assume in each linked account>",
      });
      continue;
    }
    const credentials = await attempt(() =>
      assumeInto(account, central.accountRole as string, central.region),
    );
    if ("error" in credentials) {
      checks.push({
        status: "fail",
        subject: `account ${id}`,
        message: `cannot assume ${central.accountRole} there: ${credentials.error}`,
        fix: "pass --account-role with a role you may assume in every linked account",
      });
      continue;
    }
    const iam = new IAMClient({
      region: central.region ?? account.regions[0],
      credentials: credentials.value,
    });
    if (central.tracker) {
      checks.push(
        await roleChecks(
          iam,
          account.readRoleArn,
          central.tracker.Role ? [central.tracker.Role] : [],
          account.externalId,
          "tracker",
        ),
      );
    }
    if (central.deployer) {
      checks.push(
        await roleChecks(
          iam,
          account.deployRoleArn,
          [central.deployer.Role, central.rolloutRole].filter((r): r is string => r !== undefined),
          account.externalId,
          "deployer",
        ),
      );
    }
    if (!central.tracker) continue;
    const ruleName = `${central.namePrefix}${FORWARDING_RULE_SUFFIX}`;
    for (const region of account.regions) {
      const subject = `rule ${ruleName} (account ${id}, ${region})`;
      const rule = await attempt(() =>
        findRule(new EventBridgeClient({ region, credentials: credentials.value }), ruleName),
      );
      if ("error" in rule) {
        checks.push({
          status: "fail",
          subject,
          message: `cannot be read: ${rule.error}`,
          fix: "grant events:DescribeRule and events:ListTargetsByRule to --account-role",
        });
      } else if (rule.value === null) {
        checks.push({
          status: "fail",
          subject,
          message: "does not exist: the account's deployments there never reach the tracker",
          fix: `add ${region} to the regions of the account's workload-account module and apply it`,
        });
      } else if (rule.value.state !== "ENABLED") {
        checks.push({
          status: "fail",
          subject,
          message: `is ${rule.value.state}`,
          fix: `aws events enable-rule --name ${ruleName} --region ${region} (in account ${id})`,
        });
      } else if (busArn !== undefined && !rule.value.targetArns.includes(busArn)) {
        checks.push({
          status: "fail",
          subject,
          message: `does not target the central bus ${busArn}`,
          fix: "set central_event_bus_arn of the account's workload-account module to the central module's event_bus_arn",
        });
      } else {
        checks.push({
          status: "pass",
          subject,
          message: "exists, is ENABLED and targets the central bus",
        });
      }
    }
  }
  return checks;
}
