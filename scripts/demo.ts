/**
 * The local end-to-end demo: moto_server stands in for AWS and a local HTTP server for
 * the receiver. An image pushed to ECR rolls out to the service that follows it, through
 * the ecr-deployer **from the zip the module ships**, and the deployment that follows is
 * recorded by the deployment-tracker, also from its shipped zip. The push handler puts its
 * work items on the rollout queue (an SQS FIFO queue in moto), and the rollout handler of
 * the same zip applies them through a stand-in for the event source mapping.
 *
 * `npm run demo` runs it; `runDemo()` is what the test calls.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  type Deployment,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import yauzl from "yauzl";
import { buildDeploymentEvent } from "../cli/event.js";
import {
  Defaults as TrackerDefaults,
  EnvVar as TrackerEnv,
} from "../functions/deployment-tracker/contract.js";
import { EnvVar as DeployerEnv, ImagePin } from "../functions/ecr-deployer/contract.js";
import { PowertoolsEnvVar } from "../functions/shared/contract.js";
import { MODULE_DIR } from "../main.js";
import { ecrPushEvent } from "./fakes/ecr-deployer.js";
import {
  createRolloutQueue,
  deliverAll,
  type SqsEventSourceStats,
} from "./fakes/sqs-event-source.js";
import {
  freePort,
  type MotoServer,
  pushFakeImage,
  startMoto,
  ToolMissingError,
  useMotoEnvironment,
} from "./moto.js";

const REGION = "us-east-1";
const ACCOUNT = "123456789012"; // moto's account
const REPOSITORY = "demo/web";
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const CLUSTER = "demo";
const API_KEY = "demo-api-key-never-logged";

/** Clean-ups of demos under way, run on Ctrl-C too. */
export const activeCleanUps = new Set<() => Promise<void>>();

/** A request the local receiver got. */
export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** What the demo did, for the test and for the closing summary. */
export interface DemoResult {
  readonly pushedDigest: string;
  readonly deployerResult: unknown;
  readonly followerImage: string;
  readonly bystanderImage: string;
  readonly trackerResult: unknown;
  readonly received: ReceivedRequest[];
}

/** Reads one file out of a zip. */
export function readFromZip(zipPath: string, entryName: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`cannot open ${zipPath}`));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            zip.close();
            resolve(Buffer.concat(chunks));
          });
        });
      });
      zip.on("end", () => reject(new Error(`${entryName} is not in ${zipPath}`)));
      zip.readEntry();
    });
  });
}

export type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/**
 * Loads a function's handler from the zip the module ships, with the environment the
 * module would give it. Configuration is read at import, so env comes first.
 */
export async function loadShippedHandler(
  name: string,
  env: Record<string, string>,
  workDir: string,
): Promise<Handler & { rollout?: Handler }> {
  const zip = join(MODULE_DIR, "dist", `${name}.zip`);
  const file = join(workDir, `${name}.mjs`);
  writeFileSync(file, await readFromZip(zip, "index.mjs"));
  Object.assign(process.env, env);
  const module = (await import(pathToFileURL(file).href)) as {
    handler?: Handler;
    rolloutHandler?: Handler;
  };
  if (typeof module.handler !== "function") throw new Error(`${zip} exports no handler`);
  return Object.assign(module.handler, { rollout: module.rolloutHandler });
}

/** The shipped ecr-deployer and its rollout queue, from {@link loadShippedDeployer}. */
export interface ShippedDeployer {
  /** The push handler: it puts work items on the rollout queue. */
  readonly push: Handler;
  /**
   * Applies what the push handler queued: the zip's rollout handler, fed through the
   * queue as the event source mapping feeds it.
   */
  readonly rollOutQueued: () => Promise<SqsEventSourceStats>;
}

/**
 * Creates the rollout queue between the deployer's two handlers, as the module creates it,
 * and loads the shipped ecr-deployer with the environment the module gives it for the
 * demo's cluster; `environment` adds to that.
 */
