import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { LinkedAccount, LinkedAccounts } from "../shared/accounts.js";
import { isArn, parseArn } from "../shared/arn.js";
import type { EcrClientProvider } from "./digests.js";
import { UnlinkedAccountError } from "./errors.js";
import type { DeploymentStateChange } from "./types.js";

/** The clients of linked accounts, acting through each account's read role. */
export interface LinkedAccountClients {
  /** ECS client of a linked account and region. */
  readonly ecsIn: (account: LinkedAccount, region: string) => ECSClient;
  /** ECR client of a linked account and region (may be created lazily). */
  readonly ecrIn: (account: LinkedAccount, region: string) => ECRClient | Promise<ECRClient>;
}

/** Whose credentials handle an event: the tracker's own, or a linked account's read role. */
export type AccountRoute =
  | { readonly kind: "home" }
  | { readonly kind: "linked"; readonly account: LinkedAccount };

/**
 * Decides whose credentials handle an event. Pure.
 *
 * - The tracker's own account (`home`): its own credentials, as without linked accounts.
 * - A linked account, in one of its linked regions: that account's read role.
 * - Anything else is refused. When the home account is unknown (no Lambda context) and no
 *   account is linked, every event is the tracker's own, as before accounts were linked.
 *
 * @throws {UnlinkedAccountError} for an account that is neither, or a region not linked.
 */
export function routeEvent(
  event: Pick<DeploymentStateChange, "account" | "region">,
  linked: LinkedAccounts,
  home: string | undefined,
): AccountRoute {
  if (event.account === home) return { kind: "home" };
  const account = linked.get(event.account);
  if (account === undefined) {
    if (home === undefined && linked.size === 0) return { kind: "home" };
    throw new UnlinkedAccountError(
      `Event from account ${event.account}, which is not linked (linked: ${[...linked.keys()].join(", ") || "none"}${home ? `; own account ${home}` : ""}): add it to linked_accounts to record its deployments`,
      event.account,
    );
  }
  if (!account.regions.includes(event.region)) {
    throw new UnlinkedAccountError(
      `Event from account ${event.account} in ${event.region}, a region not linked for it (linked: ${account.regions.join(", ")})`,
      event.account,
    );
  }
  return { kind: "linked", account };
}

/** The account id in a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
export function accountOfFunctionArn(arn: string | undefined): string | undefined {
  return isArn(arn) ? parseArn(arn).accountId || undefined : undefined;
}

/**
 * The ECR clients for an event's digests. For a linked account: an image in the tracker's
 * own registry is read with its own credentials (its role may read it; no repository
 * policy is needed for that), every other registry through the account's read role.
 */
export function ecrClientsFor(
  route: AccountRoute,
  home: { readonly ecrIn: EcrClientProvider; readonly account: string | undefined },
  linked: LinkedAccountClients | undefined,
): EcrClientProvider {
  if (route.kind === "home" || linked === undefined) return home.ecrIn;
  return (region, registryId) =>
    registryId !== undefined && registryId === home.account
      ? home.ecrIn(region, registryId)
      : linked.ecrIn(route.account, region);
}
