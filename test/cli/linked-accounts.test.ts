/**
 * doctor and test-event with linked workload accounts, on moto_server with several
 * accounts (credentials from sts:AssumeRole act in the role's account). The Lambda API is
 * mocked: moto's would need Docker to hold the functions.
 */
import {
  CreateRepositoryCommand,
  ECRClient,
  SetRepositoryPolicyCommand,
} from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import {
  EventBridgeClient,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../cli/run.js";
import { motoAvailable } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { ACCOUNT, REGION, testDeps } from "./support.js";

const TRACKER = "platform-deployment-tracker";
const DEPLOYER = "platform-ecr-deployer";
const TRACKER_ROLE = `arn:aws:iam::${ACCOUNT}:role/${TRACKER}`;
const CENTRAL_BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`;
const B = "222222222222";
const C = "333333333333";
const EXTERNAL_ID = "ecs-deployments-7f3a";
const linked = (id: string) => ({
  id,
  regions: [REGION],
  read_role_arn: `arn:aws:iam::${id}:role/platform-read`,
  deploy_role_arn: `arn:aws:iam::${id}:role/platform-deploy`,
  external_id: EXTERNAL_ID,
});

describe.skipIf(!motoAvailable())("CLI with linked accounts, against moto_server", () => {
  const moto = motoServerFixture(REGION);
  const lambda = mockClient(LambdaClient);

  afterAll(() => {
    lambda.restore();
  });

  beforeEach(async () => {
    lambda.reset();
    await moto.reset();
  });

  describe("doctor", () => {
    beforeEach(async () => {
      lambda.on(GetFunctionConfigurationCommand, { FunctionName: TRACKER }).resolves({
        FunctionName: TRACKER,
        FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${TRACKER}`,
        Role: TRACKER_ROLE,
        State: "Active",
        Environment: { Variables: { LINKED_ACCOUNTS: JSON.stringify([linked(B), linked(C)]) } },
      });
      lambda
        .on(GetPolicyCommand)
        .rejects(new ResourceNotFoundException({ message: "No policy", $metadata: {} }));
      lambda
        .on(GetFunctionConfigurationCommand, { FunctionName: DEPLOYER })
        .rejects(new ResourceNotFoundException({ message: "Function not found", $metadata: {} }));

      // The central bus accepts B only; B has its read role and forwarding rule, C nothing.
      await new EventBridgeClient({ region: REGION }).send(
        new PutPermissionCommand({
          EventBusName: "default",
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "LinkedAccountsPutEvents",
                Effect: "Allow",
                Principal: { AWS: B },
                Action: "events:PutEvents",
                Resource: CENTRAL_BUS,
              },
            ],
          }),
        }),
      );
      const b = await moto.credentialsIn(B);
      await new IAMClient({ region: REGION, credentials: b }).send(
        new CreateRoleCommand({
          RoleName: "platform-read",
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CentralTrackerAssumesRole",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: "sts:AssumeRole",
                Condition: {
                  ArnEquals: { "aws:PrincipalArn": TRACKER_ROLE },
                  StringEquals: { "sts:ExternalId": EXTERNAL_ID },
                },
              },
            ],
          }),
        }),
      );
      const eventsB = new EventBridgeClient({ region: REGION, credentials: b });
      await eventsB.send(
        new PutRuleCommand({
          Name: "platform-forward-deployments",
          EventPattern: JSON.stringify({ source: ["aws.ecs"] }),
        }),
      );
      await eventsB.send(
        new PutTargetsCommand({
          Rule: "platform-forward-deployments",
          Targets: [{ Id: "central-event-bus", Arn: CENTRAL_BUS }],
        }),
      );
    });

    it("checks the bus policy, and each linked account's roles and rules with --account-role", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(
        ["doctor", "--name-prefix", "platform", "--account-role", "setup", "--json"],
        deps,
      );

      // Assess
      expect(code).toBe(1);
      const { checks } = JSON.parse(deps.out()) as {
        checks: { status: string; subject: string; message: string }[];
      };
      const about = (subject: string) => checks.find((c) => c.subject === subject);
      expect(about(`event bus default (account ${B})`)).toMatchObject({ status: "pass" });
      expect(about(`event bus default (account ${C})`)).toMatchObject({
        status: "fail",
        message: expect.stringContaining("does not accept events"),
      });
      expect(about(`role arn:aws:iam::${B}:role/platform-read`)).toMatchObject({
        status: "pass",
        message: `exists and trusts ${TRACKER_ROLE}`,
      });
      expect(about(`rule platform-forward-deployments (account ${B}, ${REGION})`)).toMatchObject({
        status: "pass",
      });
      expect(about(`role arn:aws:iam::${C}:role/platform-read`)).toMatchObject({
        status: "fail",
        message: expect.stringContaining("does not exist"),
      });
      expect(about(`rule platform-forward-deployments (account ${C}, ${REGION})`)).toMatchObject({
        status: "fail",
        message: expect.stringContaining("does not exist"),
      });
    });

    it("reports a read role that does not require the configured ExternalId", async () => {
      // Prepare
      lambda.on(GetFunctionConfigurationCommand, { FunctionName: TRACKER }).resolves({
        FunctionName: TRACKER,
        FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${TRACKER}`,
        Role: TRACKER_ROLE,
        State: "Active",
        Environment: {
          Variables: {
            LINKED_ACCOUNTS: JSON.stringify([{ ...linked(B), external_id: "another-id" }]),
          },
        },
      });
      const deps = testDeps();

      // Act
      await run(["doctor", "--name-prefix", "platform", "--account-role", "setup"], deps);

      // Assess
      expect(deps.out()).toContain(
        `✘ role arn:aws:iam::${B}:role/platform-read does not require the ExternalId`,
      );
    });

    it("checks that each deploy role trusts both the push and the rollout function's roles", async () => {
      // Prepare
      const pushRole = `arn:aws:iam::${ACCOUNT}:role/${DEPLOYER}`;
      const rolloutRole = `arn:aws:iam::${ACCOUNT}:role/${DEPLOYER}-rollout`;
      lambda.on(GetFunctionConfigurationCommand, { FunctionName: DEPLOYER }).resolves({
        FunctionName: DEPLOYER,
        FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${DEPLOYER}`,
        Role: pushRole,
        State: "Active",
        Environment: { Variables: { LINKED_ACCOUNTS: JSON.stringify([linked(B), linked(C)]) } },
      });
      lambda
        .on(GetFunctionConfigurationCommand, { FunctionName: `${DEPLOYER}-rollout` })
        .resolves({ FunctionName: `${DEPLOYER}-rollout`, Role: rolloutRole, State: "Active" });
      lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
      // B's deploy role trusts the push role only, C's both.
      const deployRole = (trusted: string[]) =>
        new CreateRoleCommand({
          RoleName: "platform-deploy",
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CentralDeployerAssumesRole",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: "sts:AssumeRole",
                Condition: {
                  ArnEquals: { "aws:PrincipalArn": trusted },
                  StringEquals: { "sts:ExternalId": EXTERNAL_ID },
                },
              },
            ],
          }),
        });
      await new IAMClient({ region: REGION, credentials: await moto.credentialsIn(B) }).send(
        deployRole([pushRole]),
      );
      await new IAMClient({ region: REGION, credentials: await moto.credentialsIn(C) }).send(
        deployRole([pushRole, rolloutRole]),
      );
      const deps = testDeps();

      // Act
      await run(["doctor", "--name-prefix", "platform", "--account-role", "setup", "--json"], deps);

      // Assess
      const { checks } = JSON.parse(deps.out()) as {
        checks: { status: string; subject: string; message: string }[];
      };
      const about = (subject: string) => checks.find((c) => c.subject === subject);
      expect(about(`role arn:aws:iam::${B}:role/platform-deploy`)).toMatchObject({
        status: "fail",
        message: `does not trust ${rolloutRole}`,
      });
      expect(about(`role arn:aws:iam::${C}:role/platform-deploy`)).toMatchObject({
        status: "pass",
        message: `exists and trusts ${pushRole} and ${rolloutRole}`,
      });
    });

    it("checks that each named repository's policy lets every linked account pull", async () => {
      // Prepare: web lets B pull (account root) and C only BatchGetImage; api has no policy.
      const ecr = new ECRClient({ region: REGION });
      await ecr.send(new CreateRepositoryCommand({ repositoryName: "web" }));
      await ecr.send(new CreateRepositoryCommand({ repositoryName: "api" }));
      await ecr.send(
        new SetRepositoryPolicyCommand({
          repositoryName: "web",
          policyText: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "PullB",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${B}:root` },
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
              },
              {
                Sid: "PartOfC",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${C}:root` },
                Action: "ecr:BatchGetImage",
              },
            ],
          }),
        }),
      );
      const deps = testDeps();

      // Act
      await run(["doctor", "--name-prefix", "platform", "--repository", "web,api", "--json"], deps);

      // Assess
      const { checks } = JSON.parse(deps.out()) as {
        checks: { status: string; subject: string; message: string; fix?: string }[];
      };
      const about = (subject: string) => checks.find((c) => c.subject === subject);
      expect(about("repository web")).toMatchObject({
        status: "fail",
        message: `its policy does not let ${C} pull (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)`,
      });
      expect(about("repository api")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("has no repository policy"),
        fix: expect.stringContaining("repository policy"),
      });
    });

    it("passes a repository whose policy lets the organization pull", async () => {
      // Prepare
      const ecr = new ECRClient({ region: REGION });
      await ecr.send(new CreateRepositoryCommand({ repositoryName: "web" }));
      await ecr.send(
        new SetRepositoryPolicyCommand({
          repositoryName: "web",
          policyText: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "PullOrganization",
                Effect: "Allow",
                Principal: "*",
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
              },
            ],
          }),
        }),
      );
      const deps = testDeps();

      // Act
      await run(["doctor", "--name-prefix", "platform", "--repository", "web"], deps);

      // Assess
      expect(deps.out()).toContain("✔ repository web its policy lets every linked account pull");
    });

    it("says how to check the accounts themselves without --account-role", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      await run(["doctor", "--name-prefix", "platform"], deps);

      // Assess
      expect(deps.out()).toContain(
        `• account ${B} roles and forwarding rules not checked: pass --account-role`,
      );
      expect(deps.out()).toContain(
        `✔ event bus default (account ${B}) accepts events from the account`,
      );
    });
  });

  describe("test-event --account", () => {
    let serviceArn: string;
    let deploymentId: string;

    beforeEach(async () => {
      const ecs = new ECSClient({ region: REGION, credentials: await moto.credentialsIn(B) });
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
      deploymentId = services?.[0]?.deployments?.[0]?.id ?? "";
    });

    it("builds the event of a service in the workload account, described through --role-arn", async () => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run(
        [
          "test-event",
          "--account",
          B,
          "--role-arn",
          `arn:aws:iam::${B}:role/setup`,
          "--service",
          "prod/web",
          "--region",
          REGION,
        ],
        deps,
      );

      // Assess
      expect(code).toBe(0);
      expect(serviceArn).toBe(`arn:aws:ecs:${REGION}:${B}:service/prod/web`);
      expect(JSON.parse(deps.out())).toMatchObject({
        account: B,
        region: REGION,
        resources: [serviceArn],
        detail: { deploymentId },
      });
    });

    it("returns 1 when the service is not visible with the caller's own credentials", async () => {
      const deps = testDeps();
      const code = await run(
        ["test-event", "--account", B, "--service", "prod/web", "--region", REGION],
        deps,
      );
      expect(code).toBe(1);
    });

    it.each([
      [
        ["--account", "2", "--service", "prod/web", "--region", REGION],
        '--account must be a 12-digit account id, got "2"',
      ],
      [
        [
          "--account",
          B,
          "--role-arn",
          `arn:aws:iam::${C}:role/x`,
          "--service",
          "prod/web",
          "--region",
          REGION,
        ],
        `--role-arn must be the ARN of a role in account ${B}`,
      ],
      [["--account", B, "--service", "prod/web"], "--account needs --region"],
      [
        ["--account", C, "--service", `arn:aws:ecs:${REGION}:${B}:service/prod/web`],
        `--account ${C} contradicts the account ${B} of the service ARN`,
      ],
      [
        ["--role-arn", `arn:aws:iam::${B}:role/x`, "--service", "prod/web"],
        "--role-arn needs --account",
      ],
    ])("returns 2 with a clear message for %j", async (args, message) => {
      const deps = testDeps();
      const code = await run(["test-event", ...args], deps);
      expect(code).toBe(2);
      expect(deps.err()).toContain(message);
    });
  });
});
