/**
 * The multi-account demo (`npm run demo -- --accounts`), on moto_server: an image pushed to
 * the central account's registry (A) rolls out to the service that follows it in a
 * workload account (B), through the ecr-deployer from the shipped zip assuming B's deploy
 * role; the deployment that follows in B is recorded by the deployment-tracker from its
 * shipped zip, reading through B's read role. moto's credentials from `sts:AssumeRole`
 * act in the role's account, so B's cluster exists only for B's roles.
 *
 * `runAccountsDemo()` is what the test calls.
 */
import { randomUUID } from "node:crypto";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { buildDeploymentEvent } from "../cli/event.js";
import { LINKED_ACCOUNTS_ENV_VAR } from "../functions/shared/contract.js";
import {
  type DemoOptions,
  type DemoResult,
  describeDemoServices,
  lambdaContext,
  loadShippedDeployer,
  loadShippedTracker,
  recreateWeb,
  runDemoSteps,
} from "./demo.js";
import { ecrPushEvent } from "./fakes/ecr-deployer.js";
import { credentialsInAccount, pushFakeImage } from "./moto.js";

const REGION = "us-east-1";
const CENTRAL = "123456789012"; // moto's account: the registry's and the functions'
const WORKLOAD = "222222222222";
const REPOSITORY = "demo/web";
const REGISTRY = `${CENTRAL}.dkr.ecr.${REGION}.amazonaws.com`;
const CLUSTER = "demo";
const API_KEY = "demo-api-key-never-logged";
const EXTERNAL_ID = "ecs-deployments-demo";
/** The role the demo sets the workload account up through, as its own administrators would. */
const ADMIN = { region: REGION, roleName: "demo-admin", sessionName: "demo-setup" };

/** What the multi-account demo did: the single-account result plus the accounts. */
export interface AccountsDemoResult extends DemoResult {
  readonly workloadAccount: string;
}

/** Runs the multi-account flow and cleans up after itself, on success and on failure. */
export function runAccountsDemo(options: DemoOptions = {}): Promise<AccountsDemoResult> {
  return runDemoSteps(options, 8, async (demo) => {
    const { log, step, done, workDir, received } = demo;
    step("Starting moto_server on 127.0.0.1 (stands in for AWS, several accounts)");
    await demo.startMotoServer(REGION);
    const receiverUrl = await demo.startLocalReceiver();
    const secret = await new SecretsManagerClient({ region: REGION }).send(
      new CreateSecretCommand({ Name: "demo-deployment-tracker-api-key", SecretString: API_KEY }),
    );
    const linked = JSON.stringify([
      {
        id: WORKLOAD,
        regions: [REGION],
        read_role_arn: `arn:aws:iam::${WORKLOAD}:role/demo-read`,
        deploy_role_arn: `arn:aws:iam::${WORKLOAD}:role/demo-deploy`,
        external_id: EXTERNAL_ID,
      },
    ]);

    step(`Central account ${CENTRAL}: ECR repository ${REPOSITORY}, pushing ${REPOSITORY}:v1`);
    const ecr = new ECRClient({ region: REGION });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await pushFakeImage(ecr, REPOSITORY, "v1");

    step(
      `Workload account ${WORKLOAD}: cluster ${CLUSTER}, service "web" follows tags v+, service "worker" did not opt in`,
    );
    const ecs = new ECSClient({
      region: REGION,
      credentials: await credentialsInAccount(WORKLOAD, ADMIN),
    });
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    for (const [name, tags] of [
      ["web", [{ key: "ecs-deployments:follow", value: "v+" }]],
      ["worker", []],
    ] as const) {
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: name,
          containerDefinitions: [
            { name: "app", image: `${REGISTRY}/${REPOSITORY}:v1`, essential: true, memory: 256 },
          ],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: name,
          taskDefinition: td.taskDefinition?.taskDefinitionArn,
          desiredCount: 1,
          tags: [...tags],
        }),
      );
    }

    step(
      `Pushing ${REPOSITORY}:v2 in ${CENTRAL}; the shipped ecr-deployer (${WORKLOAD} linked) plans and rolls it out`,
    );
    const pushed = await pushFakeImage(ecr, REPOSITORY, "v2");
    const pushedDigest = pushed.image?.imageId?.imageDigest as string;
    const deployer = await loadShippedDeployer(workDir, { [LINKED_ACCOUNTS_ENV_VAR]: linked });
    const deployerResult = (await deployer.push(
      ecrPushEvent({
        account: CENTRAL,
        region: REGION,
        repository: REPOSITORY,
        digest: pushedDigest,
        tag: "v2",
      }),
      lambdaContext("demo-ecr-deployer"),
    )) as { status?: string; accounts?: { account: string; workItems: number }[] };
    for (const a of deployerResult.accounts ?? [])
      log(`      push handler: account ${a.account}: ${a.workItems} work item(s) queued`);
    const delivered = await deployer.rollOutQueued();
    log(
      `      rollout handler (through ${WORKLOAD}'s deploy role): ${delivered.messagesDeleted} item(s) done, ${delivered.itemFailures} handed back`,
    );

    step(`Checking what each service in ${WORKLOAD} runs now`);
    const { services, followerImage, bystanderImage } = await describeDemoServices(ecs);
    log(`      web    -> ${followerImage}`);
    log(`      worker -> ${bystanderImage} (untouched: not opted in)`);

    step(
      "ECS rolls web out in the workload account (moto does not model deployments: the demo recreates web)",
    );
    const { web, primary } = await recreateWeb(ecs, services);

    step(
      `Running ${WORKLOAD}'s deployment-completed event (forwarded to the central bus) through the shipped deployment-tracker`,
    );
    const tracker = await loadShippedTracker(workDir, receiverUrl, secret.ARN as string, {
      [LINKED_ACCOUNTS_ENV_VAR]: linked,
    });
    const trackerResult = await tracker(
      buildDeploymentEvent({
        serviceArn: web?.serviceArn as string,
        deploymentId: primary?.id as string,
        status: "COMPLETED",
        now: new Date(),
        id: randomUUID(),
      }),
      lambdaContext("demo-deployment-tracker"),
    );

    step("The receiver got:");
    for (const request of received)
      log(JSON.stringify(request.body, null, 2).replace(/^/gm, "      "));
    done();
    return {
      pushedDigest,
      deployerResult,
      followerImage,
      bystanderImage,
      trackerResult,
      received,
      workloadAccount: WORKLOAD,
    };
  });
}
