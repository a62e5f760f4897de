/**
 * doctor's check of a central ECR repository's policy: each linked account (or the
 * organization) must be allowed to pull from it, or its services cannot start the images.
 */
import { type ECRClient, GetRepositoryPolicyCommand } from "@aws-sdk/client-ecr";
import { describeError, isAwsError, isAwsErrorNamed } from "../errors.js";
import type { Check } from "./types.js";

const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/** Whether one Allow statement grants `action` to `account` (by principal or organization). */
function grants(s: Record<string, unknown>, action: string, account: string): boolean {
  if (s?.Effect !== "Allow") return false;
  const actions = [s.Action].flat();
  if (!actions.some((a) => a === action || a === "ecr:*" || a === "*")) return false;
  const principal = s.Principal as { AWS?: unknown } | string | undefined;
  const principals = [typeof principal === "string" ? principal : principal?.AWS].flat();
  if (principals.some((p) => p === account || p === `arn:aws:iam::${account}:root`)) return true;
  const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
  return principals.includes("*") && condition?.StringEquals?.["aws:PrincipalOrgID"] !== undefined;
}

/** Checks that `repository`'s policy lets every account in `accounts` pull. */
export async function repositoryPolicyCheck(
  ecr: ECRClient,
  repository: string,
  accounts: readonly string[],
): Promise<Check> {
  const subject = `repository ${repository}`;
  const fix =
    "set the repository policy of docs/multi-account.md (Pulling images from the central registry)";
  let text: string | undefined;
  try {
    text = (await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: repository })))
      .policyText;
  } catch (error) {
    if (isAwsErrorNamed(error, "RepositoryPolicyNotFoundException")) {
      return {
        status: "fail",
        subject,
        message: "has no repository policy: linked accounts cannot pull its images",
        fix,
      };
    }
    if (!isAwsError(error) || error.$metadata?.httpStatusCode === undefined) throw error;
    return {
      status: "fail",
      subject,
      message: `cannot be read: ${describeError(error)}`,
      fix: "grant ecr:GetRepositoryPolicy, or check --region and --repository",
    };
  }
  const statements = [(JSON.parse(text ?? "{}") as { Statement?: unknown }).Statement]
    .flat()
    .filter(Boolean) as Record<string, unknown>[];
  const denied = accounts.filter(
    (id) => !PULL.every((action) => statements.some((s) => grants(s, action, id))),
  );
  return denied.length === 0
    ? { status: "pass", subject, message: "its policy lets every linked account pull" }
    : {
        status: "fail",
        subject,
        message: `its policy does not let ${denied.join(", ")} pull (${PULL.join(", ")})`,
        fix,
      };
}
