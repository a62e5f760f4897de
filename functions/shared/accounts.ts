/**
 * Linked workload accounts: the list the module passes in {@link LINKED_ACCOUNTS_ENV_VAR},
 * validated once at init, and the credentials of the roles the functions assume there
 * (`sts:AssumeRole`, cached per role and region until shortly before they expire), with
 * SDK clients per account and region built on them. Both functions use it: the tracker
 * the read role, the deployer the deploy role.
 */
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { parseArn } from "./arn.js";
import { classifyAwsError } from "./aws-errors.js";
import { LINKED_ACCOUNTS_ENV_VAR, LinkedAccountKey } from "./contract.js";
import { AssumeRoleError } from "./errors.js";
import { ACCOUNT_ID, EXTERNAL_ID, EXTERNAL_ID_MAX_LENGTH, REGION } from "./grammar.js";

/** A workload account linked to the central installation. */
export interface LinkedAccount {
  /** The 12-digit account id. */
  readonly accountId: string;
  /** The partition of its roles (`aws`, `aws-cn`, …). */
  readonly partition: string;
  /** The regions whose events are forwarded from it and where the functions may act. */
  readonly regions: readonly string[];
  /** The role the deployment tracker assumes (read-only). */
  readonly readRoleArn: string;
  /** The role the deployer's functions assume. */
  readonly deployRoleArn: string;
  /** The ExternalId the roles' trust policies require, if any. */
  readonly externalId?: string;
}

/** The linked accounts by account id; empty when none are linked. */
export type LinkedAccounts = ReadonlyMap<string, LinkedAccount>;

/** Which of a linked account's roles a function assumes. */
export type LinkedRole = "read" | "deploy";

const KEYS: readonly string[] = Object.values(LinkedAccountKey);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return typeof value;
}

/**
 * Parses and validates the linked accounts. `raw` undefined or blank means none.
 *
 * Each entry: `id` a 12-digit account id (each once), `regions` a non-empty list of region
 * names, `read_role_arn` and `deploy_role_arn` IAM role ARNs of a known partition in that
 * account, `external_id` optional; no other keys (a misspelt key would silently drop a
 * setting).
 *
 * @param fail - makes the error thrown (each function's own configuration error).
 * @throws whatever `fail` makes, with a message naming the entry, the key and the value.
 */
export function parseLinkedAccounts(
  raw: string | undefined,
  fail: (message: string) => Error,
): LinkedAccounts {
  const accounts = new Map<string, LinkedAccount>();
  if (raw === undefined || raw.trim() === "") return accounts;
  const problem = (message: string) =>
    fail(`Environment variable ${LINKED_ACCOUNTS_ENV_VAR} ${message}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw problem("is not JSON (expected an array of linked accounts)");
  }
  if (!Array.isArray(parsed)) throw problem(`must be a JSON array, got ${describe(parsed)}`);
  parsed.forEach((entry: unknown, index) => {
    const at = `[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw problem(`${at} must be an object, got ${describe(entry)}`);
    }
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((key) => !KEYS.includes(key));
    if (unknown.length > 0) {
      throw problem(`${at} has unknown keys ${unknown.join(", ")} (known: ${KEYS.join(", ")})`);
    }
    const id = fields[LinkedAccountKey.ID];
    if (typeof id !== "string" || !ACCOUNT_ID.test(id)) {
      throw problem(
        `${at}.${LinkedAccountKey.ID} must be a 12-digit account id, got ${describe(id)}`,
      );
    }
    if (accounts.has(id)) throw problem(`${at} lists account ${id} a second time`);
    const regions = fields[LinkedAccountKey.REGIONS];
    if (!Array.isArray(regions) || regions.length === 0) {
      throw problem(
        `${at}.${LinkedAccountKey.REGIONS} must be a non-empty array of region names, got ${describe(regions)}`,
      );
    }
    for (const region of regions) {
      if (typeof region !== "string" || !REGION.test(region)) {
        throw problem(
          `${at}.${LinkedAccountKey.REGIONS} holds ${describe(region)}, not an AWS region name such as eu-west-1`,
        );
      }
    }
    const role = (key: string): { arn: string; partition: string } => {
      const value = fields[key];
      const wrong = `${at}.${key} must be the ARN of an IAM role in account ${id} (arn:<partition>:iam::${id}:role/<name>), got ${describe(value)}`;
      let arn: ReturnType<typeof parseArn>;
      try {
        arn = parseArn(value);
      } catch (error) {
        throw problem(`${wrong}: ${(error as Error).message}`);
      }
      if (
        arn.service !== "iam" ||
        arn.region !== "" ||
        arn.accountId !== id ||
        !/^role\/.+/.test(arn.resource)
      ) {
        throw problem(wrong);
      }
      return { arn: value as string, partition: arn.partition };
    };
    const read = role(LinkedAccountKey.READ_ROLE_ARN);
    const deploy = role(LinkedAccountKey.DEPLOY_ROLE_ARN);
    if (read.partition !== deploy.partition) {
      throw problem(`${at} has roles in two partitions (${read.partition}, ${deploy.partition})`);
    }
    const externalId = fields[LinkedAccountKey.EXTERNAL_ID];
    if (
      externalId !== undefined &&
      externalId !== null &&
      (typeof externalId !== "string" ||
        !EXTERNAL_ID.test(externalId) ||
        externalId.length > EXTERNAL_ID_MAX_LENGTH)
    ) {
      throw problem(
        `${at}.${LinkedAccountKey.EXTERNAL_ID} must be 2-1224 letters, digits or _+=,.@:/-, got ${describe(externalId)}`,
      );
    }
    accounts.set(id, {
      accountId: id,
      partition: read.partition,
      regions: [...new Set(regions as string[])],
      readRoleArn: read.arn,
      deployRoleArn: deploy.arn,
      ...(typeof externalId === "string" && { externalId }),
    });
  });
  return accounts;
}

