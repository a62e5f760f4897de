import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import {
  DisableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  type InvokeCommandInput,
  type InvokeCommandOutput,
  LambdaClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  CreateQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../cli/run.js";
import { motoAvailable } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { ACCOUNT, fixture, invocationRecord, REGION, testDeps } from "./support.js";

const TRACKER = "ecs-deployments-deployment-tracker";
const DEPLOYER = "ecs-deployments-ecr-deployer";
const TRACKER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${TRACKER}`;
const encode = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput["Payload"];
const payloadOf = (input: InvokeCommandInput) =>
  JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as Record<string, unknown>;

describe.skipIf(!motoAvailable())("CLI against moto_server", () => {
  const moto = motoServerFixture(REGION);
  const lambda = mockClient(LambdaClient);
  let sqs: SQSClient;

  beforeAll(async () => {
    sqs = new SQSClient({ region: REGION });
  });

  afterAll(async () => {
    lambda.restore();
  });

  beforeEach(async () => {
    lambda.reset();
    await moto.reset();
  });

  /** Every message in a queue, made visible again right away. */
  async function drain(url: string): Promise<Message[]> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
      }),
    );
    return Messages;
  }

  describe("redrive", () => {
    const eventA = { ...fixture("deployment-completed.json").event, id: "event-a" };
    const eventB = { ...fixture("deployment-completed.json").event, id: "event-b" };
    let url: string;

    beforeEach(async () => {
      // Prepare: one on-failure record, one raw event from the rule's DLQ, one garbage message
      ({ QueueUrl: url = "" } = await sqs.send(
        new CreateQueueCommand({ QueueName: `${TRACKER}-dlq` }),
      ));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(invocationRecord(eventA, TRACKER)),
        }),
      );
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(eventB),
          MessageAttributes: {
            ERROR_CODE: { DataType: "String", StringValue: "SDK_CLIENT_ERROR" },
            ERROR_MESSAGE: { DataType: "String", StringValue: "Rate exceeded" },
          },
        }),
      );
      await sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: "this is not an event" }),
      );
      lambda.on(InvokeCommand).callsFake((input: InvokeCommandInput) =>
        payloadOf(input).id === "event-a"
          ? { StatusCode: 200, Payload: encode({ status: "delivered" }) }
          : {
              StatusCode: 200,
              FunctionError: "Unhandled",
              Payload: encode({
                errorType: "DeliveryError",
                errorMessage: "HTTP 503 from receiver",
              }),
            },
      );
    });

    it("deletes the redriven message, keeps the failed and the unrecognised ones, and prints the counts", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(["redrive", "--function", "tracker"], deps);

      // Assess
      expect(code).toBe(1);
      expect(deps.out()).toBe("redriven 1, failed 1, skipped 1, remaining in queue 2");
      expect(deps.err()).toContain("failed — ECS Deployment State Change");
      expect(deps.err()).toContain(
        "FunctionError Unhandled: DeliveryError: HTTP 503 from receiver",
      );
      expect(deps.err()).toContain("skipped — not redriven: body is not JSON");
      const invocations = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
      expect(invocations.map((input) => [input.FunctionName, input.InvocationType])).toEqual([
        [TRACKER, "RequestResponse"],
        [TRACKER, "RequestResponse"],
      ]);
      expect(invocations.map(payloadOf)).toEqual(expect.arrayContaining([eventA, eventB]));
      const left = (await drain(url)).map((message) => message.Body);
      expect(left).toHaveLength(2);
      expect(left).toEqual(
        expect.arrayContaining([JSON.stringify(eventB), "this is not an event"]),
      );
    });

    it("invokes and deletes nothing on a dry run, and leaves every message visible", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(["redrive", "--function", "tracker", "--dry-run"], deps);

      // Assess
      expect(code).toBe(0);
      expect(deps.out()).toBe(
        "dry run: would redrive 2, skipped 1, remaining in queue 3; nothing was changed",
      );
      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      expect(await drain(url)).toHaveLength(3);
    });

    it("reads no more than --max messages", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      await run(["redrive", "--function", "tracker", "--max", "1", "--json"], deps);

      // Assess
      const summary = JSON.parse(deps.out());
      expect(summary.messages).toHaveLength(1);
      expect(summary.redriven + summary.failed + summary.skipped).toBe(1);
    });

    it("returns 1 with a clear message when the DLQ does not exist", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(["redrive", "--function", "deployer"], deps);

      // Assess
      expect(code).toBe(1);
      expect(deps.err()).toContain(`Queue ${DEPLOYER}-dlq does not exist`);
      expect(deps.err()).not.toMatch(/\n\s+at /);
    });
  });

  describe("test-event", () => {
    let serviceArn: string;
    let deploymentId: string;

    beforeEach(async () => {
      // Prepare: a cluster with one service
      const ecs = new ECSClient({ region: REGION });
      await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "web",
          containerDefinitions: [{ name: "app", image: "nginx:1.27", memory: 128 }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: "prod",
          serviceName: "web",
          taskDefinition: "web:1",
          desiredCount: 1,
        }),
      );
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster: "prod", services: ["web"] }),
      );
      serviceArn = services?.[0]?.serviceArn ?? "";
      deploymentId = services?.[0]?.deployments?.find((d) => d.status === "PRIMARY")?.id ?? "";
    });

    it.each([
      ["cluster/service", "prod/web"],
      ["service ARN", "ARN"],
    ])(
      "prints the event with the service's PRIMARY deployment id when --service is a %s",
      async (_form, service) => {
        // Prepare
        const deps = testDeps();

        // Act
        const code = await run(
          ["test-event", "--service", service === "ARN" ? serviceArn : service],
          deps,
        );

        // Assess
        expect(code).toBe(0);
        const event = JSON.parse(deps.out());
        expect(deploymentId).toMatch(/^ecs-svc\/\d+$/);
        expect(event).toMatchObject({
          "detail-type": "ECS Deployment State Change",
          source: "aws.ecs",
          account: ACCOUNT,
          region: REGION,
          resources: [serviceArn],
          detail: { eventType: "INFO", eventName: "SERVICE_DEPLOYMENT_COMPLETED", deploymentId },
        });
        expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      },
    );

    it("invokes the tracker synchronously with the event and returns 0 when it succeeds", async () => {
      // Prepare
      lambda
        .on(InvokeCommand)
        .resolves({ StatusCode: 200, Payload: encode({ status: "delivered" }) });
      const deps = testDeps();

      // Act
      const code = await run(["test-event", "--service", "prod/web", "--invoke", "--json"], deps);

      // Assess
      expect(code).toBe(0);
      const { event, invocation } = JSON.parse(deps.out());
      expect(invocation).toMatchObject({
        function: TRACKER,
        ok: true,
        statusCode: 200,
        payload: { status: "delivered" },
      });
      const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
      expect(input).toMatchObject({ FunctionName: TRACKER, InvocationType: "RequestResponse" });
      expect(payloadOf(input as InvokeCommandInput)).toEqual(event);
    });

    it("returns 1 with the function's error message when the invocation fails", async () => {
      // Prepare
      lambda.on(InvokeCommand).resolves({
        StatusCode: 200,
        FunctionError: "Unhandled",
        Payload: encode({
          errorType: "ConfigurationError",
          errorMessage: "Environment variable ENDPOINT_URL is required",
        }),
      });
      const deps = testDeps();

      // Act
      const code = await run(
        [
          "test-event",
          "--service",
          "prod/web",
          "--status",
          "FAILED",
          "--invoke",
          "--function",
          "my-tracker",
        ],
        deps,
      );

      // Assess
      expect(code).toBe(1);
      expect(deps.out()).toContain(
        "✘ my-tracker failed (FunctionError Unhandled): ConfigurationError: Environment variable ENDPOINT_URL is required",
      );
      expect(
        payloadOf(lambda.commandCalls(InvokeCommand)[0]?.args[0].input as InvokeCommandInput)
          .detail,
      ).toMatchObject({ eventType: "ERROR", eventName: "SERVICE_DEPLOYMENT_FAILED" });
    });

    it("returns 1 with a clear message when the service does not exist", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(["test-event", "--service", "prod/api"], deps);

      // Assess
      expect(code).toBe(1);
      expect(deps.err()).toBe("ecs-deployments: Service api not found in cluster prod (MISSING)");
    });

    it("returns 1 with a clear message when the cluster does not exist", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(["test-event", "--service", "staging/web"], deps);

      // Assess
      expect(code).toBe(1);
      expect(deps.err()).toBe("ecs-deployments: Cluster not found: staging");
    });
  });

  describe("doctor", () => {
    let secretArn: string;

    /** Deploys what the module would: rule, target, DLQ, secret; the Lambda API is mocked. */
    async function install(options: { rule: boolean }) {
      if (options.rule) {
        const events = new EventBridgeClient({ region: REGION });
        await events.send(
          new PutRuleCommand({
            Name: TRACKER,
            EventPattern: JSON.stringify({ source: ["aws.ecs"] }),
          }),
        );
        await events.send(
          new PutTargetsCommand({ Rule: TRACKER, Targets: [{ Id: "function", Arn: TRACKER_ARN }] }),
        );
      }
      await sqs.send(new CreateQueueCommand({ QueueName: `${TRACKER}-dlq` }));
      const secrets = new SecretsManagerClient({ region: REGION });
      ({ ARN: secretArn = "" } = await secrets.send(
        new CreateSecretCommand({ Name: `${TRACKER}-api-key`, SecretString: "sk-test" }),
      ));
      lambda.on(GetFunctionConfigurationCommand, { FunctionName: TRACKER }).resolves({
        FunctionName: TRACKER,
        FunctionArn: TRACKER_ARN,
        State: "Active",
        Environment: {
          Variables: {
            ENDPOINT_URL: "https://receiver.example.com/_/chip/workloads",
            API_KEY_SECRET_ARN: secretArn,
          },
        },
      });
      lambda.on(GetFunctionConfigurationCommand, { FunctionName: DEPLOYER }).rejects(
        new ResourceNotFoundException({
          message: `Function not found: ${DEPLOYER}`,
          $metadata: {},
        }),
      );
      lambda.on(GetPolicyCommand, { FunctionName: TRACKER }).resolves({
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AllowEventBridgeRule",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "lambda:InvokeFunction",
              Resource: TRACKER_ARN,
              Condition: {
                ArnLike: { "AWS:SourceArn": `arn:aws:events:${REGION}:${ACCOUNT}:rule/${TRACKER}` },
              },
            },
          ],
        }),
      });
    }

    it("returns 0 and reports the deployer as not installed when the tracker is healthy", async () => {
      // Prepare
      await install({ rule: true });
      const deps = testDeps();

      // Act
      const code = await run(["doctor"], deps);

      // Assess
      expect(deps.out()).toContain(`✔ rule ${TRACKER} exists and is ENABLED`);
      expect(deps.out()).toContain(`✔ API key secret ${secretArn} exists and has a value`);
      expect(deps.out()).toContain(
        "✔ endpoint https://receiver.example.com is reachable (HTTP 405 to HEAD)",
      );
      expect(deps.out()).toContain(`• function ${DEPLOYER} is not installed`);
      expect(deps.out()).not.toContain("sk-test");
      expect(code).toBe(0);
    });

    it("returns 1 and says how to enable the rule when the rule is disabled", async () => {
      // Prepare
      await install({ rule: true });
      await new EventBridgeClient({ region: REGION }).send(
        new DisableRuleCommand({ Name: TRACKER }),
      );
      const deps = testDeps();

      // Act
      const code = await run(["doctor", "--region", REGION], deps);

      // Assess
      expect(code).toBe(1);
      expect(deps.out()).toContain(
        `✘ rule ${TRACKER} is DISABLED: no events reach the function\n    fix: aws events enable-rule --name ${TRACKER} --region ${REGION}`,
      );
      expect(deps.out()).toContain("1 problem(s) found.");
    });

    it("returns 1 and reports the missing rule when there is none", async () => {
      // Prepare
      await install({ rule: false });
      const deps = testDeps();

      // Act
      const code = await run(["doctor", "--json"], deps);

      // Assess
      expect(code).toBe(1);
      const report = JSON.parse(deps.out());
      expect(report.healthy).toBe(false);
      expect(report.checks.filter((check: { status: string }) => check.status === "fail")).toEqual([
        expect.objectContaining({
          subject: `rule ${TRACKER}`,
          message: "does not exist: no events reach the function",
        }),
      ]);
    });

    it("returns 1 when the deployer is required but not installed", async () => {
      // Prepare
      await install({ rule: true });
      const deps = testDeps();

      // Act
      const code = await run(["doctor", "--require", "both"], deps);

      // Assess
      expect(code).toBe(1);
      expect(deps.out()).toContain(`✘ function ${DEPLOYER} is not installed`);
    });
  });
});
