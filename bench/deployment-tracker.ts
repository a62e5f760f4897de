/**
 * Figures for the deployment tracker (not a test; always exits 0):
 * - zip size of the bundle (terraform/dist/deployment-tracker.zip when built, else the
 *   raw-deflated bundle as a proxy),
 * - cold module load above a bare `node`,
 * - AWS calls per event for 1 and 10 containers, counted with aws-sdk-client-mock as SDK
 *   commands sent (one command = one call, whatever the SDK's own retries; the Secrets
 *   Manager read is cached across invocations and not counted).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { Logger } from "@aws-lambda-powertools/logger";
import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { Defaults, EnvVar } from "../functions/deployment-tracker/contract.js";
import { createHandler } from "../functions/deployment-tracker/tracker.js";
import { bundleFunction, ROOT } from "../scripts/bundle.js";
import {
  ACCOUNT,
  completedEvent,
  DEPLOYMENT_NUMBER,
  REGION,
  REVISION_ARN,
  TASK_DEFINITION_ARN,
} from "../scripts/fakes/deployment-tracker.js";
import { coldLoad, report } from "./support.js";

const NAME = "deployment-tracker";
const TASK_DEFINITION = TASK_DEFINITION_ARN;
const REVISION = REVISION_ARN;
const digest = (i: number) => `sha256:${i.toString(16).padStart(64, "0")}`;

/** Zip size and cold module load of the bundle. */
async function sizeAndColdStart(): Promise<void> {
  const bundle = await bundleFunction(NAME);
  const zipPath = join(ROOT, "terraform", "dist", `${NAME}.zip`);
  const deflatedKB = deflateRawSync(readFileSync(bundle), { level: 9 }).length / 1024;
  report(`${NAME} bundle`, statSync(bundle).size / 1024, "KB");
  report(`${NAME} zip (deflate proxy of this bundle)`, deflatedKB, "KB", { max: 500 });
  // A zip built earlier by the module build may be older than the sources: shown, not trusted.
  if (existsSync(zipPath))
    report(`${NAME} zip (${zipPath.slice(ROOT.length + 1)})`, statSync(zipPath).size / 1024, "KB", {
      max: 500,
    });

  // The bundle reads its configuration at import; give it a valid one (children inherit env).
  process.env[EnvVar.ENDPOINT_URL] = Defaults.ENDPOINT_URL;
  process.env[EnvVar.API_KEY_SECRET_ARN] =
    `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:bench-AbCdEf`;
  process.env.AWS_REGION = REGION;
  try {
    const cold = coldLoad(bundle);
    report(`${NAME} bare node`, cold.bareMs, "ms");
    report(`${NAME} cold load overhead`, cold.overheadMs, "ms", { max: 100 });
  } catch (error) {
    console.log(`${NAME} cold load: failed (${(error as Error).message})`);
  }
}

// AWS calls per event.
const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const handler = createHandler({
  config: {
    endpointUrl: new URL("https://receiver.invalid/workloads"),
    apiKeySecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:bench-AbCdEf`,
    apiKeyHeader: "x-cardinalhq-api-key",
    requestTimeoutMs: 1000,
    deliveryMaxAttempts: 1,
    secretCacheTtlSeconds: 300,
    serviceName: "bench",
  },
  logger: new Logger({ serviceName: "bench", logLevel: "SILENT" }),
  ecsIn: (region) => new ECSClient({ region, credentials, maxAttempts: 1 }),
  ecrIn: (region) => new ECRClient({ region, credentials, maxAttempts: 1 }),
  getApiKey: async () => "bench-key",
  fetch: (async () => new Response(null, { status: 204 })) as unknown as typeof fetch,
});

const event = completedEvent({ id: "bench-event" });

type Scenario = (n: number) => void;

function containers(n: number, image: (i: number) => string) {
  return Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: image(i) }));
}

const ecrUri = (i: number) => `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/app:v${i}`;
const mixed = (i: number) =>
  [ecrUri(i), "nginx:1.27", "ghcr.io/acme/api:2", "public.ecr.aws/a/b:1"][i % 4] as string;

const withRevisions: Scenario = (n) => {
  const list = containers(n, mixed);
  ecsMock
    .on(ListServiceDeploymentsCommand)
    .resolves({ serviceDeployments: [{ targetServiceRevisionArn: REVISION }] });
  ecsMock.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [
      {
        taskDefinition: TASK_DEFINITION,
        containerImages: list.map((c, i) => ({
          containerName: c.name,
          image: c.image,
          imageDigest: digest(i + 1),
        })),
      },
    ],
  });
  ecsMock
    .on(DescribeTaskDefinitionCommand)
    .resolves({ taskDefinition: { containerDefinitions: list } });
};

const fallbackOneRepository: Scenario = (n) => {
  const list = containers(n, ecrUri);
  ecsMock
    .on(ListServiceDeploymentsCommand)
    .rejects(Object.assign(new Error("unavailable"), { $metadata: { httpStatusCode: 500 } }));
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: "web",
        deployments: [
          {
            id: `ecs-svc/${DEPLOYMENT_NUMBER}`,
            status: "PRIMARY",
            taskDefinition: TASK_DEFINITION,
          },
        ],
      },
    ],
  });
  ecsMock
    .on(DescribeTaskDefinitionCommand)
    .resolves({ taskDefinition: { containerDefinitions: list } });
  ecrMock
    .on(BatchGetImageCommand)
    .callsFake(async (input: { imageIds: { imageTag: string }[] }) => ({
      images: input.imageIds.map((id, i) => ({
        imageId: { imageTag: id.imageTag, imageDigest: digest(i + 1) },
      })),
    }));
};

const fallbackDistinctRepositories: Scenario = (n) => {
  fallbackOneRepository(n);
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      containerDefinitions: containers(
        n,
        (i) => `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/repo${i}:v1`,
      ),
    },
  });
};

async function callsFor(arrange: Scenario, n: number): Promise<number> {
  ecsMock.reset();
  ecrMock.reset();
  arrange(n);
  await handler(event);
  return ecsMock.calls().length + ecrMock.calls().length;
}

/** AWS calls per event for 1 and 10 containers. */
async function callsPerEvent(): Promise<void> {
  for (const [label, arrange, target] of [
    ["service revisions (AWS)", withRevisions, 4],
    ["DescribeServices fallback, one ECR repository", fallbackOneRepository, 4],
    [
      "DescribeServices fallback, one ECR repository per container (worst case)",
      fallbackDistinctRepositories,
      undefined,
    ],
  ] as const) {
    for (const n of [1, 10]) {
      const calls = await callsFor(arrange, n);
      report(
        `${NAME} AWS calls/event, ${n} container(s), ${label}`,
        calls,
        "calls",
        target ? { max: target } : undefined,
      );
    }
  }
  ecsMock.restore();
  ecrMock.restore();
}

// Figures, not a test: report a failure and still exit 0.
for (const step of [sizeAndColdStart, callsPerEvent]) {
  try {
    await step();
  } catch (error) {
    console.log(`${NAME} ${step.name}: failed (${(error as Error).message})`);
  }
}
process.exit(0);
