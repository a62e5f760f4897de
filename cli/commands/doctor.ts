import { EnvVar } from "../../functions/deployment-tracker/contract.js";
import { oneOf } from "../args.js";
import { ExitCode, TOOL } from "../constants.js";
import { gatherFunctionFacts } from "../doctor/facts.js";
import { linkedAccountChecks } from "../doctor/linked-accounts.js";
import {
  gatherPublishingFacts,
  publishesImages,
  publishingVerdicts,
} from "../doctor/publishing.js";
import { gatherRolloutFacts, rolloutVerdicts } from "../doctor/rollout.js";
import type { Check } from "../doctor/types.js";
import { gatherUnreadableFacts, unreadableVerdicts } from "../doctor/unreadable.js";
import { functionVerdicts, isHealthy, nothingInstalled } from "../doctor/verdicts.js";
import { describeError, isAwsError } from "../errors.js";
import type { FunctionKind } from "../names.js";
import type { Command } from "../types.js";

const NAME = "doctor";
const REQUIRE = ["none", "tracker", "deployer", "both"] as const;
const KINDS = ["tracker", "deployer"] as const satisfies readonly FunctionKind[];
const MARK = { pass: "✔", fail: "✘", info: "•" } as const;

/** Formats one check as a report line, with its fix on the next line. */
export function formatCheck(check: Check): string {
  const line = `${MARK[check.status]} ${check.subject} ${check.message}`;
  return check.fix ? `${line}\n    fix: ${check.fix}` : line;
}

export const doctorCommand: Command = {
  name: NAME,
  summary: "Check a deployed installation and say what is wrong, with a fix for each problem",
  help: `Usage: ${TOOL} ${NAME} [options]

Checks the module's resources in one region: each function exists and is Active; its
EventBridge rule exists, is ENABLED and targets it; its resource policy lets EventBridge
invoke it from the rule; its DLQ exists and is empty. For the tracker also: the secret in
${EnvVar.API_KEY_SECRET_ARN} exists and has a value (the value is never printed), and ${EnvVar.ENDPOINT_URL}
is https and answers a HEAD request within 5 s. For the deployer also: its rollout
function (<deployer>-rollout) exists and is Active; an Enabled event source mapping feeds it
from the rollout queue (<deployer>-rollout.fifo) and reports batch item failures; the
queue exists (how many items wait is shown); the rollout DLQ (<deployer>-rollout-dlq.fifo)
exists and is empty; and every service the deployer follows has a task definition that
can be read (one DescribeTaskDefinition per distinct revision: a service whose revision
cannot be read is skipped by every push and listed here). With publishing on: each
followed service tagged ecs-deployments:publish has its parameters, and they name the
images the service runs. With linked workload accounts: the default event bus accepts
each account's events; with --account-role, in each account the read and deploy roles
exist and trust the central functions (with the ExternalId), and the forwarding rule of
each linked region is ENABLED and targets the central bus; with --repository, each named
central ECR repository's policy lets every linked account pull. A function that is not deployed is
reported as not installed, which is not a failure unless --require names it.

Options:
  --require <which>     none (default), tracker, deployer or both: which functions must exist.
  --account-role <name> A role you may assume in every linked account (for example
                        OrganizationAccountAccessRole), to check its roles and rules.
  --repository <names>  Central ECR repositories (comma-separated) whose policy must let
                        every linked account pull (needs ecr:GetRepositoryPolicy).
  --region <region>     The region (default: the SDK's).
  --name-prefix <p>     The module's name_prefix (default: ecs-deployments).
  --json                Print {"healthy":…,"checks":[…]} as JSON.
  --debug               Show stack traces.
  -h, --help            Show this help.
  -V, --version         Print the version of ${TOOL}.

Exit codes: 0 healthy, 1 something is wrong, 2 usage error.

Examples:
  ${TOOL} ${NAME}
  ${TOOL} ${NAME} --name-prefix platform --region eu-west-1 --require both`,
  options: {
    require: { type: "string" },
    "account-role": { type: "string" },
    repository: { type: "string" },
  },
  async run({ deps, global, values }) {
    const require = oneOf(NAME, "require", values.require, REQUIRE, "none");
    const clients = deps.clients(global.region);
    const facts = await Promise.all(
      KINDS.map((kind) => gatherFunctionFacts(clients, global.namePrefix, kind, deps.probe)),
    );
    const checks = facts.flatMap((fact) =>
      functionVerdicts(fact, {
        required: require === "both" || require === fact.kind,
        region: global.region,
        namePrefix: global.namePrefix,
      }),
    );
    const deployer = facts.find((fact) => fact.kind === "deployer");
    const environment =
      deployer?.function.ok && deployer.function.value
        ? (deployer.function.value.Environment?.Variables ?? {})
        : undefined;
    let rolloutRole: string | undefined;
    if (environment) {
      const options = { region: global.region, namePrefix: global.namePrefix };
      const rollout = await gatherRolloutFacts(clients, global.namePrefix);
      if (rollout.function.ok) rolloutRole = rollout.function.value?.role;
      checks.push(...rolloutVerdicts(rollout, options));
      try {
        checks.push(...unreadableVerdicts(await gatherUnreadableFacts(clients.ecs, environment)));
      } catch (error) {
        if (!isAwsError(error) || error.$metadata?.httpStatusCode === undefined) throw error;
        checks.push({
          status: "fail",
          subject: "task definitions of followed services",
          message: `cannot be checked: ${describeError(error)}`,
          fix: "grant ecs:ListClusters, ecs:ListServices, ecs:DescribeServices and ecs:DescribeTaskDefinition, or check --region",
        });
      }
    }
    if (environment && publishesImages(environment)) {
      try {
        checks.push(...publishingVerdicts(await gatherPublishingFacts(clients, environment)));
      } catch (error) {
        if (!isAwsError(error) || error.$metadata?.httpStatusCode === undefined) throw error;
        checks.push({
          status: "fail",
          subject: "published images",
          message: `cannot be read: ${describeError(error)}`,
          fix: "grant ecs:ListClusters, ecs:ListServices, ecs:DescribeServices, ecs:DescribeTaskDefinition and ssm:GetParameter, or check --region",
        });
      }
    }
    const configuration = (kind: FunctionKind) => {
      const fact = facts.find((f) => f.kind === kind);
      return fact?.function.ok ? fact.function.value : null;
    };
    checks.push(
      ...(await linkedAccountChecks(
        {
          region: global.region,
          namePrefix: global.namePrefix,
          tracker: configuration("tracker"),
          deployer: configuration("deployer"),
          rolloutRole,
          repositories:
            typeof values.repository === "string"
              ? values.repository
                  .split(",")
                  .map((r) => r.trim())
                  .filter((r) => r !== "")
              : [],
          accountRole:
            typeof values["account-role"] === "string" ? values["account-role"] : undefined,
        },
        clients.events,
      )),
    );
    const installed = facts.some((fact) => fact.function.ok && fact.function.value !== null);
    const unreadable = facts.some((fact) => !fact.function.ok);
    if (!installed && !unreadable && require === "none") {
      checks.push(nothingInstalled(global.namePrefix, global.region));
    }
    const healthy = isHealthy(checks);
    if (global.json) {
      deps.output.out(JSON.stringify({ healthy, checks }, null, 2));
    } else {
      for (const check of checks) deps.output.out(formatCheck(check));
      const failures = checks.filter((check) => check.status === "fail").length;
      deps.output.out(healthy ? "\nNo problems found." : `\n${failures} problem(s) found.`);
    }
    return healthy ? ExitCode.OK : ExitCode.FAILURE;
  },
};