export async function loadShippedDeployer(
  workDir: string,
  environment: Record<string, string> = {},
): Promise<ShippedDeployer> {
  const sqs = new SQSClient({ region: REGION });
  const rolloutQueue = await createRolloutQueue(sqs, { name: "demo-ecr-deployer-rollout" });
  const deployer = await loadShippedHandler(
    "ecr-deployer",
    {
      [PowertoolsEnvVar.SERVICE_NAME]: "demo-ecr-deployer",
      [PowertoolsEnvVar.LOG_LEVEL]: "ERROR",
      [DeployerEnv.ALLOWED_CLUSTERS]: CLUSTER,
      [DeployerEnv.ALLOWED_REGIONS]: REGION,
      [DeployerEnv.IMAGE_PIN]: ImagePin.TAG_AND_DIGEST,
      [DeployerEnv.DRY_RUN]: "false",
      [DeployerEnv.ROLLOUT_QUEUE_URL]: rolloutQueue.url,
      ...environment,
    },
    workDir,
  );
  return {
    push: deployer,
    rollOutQueued: () => {
      const rollout = deployer.rollout;
      if (rollout === undefined) throw new Error("the ecr-deployer zip exports no rolloutHandler");
      return deliverAll({
        sqs,
        queueUrl: rolloutQueue.url,
        queueArn: rolloutQueue.arn,
        handler: (event, context) => rollout(event, context) as Promise<SQSBatchResponse>,
        drainTimeoutMs: 60_000,
      });
    },
  };
}

/**
 * Loads the shipped deployment-tracker with the environment the module gives it, sending
 * to the local receiver with the API key from `apiKeySecretArn`; `environment` adds to that.
 */
export function loadShippedTracker(
  workDir: string,
  receiverUrl: string,
  apiKeySecretArn: string,
  environment: Record<string, string> = {},
): Promise<Handler> {
  return loadShippedHandler(
    "deployment-tracker",
    {
      [PowertoolsEnvVar.SERVICE_NAME]: "demo-deployment-tracker",
      [PowertoolsEnvVar.LOG_LEVEL]: "ERROR",
      [TrackerEnv.ENDPOINT_URL]: receiverUrl,
      [TrackerEnv.ALLOW_INSECURE_LOOPBACK_ENDPOINT]: "true",
      [TrackerEnv.API_KEY_SECRET_ARN]: apiKeySecretArn,
      [TrackerEnv.API_KEY_HEADER]: TrackerDefaults.API_KEY_HEADER,
      ...environment,
    },
    workDir,
  );
}

/** The demo's services after the rollout, from {@link describeDemoServices}. */
export interface DemoServices {
  /** web and worker, as `DescribeServices` answers. */
  readonly services: Service[];
  /** The image of web's container "app": it follows the pushed tags. */
  readonly followerImage: string;
  /** The image of worker's container "app": it did not opt in. */
  readonly bystanderImage: string;
}

/** Reads what web and worker of the demo's cluster run now. */
export async function describeDemoServices(ecs: ECSClient): Promise<DemoServices> {
  const { services = [] } = await ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: ["web", "worker"] }),
  );
  const imageOf = async (name: string) => {
    const service = services.find((s) => s.serviceName === name);
    const td = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition }),
    );
    return td.taskDefinition?.containerDefinitions?.find((c) => c.name === "app")?.image as string;
  };
  return { services, followerImage: await imageOf("web"), bystanderImage: await imageOf("worker") };
}

/**
 * Rolls web out as ECS would after UpdateService, which moto does not model: recreates it
 * on the revision it names now. The new service and its deployment of that revision.
 */
export async function recreateWeb(
  ecs: ECSClient,
  services: Service[],
): Promise<{ web: Service | undefined; primary: Deployment | undefined }> {
  const updated = services.find((s) => s.serviceName === "web");
  await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: "web", force: true }));
  const recreated = await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: "web",
      taskDefinition: updated?.taskDefinition,
      desiredCount: 1,
    }),
  );
  const web = recreated.service;
  const primary = web?.deployments?.find((d) => d.status === "PRIMARY") ?? web?.deployments?.[0];
  return { web, primary };
}

export function lambdaContext(name: string) {
  return {
    functionName: name,
    awsRequestId: randomUUID(),
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    getRemainingTimeInMillis: () => 60_000,
  };
}

