/**
 * `test-event --account`: a service of a linked workload account, described with
 * credentials in that account (a role the operator may assume there, `--role-arn`).
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { parseArn } from "../functions/shared/arn.js";
import { ACCOUNT_ID, IAM_ROLE_ARN } from "../functions/shared/grammar.js";
import { UsageError } from "./errors.js";
import type { ServiceReference } from "./service-ref.js";

const COMMAND = "test-event";

/** The service of `reference` in `account`, as DescribeServices takes it there. */
export interface AccountService {
  readonly reference: ServiceReference;
  /** The ECS client that describes it: through `roleArn` when given. */
  readonly ecs: ECSClient | undefined;
}

/**
 * Resolves `--account` (and `--role-arn`) for a service reference: the service and cluster
 * as ARNs in that account, and an ECS client with the role's credentials.
 *
 * @throws {UsageError} when the account, the role or the region does not fit.
 */
export async function accountService(
  reference: ServiceReference,
  account: string,
  roleArn: string | undefined,
  region: string | undefined,
): Promise<AccountService> {
  if (!ACCOUNT_ID.test(account)) {
    throw new UsageError(`--account must be a 12-digit account id, got "${account}"`, {
      command: COMMAND,
    });
  }
  if (
    roleArn !== undefined &&
    (!IAM_ROLE_ARN.test(roleArn) || parseArn(roleArn).accountId !== account)
  ) {
    throw new UsageError(
      `--role-arn must be the ARN of a role in account ${account}, got "${roleArn}"`,
      {
        command: COMMAND,
      },
    );
  }
  const partition = roleArn ? parseArn(roleArn).partition : "aws";
  let resolved: ServiceReference;
  if (reference.service.startsWith("arn:")) {
    const arn = parseArn(reference.service);
    if (arn.accountId !== account) {
      throw new UsageError(
        `--account ${account} contradicts the account ${arn.accountId} of the service ARN`,
        {
          command: COMMAND,
        },
      );
    }
    resolved = reference;
  } else {
    if (region === undefined) {
      throw new UsageError(
        "--account needs --region (or a service ARN) to name the service in that account",
        {
          command: COMMAND,
        },
      );
    }
    const cluster = reference.cluster ?? "default";
    resolved = {
      cluster: `arn:${partition}:ecs:${region}:${account}:cluster/${cluster}`,
      service: `arn:${partition}:ecs:${region}:${account}:service/${cluster}/${reference.service}`,
      region,
    };
  }
  if (roleArn === undefined) return { reference: resolved, ecs: undefined };
  const where = resolved.region ?? region;
  const sts = new STSClient(where ? { region: where } : {});
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "ecs-deployments-test-event" }),
  );
  const c = out.Credentials;
  return {
    reference: resolved,
    ecs: new ECSClient({
      ...(where && { region: where }),
      credentials: {
        accessKeyId: c?.AccessKeyId ?? "",
        secretAccessKey: c?.SecretAccessKey ?? "",
        sessionToken: c?.SessionToken ?? "",
      },
    }),
  };
}
