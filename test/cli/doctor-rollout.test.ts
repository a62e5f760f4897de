import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type RolloutFacts, rolloutVerdicts } from "../../cli/doctor/rollout.js";
import { unreadableVerdicts } from "../../cli/doctor/unreadable.js";
import { run } from "../../cli/run.js";
import { motoAvailable } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { ACCOUNT, REGION, testDeps } from "./support.js";

const DEPLOYER = "ecs-deployments-ecr-deployer";
const ROLLOUT = `${DEPLOYER}-rollout`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${ROLLOUT}.fifo`;
const options = { region: REGION, namePrefix: "ecs-deployments" };
const healthy: RolloutFacts = {
  functionName: ROLLOUT,
  function: { ok: true, value: { state: "Active" } },
  mappings: {
    ok: true,
    value: [
      {
        uuid: "u-1",
        state: "Enabled",
        stateReason: undefined,
        eventSourceArn: QUEUE_ARN,
        functionResponseTypes: ["ReportBatchItemFailures"],
        maximumConcurrency: 10,
      },
    ],
  },
  queue: { ok: true, value: { name: `${ROLLOUT}.fifo`, url: "q", depth: 3 } },
  dlq: { ok: true, value: { name: `${ROLLOUT}-dlq.fifo`, url: "d", depth: 0 } },
};

describe("rolloutVerdicts", () => {
  it("passes a healthy rollout and says how many items wait", () => {
    // Act
    const checks = rolloutVerdicts(healthy, options);

    // Assess
    expect(checks.map((c) => [c.status, c.subject, c.message])).toEqual([
      ["pass", `function ${ROLLOUT}`, "exists and is Active"],
      ["pass", `event source of ${ROLLOUT}`, `reads ${ROLLOUT}.fifo and is Enabled`],
      ["pass", `queue ${ROLLOUT}.fifo`, "exists; 3 rollout item(s) wait or are in progress"],
      ["pass", `queue ${ROLLOUT}-dlq.fifo`, "is empty"],
    ]);
  });

  it("fails a disabled mapping with the command that enables it", () => {
    // Prepare
    const [mapping] = healthy.mappings?.ok ? healthy.mappings.value : [];
    const facts = {
      ...healthy,
      mappings: { ok: true as const, value: [{ ...mapping, state: "Disabled" }] },
    } as RolloutFacts;

    // Act
    const checks = rolloutVerdicts(facts, options).filter((c) => c.status === "fail");

    // Assess
    expect(checks).toEqual([
      expect.objectContaining({
        message: `reads ${ROLLOUT}.fifo but is Disabled: rollouts wait in the queue`,
        fix: `aws lambda update-event-source-mapping --uuid u-1 --enabled --region ${REGION} (or run terraform apply for the module)`,
      }),
    ]);
  });

  it("fails a mapping of another queue, or one without partial batch failures", () => {
    // Prepare
    const other = {
      ...healthy,
      mappings: {
        ok: true as const,
        value: [
          {
            uuid: "u-2",
            state: "Enabled",
            stateReason: undefined,
            eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:elsewhere.fifo`,
            functionResponseTypes: [],
            maximumConcurrency: 2,
          },
        ],
      },
    };
    const whole = {
      ...healthy,
      mappings: {
        ok: true as const,
        value: [{ ...other.mappings.value[0], eventSourceArn: QUEUE_ARN }],
      },
    } as RolloutFacts;

    // Act / Assess
    expect(
      rolloutVerdicts(other as RolloutFacts, options).find((c) => c.status === "fail")?.message,
    ).toBe(
      `no event source mapping reads ${ROLLOUT}.fifo: planned rollouts wait there and are never applied`,
    );
    expect(rolloutVerdicts(whole, options).find((c) => c.status === "fail")?.message).toContain(
      "does not report batch item failures",
    );
  });

  it("fails a rollout DLQ with items and says how to redrive them, with the prefix given", () => {
    // Prepare
    const facts = {
      ...healthy,
      dlq: { ok: true as const, value: { name: "x", url: "d", depth: 2 } },
    };

    // Act
    const failed = rolloutVerdicts(facts, { region: undefined, namePrefix: "platform" }).filter(
      (c) => c.status === "fail",
    );

    // Assess
    expect(failed).toEqual([
      {
        status: "fail",
        subject: `queue ${ROLLOUT}-dlq.fifo`,
        message: "holds 2 rollout item(s) that failed every receive",
        fix: "find the cause in the rollout function's logs, then: ecs-deployments redrive --function rollout --name-prefix platform",
      },
    ]);
  });

  it("fails a missing rollout function and missing queues", () => {
    // Prepare
    const facts: RolloutFacts = {
      functionName: ROLLOUT,
      function: { ok: true, value: null },
      queue: { ok: true, value: null },
      dlq: { ok: false, error: "AWS AccessDenied: no" },
    };

    // Act
    const checks = rolloutVerdicts(facts, options);

    // Assess
    expect(checks.map((c) => [c.status, c.message])).toEqual([
      ["fail", "is not installed: pushes are planned but never rolled out"],
      ["fail", "does not exist: the push function has nowhere to put rollouts"],
      ["fail", "cannot be read: AWS AccessDenied: no"],
    ]);
  });
});