export async function startReceiver(
  received: ReceivedRequest[],
): Promise<{ url: string; server: Server }> {
  const port = await freePort();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      received.push({ headers: request.headers, body });
      response.writeHead(202, { "content-type": "application/json" }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/_/chip/workloads`, server };
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where progress goes. @default console.log */
  readonly log?: (line: string) => void;
}

/** What a demo has while it runs, from {@link runDemoSteps}. */
export interface DemoRun {
  /** Logs a line as it is. */
  readonly log: (line: string) => void;
  /** Logs the next step, `[n/steps] what  (+seconds since the start s)`. */
  readonly step: (what: string) => void;
  /** Logs the closing line, `Done in <seconds since the start> s`. */
  readonly done: () => void;
  /** A folder of its own for the handlers loaded from the shipped zips. */
  readonly workDir: string;
  /** What the local receiver got. */
  readonly received: ReceivedRequest[];
  /** Starts moto_server and points the AWS SDK at it, in `region`. */
  readonly startMotoServer: (region: string) => Promise<void>;
  /** Starts the local receiver; its URL. */
  readonly startLocalReceiver: () => Promise<string>;
}

/**
 * Runs a demo of `steps` steps with a step logger, a work folder, moto_server and the local
 * receiver, and cleans up after it, on success and on failure (and on Ctrl-C, through
 * {@link activeCleanUps}): stops the receiver and moto_server, removes the work folder and
 * gives the process its environment back.
 */
export async function runDemoSteps<T>(
  options: DemoOptions,
  steps: number,
  run: (demo: DemoRun) => Promise<T>,
): Promise<T> {
  const log = options.log ?? ((line: string) => console.log(line));
  let n = 0;
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

  const workDir = mkdtempSync(join(tmpdir(), "ecs-deployments-demo-"));
  const savedEnv = { ...process.env };
  const received: ReceivedRequest[] = [];
  let moto: MotoServer | undefined;
  let receiver: Server | undefined;
  const cleanUp = async () => {
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    receiver = undefined;
    await moto?.stop();
    moto = undefined;
    rmSync(workDir, { recursive: true, force: true });
  };
  activeCleanUps.add(cleanUp);
  try {
    return await run({
      log,
      step: (what) => log(`[${++n}/${steps}] ${what}  (+${seconds()} s)`),
      done: () => log(`Done in ${seconds()} s`),
      workDir,
      received,
      startMotoServer: async (region) => {
        moto = await startMoto();
        useMotoEnvironment(moto.endpoint, region);
      },
      startLocalReceiver: async () => {
        const sink = await startReceiver(received);
        receiver = sink.server;
        return sink.url;
      },
    });
  } finally {
    await cleanUp();
    activeCleanUps.delete(cleanUp);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

/** Runs the whole flow and cleans up after itself, on success and on failure. */
export function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  return runDemoSteps(options, 9, async (demo) => {
    const { log, step, done, workDir, received } = demo;
    step("Starting moto_server on 127.0.0.1 (stands in for AWS)");
    await demo.startMotoServer(REGION);
    const ecr = new ECRClient({ region: REGION });
    const ecs = new ECSClient({ region: REGION });
    const secrets = new SecretsManagerClient({ region: REGION });

    step("Starting the local receiver (stands in for the deployments API)");
    const receiverUrl = await demo.startLocalReceiver();
    const secret = await secrets.send(
      new CreateSecretCommand({ Name: "demo-deployment-tracker-api-key", SecretString: API_KEY }),
    );

    step(`Creating ECR repository ${REPOSITORY} and pushing ${REPOSITORY}:v1`);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await pushFakeImage(ecr, REPOSITORY, "v1");

    step(
      `Creating cluster ${CLUSTER}: service "web" follows tags v+ (v and anything after), service "worker" did not opt in`,
    );
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const taskDefinition = async (family: string) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "256",
            memory: "512",
            containerDefinitions: [
              {
                name: "app",
                image: `${REGISTRY}/${REPOSITORY}:v1`,
                essential: true,
                portMappings: [{ containerPort: 8080 }],
              },
              {
                name: "log-router",
                image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                essential: false,
              },
            ],
            tags: [{ key: "team", value: "demo" }],
          }),
        )
      ).taskDefinition?.taskDefinitionArn as string;
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: "web",
        taskDefinition: await taskDefinition("web"),
        desiredCount: 1,
        tags: [{ key: "ecs-deployments:follow", value: "v+" }], // ECS tag values cannot hold *
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: "worker",
        taskDefinition: await taskDefinition("worker"),
        desiredCount: 1,
      }),
    );

    step(
      `Pushing ${REPOSITORY}:v2, and running its ECR push event through the shipped ecr-deployer zip`,
    );
    const pushed = await pushFakeImage(ecr, REPOSITORY, "v2");
    const pushedDigest = pushed.image?.imageId?.imageDigest as string;
    const deployer = await loadShippedDeployer(workDir);
    const pushEvent = ecrPushEvent({
      account: ACCOUNT,
      region: REGION,
      repository: REPOSITORY,
      digest: pushedDigest,
      tag: "v2",
    });
    const deployerResult = (await deployer.push(pushEvent, lambdaContext("demo-ecr-deployer"))) as {
      status?: string;
      queued?: unknown[];
    };
    log(
      `      push handler: ${deployerResult.status}, ${deployerResult.queued?.length ?? 0} work item(s) on the rollout queue`,
    );
    const delivered = await deployer.rollOutQueued();
    log(
      `      rollout handler (through the queue): ${delivered.messagesDeleted} item(s) done, ${delivered.itemFailures} handed back`,
    );

    step("Checking what each service runs now");
    const { services, followerImage, bystanderImage } = await describeDemoServices(ecs);
    log(`      web    -> ${followerImage}`);
    log(`      worker -> ${bystanderImage} (untouched: not opted in)`);

    step(
      "ECS rolls web out (moto does not model deployments: the demo recreates web on its new revision)",
    );
    const { web, primary } = await recreateWeb(ecs, services);
    log(`      deployment ${primary?.id} of ${primary?.taskDefinition} completed`);

    step("Running the deployment-completed event through the shipped deployment-tracker zip");
    const tracker = await loadShippedTracker(workDir, receiverUrl, secret.ARN as string);
    // The same builder `ecs-deployments test-event` uses: one shape of this event.
    const completedEvent = buildDeploymentEvent({
      serviceArn: web?.serviceArn as string,
      deploymentId: primary?.id as string,
      status: "COMPLETED",
      now: new Date(),
      id: randomUUID(),
    });
    const trackerResult = await tracker(completedEvent, lambdaContext("demo-deployment-tracker"));

    step("The receiver got:");
    for (const request of received) {
      log(
        `      x-cardinalhq-api-key: ${request.headers["x-cardinalhq-api-key"] ? "<present, from Secrets Manager>" : "<missing>"}`,
      );
      log(`      idempotency-key: ${String(request.headers["idempotency-key"] ?? "<missing>")}`);
      log(JSON.stringify(request.body, null, 2).replace(/^/gm, "      "));
    }
    done();
    return { pushedDigest, deployerResult, followerImage, bystanderImage, trackerResult, received };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping moto_server and the receiver`);
      void Promise.all([...activeCleanUps].map((c) => c())).finally(() => process.exit(130));
    });
  }
  const accounts = process.argv.includes("--accounts");
  const run = accounts ? import("./demo-accounts.js").then((m) => m.runAccountsDemo()) : runDemo();
  run.then(
    (result) => {
      const ok = result.received.length === 1 && result.followerImage.endsWith(result.pushedDigest);
      console.log(
        ok
          ? accounts
            ? "The image pushed in the central account was rolled out in the workload account and its deployment recorded."
            : "The pushed image was rolled out and its deployment recorded."
          : "The demo did not end as expected.",
      );
      process.exit(ok ? 0 : 1);
    },
    (error: unknown) => {
      // A missing tool is the user's to fix, in one sentence; anything else is a defect.
      if (error instanceof ToolMissingError) console.error(`The demo cannot run: ${error.message}`);
      else
        console.error(
          `Demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      process.exit(1);
    },
  );
}
