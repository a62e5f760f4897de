import { accountService } from "../account-service.js";
import { oneOf, requiredString } from "../args.js";
import { describeServiceDeployment } from "../aws/ecs.js";
import { invokeSync } from "../aws/lambda.js";
import { ExitCode, TOOL } from "../constants.js";
import { UsageError } from "../errors.js";
import { buildDeploymentEvent, type DeploymentStatus } from "../event.js";
import { functionName } from "../names.js";
import { parseServiceReference } from "../service-ref.js";
import type { Command } from "../types.js";

const NAME = "test-event";
const STATUSES = ["COMPLETED", "FAILED"] as const satisfies readonly DeploymentStatus[];

export const testEventCommand: Command = {
  name: NAME,
  summary:
    "Build an ECS Deployment State Change event for a real service; optionally invoke the tracker with it",
  help: `Usage: ${TOOL} ${NAME} --service <arn|cluster/service|name> [options]

Builds the event ECS sends when a deployment of the service finishes, with the id of the
service's current (PRIMARY) deployment, and prints it. With --invoke, sends it to the
deployment tracker synchronously and reports what the function returned.

Options:
  --service <value>     The service: its ARN (long or old short form), cluster/service,
                        or a name (with --cluster, else the default cluster). Required.
  --cluster <name>      The cluster, when --service is a name or a short ARN.
  --account <id>        The service is in this linked workload account (needs --region
                        unless --service is an ARN). The tracker is still the central one.
  --role-arn <arn>      A role in that account you may assume, to describe the service
                        there (default: your credentials).
  --status <status>     COMPLETED (default) or FAILED.
  --invoke              Invoke the tracker with the event (RequestResponse).
  --function <name>     The function to invoke (default: <name-prefix>-deployment-tracker).
  --region <region>     The region (default: the service ARN's, else the SDK's).
  --name-prefix <p>     The module's name_prefix (default: ecs-deployments).
  --json                Print {"event":…,"invocation":…} as JSON.
  --debug               Show stack traces.
  -h, --help            Show this help.
  -V, --version         Print the version of ${TOOL}.

Exit codes: 0 printed (and the invocation succeeded), 1 AWS error or the function
failed, 2 usage error.

Examples:
  ${TOOL} ${NAME} --service prod/web
  ${TOOL} ${NAME} --service arn:aws:ecs:eu-west-1:123456789012:service/prod/web --invoke
  ${TOOL} ${NAME} --service web --cluster prod --status FAILED --invoke --function my-tracker
  ${TOOL} ${NAME} --account 333333333333 --role-arn arn:aws:iam::333333333333:role/OrganizationAccountAccessRole --service prod/web --region eu-west-1 --invoke`,
  options: {
    service: { type: "string" },
    cluster: { type: "string" },
    status: { type: "string" },
    invoke: { type: "boolean" },
    function: { type: "string" },
    account: { type: "string" },
    "role-arn": { type: "string" },
  },
  async run({ deps, global, values }) {
    const { output } = deps;
    const named = parseServiceReference(
      requiredString(NAME, "service", values.service),
      typeof values.cluster === "string" ? values.cluster : undefined,
    );
    const linked =
      typeof values.account === "string"
        ? await accountService(
            named,
            values.account,
            typeof values["role-arn"] === "string" ? values["role-arn"] : undefined,
            global.region,
          )
        : undefined;
    if (linked === undefined && typeof values["role-arn"] === "string") {
      throw new UsageError("--role-arn needs --account", { command: NAME });
    }
    const reference = linked?.reference ?? named;
    const status = oneOf(NAME, "status", values.status, STATUSES, "COMPLETED");
    const target =
      typeof values.function === "string" && values.function !== ""
        ? values.function
        : functionName(global.namePrefix, "tracker");
    if (global.region && reference.region && global.region !== reference.region) {
      throw new UsageError(
        `--region ${global.region} contradicts the region ${reference.region} of the service ARN`,
        { command: NAME },
      );
    }
    const region = global.region ?? reference.region;
    const clients = deps.clients(region);

    const service = await describeServiceDeployment(linked?.ecs ?? clients.ecs, reference);
    const event = buildDeploymentEvent({
      serviceArn: service.serviceArn,
      deploymentId: service.deploymentId,
      status,
      now: deps.now(),
      id: deps.randomId(),
    });
    if (values.invoke !== true) {
      output.out(JSON.stringify(global.json ? { event } : event, null, 2));
      return ExitCode.OK;
    }

    if (!global.json) {
      output.out(JSON.stringify(event, null, 2));
      output.err(`Invoking ${target} with ${event.detail.eventName} for ${service.serviceArn} …`);
    }
    const invocation = await invokeSync(clients.lambda, target, event);
    if (global.json) {
      output.out(
        JSON.stringify({ event, invocation: { function: target, ...invocation } }, null, 2),
      );
    } else if (invocation.ok) {
      output.out(
        `✔ ${target} returned (HTTP ${invocation.statusCode}): ${JSON.stringify(invocation.payload ?? null)}`,
      );
    } else {
      output.out(
        `✘ ${target} failed (FunctionError ${invocation.functionError}): ${invocation.error}`,
      );
    }
    return invocation.ok ? ExitCode.OK : ExitCode.FAILURE;
  },
};