/** The ARN of one of a linked account's roles. */
export function roleArnOf(account: LinkedAccount, role: LinkedRole): string {
  return role === "read" ? account.readRoleArn : account.deployRoleArn;
}

/** Options of {@link createRoleCredentials}. */
export interface RoleCredentialsOptions {
  /**
   * The STS client of a region (STS answers from the region the role is used in). May
   * resolve lazily: a function without linked accounts never loads the STS SDK.
   */
  readonly stsIn: (region: string) => STSClient | Promise<STSClient>;
  /** The `RoleSessionName`, seen in the workload account's CloudTrail: the function's name. */
  readonly sessionName: string;
  /**
   * How long before expiry cached credentials are replaced.
   * @default DEFAULT_REFRESH_BEFORE_EXPIRY_MS (5 minutes)
   */
  readonly refreshBeforeExpiryMs?: number;
  /**
   * The session duration asked for (900 s to the role's maximum session duration).
   * @default DEFAULT_SESSION_SECONDS (3600)
   */
  readonly durationSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Credentials are replaced this long before they expire: no call runs on credentials about to lapse. */
export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** The session duration asked for: one hour, the default maximum of an IAM role. */
export const DEFAULT_SESSION_SECONDS = 3600;

/** `sts:AssumeRole` allows 2-64 characters of `\w+=,.@-` in a session name. */
function sessionNameOf(name: string): string {
  const clean = name.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return clean.length >= 2 ? clean : "ecs-deployments";
}

/**
 * The credentials of a linked account's role in a region: a credential provider for SDK
 * clients. Every provider of the same role, ExternalId and region shares one cache:
 * `sts:AssumeRole` is called on first use, then only when the credentials are within
 * `refreshBeforeExpiryMs` of expiring; concurrent callers share one call. A failed call
 * is not cached: the next use tries again.
 */
export type RoleCredentials = (
  account: LinkedAccount,
  role: LinkedRole,
  region: string,
) => AwsCredentialIdentityProvider;

/**
 * Creates the {@link RoleCredentials} of a function.
 *
 * Written on the STS client rather than with `fromTemporaryCredentials`: that provider
 * keeps no cache of its own (each SDK client that uses it assumes the role again), and
 * here one role's credentials serve the ECS and the ECR client of a region alike.
 *
 * @throws {AssumeRoleError} from the provider, when STS refuses or fails.
 */
export function createRoleCredentials(options: RoleCredentialsOptions): RoleCredentials {
  const margin = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
  const duration = options.durationSeconds ?? DEFAULT_SESSION_SECONDS;
  const now = options.now ?? Date.now;
  const sessionName = sessionNameOf(options.sessionName);
  const providers = new Map<string, AwsCredentialIdentityProvider>();

  return (account, role, region) => {
    const roleArn = roleArnOf(account, role);
    const key = `${roleArn}|${account.externalId ?? ""}|${region}`;
    const existing = providers.get(key);
    if (existing) return existing;

    let cached: AwsCredentialIdentity | undefined;
    let pending: Promise<AwsCredentialIdentity> | undefined;
    const fresh = (c: AwsCredentialIdentity | undefined): c is AwsCredentialIdentity =>
      c !== undefined && (c.expiration === undefined || c.expiration.getTime() - margin > now());

    const assume = async (): Promise<AwsCredentialIdentity> => {
      try {
        const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
        const sts = await options.stsIn(region);
        const out = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            DurationSeconds: duration,
            ...(account.externalId !== undefined && { ExternalId: account.externalId }),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
          throw new AssumeRoleError(`sts:AssumeRole of ${roleArn} answered without credentials`, {
            accountId: account.accountId,
            roleArn,
            retryable: true,
          });
        }
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          ...(c.Expiration && { expiration: new Date(c.Expiration) }),
          accountId: account.accountId,
        };
      } catch (error) {
        if (error instanceof AssumeRoleError) throw error;
        const { name, message, retryable } = classifyAwsError(error);
        throw new AssumeRoleError(
          `Cannot assume ${roleArn} (account ${account.accountId}) in ${region}: ${name}: ${message}`,
          { accountId: account.accountId, roleArn, retryable, cause: error },
        );
      }
    };

    const provider: AwsCredentialIdentityProvider = async () => {
      if (fresh(cached)) return cached;
      pending ??= assume()
        .then((c) => {
          cached = c;
          return c;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    };
    providers.set(key, provider);
    return provider;
  };
}

/**
 * Returns a function that gives one client per linked account, role and region, created
 * on first use with that role's credentials and then reused (the account-keyed sibling of
 * `regionalClients`).
 *
 * @example
 * const ecsOf = linkedClients(credentials, "read", (region, credentials) => new ECSClient({ region, credentials }));
 * await ecsOf(account, "eu-west-1").send(...);
 */
export function linkedClients<Client>(
  credentials: RoleCredentials,
  role: LinkedRole,
  create: (region: string, credentials: AwsCredentialIdentityProvider) => Client,
): (account: LinkedAccount, region: string) => Client {
  const cache = new Map<string, Client>();
  return (account, region) => {
    const key = `${account.accountId}|${region}`;
    let client = cache.get(key);
    if (client === undefined) {
      client = create(region, credentials(account, role, region));
      cache.set(key, client);
    }
    return client;
  };
}