describe("unreadableVerdicts", () => {
  it("names each service whose task definition cannot be read, with a fix", () => {
    // Act
    const checks = unreadableVerdicts({
      kind: "checked",
      services: [
        { cluster: "prod", service: "web", taskDefinition: "arn:td/web:1" },
        {
          cluster: "prod",
          service: "api",
          taskDefinition: "arn:td/api:3",
          error: "AWS ClientException: gone",
        },
      ],
    });

    // Assess
    expect(checks).toEqual([
      {
        status: "fail",
        subject: "service prod/api",
        message:
          "its task definition arn:td/api:3 cannot be read (AWS ClientException: gone): every push skips this service",
        fix: "point the service at a task definition that exists (aws ecs update-service --cluster prod --service api --task-definition <family:revision>), or remove its opt-in tag",
      },
    ]);
  });

  it("passes when every one can be read, and reports a caller who may not read them once", () => {
    // Assess
    expect(unreadableVerdicts({ kind: "checked", services: [] })).toEqual([
      {
        status: "pass",
        subject: "task definitions of followed services",
        message: "can be read (0 service(s))",
      },
    ]);
    expect(
      unreadableVerdicts({ kind: "denied", error: "AWS AccessDeniedException: no" })[0],
    ).toMatchObject({
      status: "fail",
      message: "cannot be checked: AWS AccessDeniedException: no",
    });
  });
});

describe.skipIf(!motoAvailable())(
  "doctor's rollout checks against moto_server (Lambda API mocked)",
  () => {
    const moto = motoServerFixture(REGION);
    const lambda = mockClient(LambdaClient);
    const DEPLOYER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${DEPLOYER}`;

    afterAll(() => {
      lambda.restore();
    });

    beforeEach(async () => {
      // Prepare: the deployer and its rollout (Lambda mocked), the queues and two followed
      // services in moto, one of them on a task definition that was deleted.
      await moto.reset();
      lambda.reset();
      // The general answer first: the more specific ones below take precedence.
      lambda.on(GetFunctionConfigurationCommand).rejects(
        Object.assign(new Error("Function not found"), {
          name: "ResourceNotFoundException",
          $metadata: { httpStatusCode: 404 },
        }),
      );
      lambda.on(GetFunctionConfigurationCommand, { FunctionName: DEPLOYER }).resolves({
        FunctionName: DEPLOYER,
        FunctionArn: DEPLOYER_ARN,
        State: "Active",
        Environment: {
          Variables: { ALLOWED_CLUSTERS: "prod", OPT_IN_TAG_KEY: "ecs-deployments:follow" },
        },
      });
      lambda
        .on(GetFunctionConfigurationCommand, { FunctionName: ROLLOUT })
        .resolves({ FunctionName: ROLLOUT, State: "Active" });
      lambda.on(GetPolicyCommand).resolves({});
      lambda.on(ListEventSourceMappingsCommand, { FunctionName: ROLLOUT }).resolves({
        EventSourceMappings: [
          {
            UUID: "u-1",
            State: "Enabled",
            EventSourceArn: QUEUE_ARN,
            FunctionResponseTypes: ["ReportBatchItemFailures"],
          },
        ],
      });
      const sqs = new SQSClient({ region: REGION });
      const fifo = { FifoQueue: "true" };
      await sqs.send(new CreateQueueCommand({ QueueName: `${ROLLOUT}.fifo`, Attributes: fifo }));
      const { QueueUrl: dlq } = await sqs.send(
        new CreateQueueCommand({ QueueName: `${ROLLOUT}-dlq.fifo`, Attributes: fifo }),
      );
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq,
          MessageBody: "{}",
          MessageGroupId: `${ACCOUNT}/${REGION}`,
          MessageDeduplicationId: "d1",
        }),
      );
      const ecs = new ECSClient({ region: REGION });
      await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
      for (const name of ["web", "broken", "ignored"]) {
        const { taskDefinition } = await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: name,
            containerDefinitions: [{ name: "app", image: "nginx:1.27", memory: 128 }],
          }),
        );
        await ecs.send(
          new CreateServiceCommand({
            cluster: "prod",
            serviceName: name,
            taskDefinition: taskDefinition?.taskDefinitionArn,
            desiredCount: 1,
            tags: name === "ignored" ? [] : [{ key: "ecs-deployments:follow", value: "v+" }],
          }),
        );
      }
      await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "broken:1" }));
      await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ["broken:1"] }));
    });

    it("lists the followed service whose task definition cannot be read and the waiting DLQ item, and returns 1", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(["doctor", "--json"], deps);

      // Assess
      expect(code).toBe(1);
      const { checks } = JSON.parse(deps.out()) as { checks: Array<Record<string, string>> };
      expect(checks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ status: "pass", subject: `function ${ROLLOUT}` }),
          expect.objectContaining({ status: "pass", subject: `event source of ${ROLLOUT}` }),
          expect.objectContaining({ status: "pass", subject: `queue ${ROLLOUT}.fifo` }),
          expect.objectContaining({
            status: "fail",
            subject: `queue ${ROLLOUT}-dlq.fifo`,
            message: "holds 1 rollout item(s) that failed every receive",
          }),
        ]),
      );
      const services = checks.filter((c) => c.subject?.startsWith("service "));
      expect(services).toEqual([
        expect.objectContaining({
          status: "fail",
          subject: "service prod/broken",
          message: expect.stringMatching(
            /task-definition\/broken:1 cannot be read .*every push skips this service/,
          ),
        }),
      ]);
    });
  },
);
