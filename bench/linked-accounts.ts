/**
 * Figures for linked workload accounts (not a test; always exits 0): sts:AssumeRole calls
 * of the deployment tracker for an event of a linked account, on the cold invocation and
 * per warm invocation while the credentials are valid, and after they near expiry;
 * AWS calls per event beside them. Counted with aws-sdk-client-mock as SDK commands sent.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler } from "../functions/deployment-tracker/tracker.js";
import {
  createRoleCredentials,
  DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
  type LinkedAccount,
  linkedClients,
} from "../functions/shared/accounts.js";
import { type Operation, startAwsJsonEndpoint } from "../scripts/fakes/aws-json-endpoint.js";
import { completedEvent, DEPLOYMENT_ID, REGION } from "../scripts/fakes/deployment-tracker.js";
import { report } from "./support.js";

const NAME = "linked accounts";
const HOME = "111111111111";
const B = "222222222222";
const account: LinkedAccount = {
  accountId: B,
  partition: "aws",
  regions: [REGION],
  readRoleArn: `arn:aws:iam::${B}:role/platform-read`,
  deployRoleArn: `arn:aws:iam::${B}:role/platform-deploy`,
  externalId: "bench",
};
const HOUR = 3_600_000;
let clock = Date.parse("2026-12-01T12:00:00Z");

const sts = mockClient(STSClient);
sts.on(AssumeRoleCommand).callsFake(() => ({
  Credentials: {
    AccessKeyId: "ASIABENCH",
    SecretAccessKey: "bench",
    SessionToken: "bench",
    Expiration: new Date(clock + HOUR),
  },
}));
// ECS over HTTP on 127.0.0.1: the SDK signs each request, so it resolves the credentials
// as in Lambda (a mocked client's send would skip that).
const revision = `arn:aws:ecs:${REGION}:${B}:service-revision/prod/web/1`;
const taskDefinition = `arn:aws:ecs:${REGION}:${B}:task-definition/web:1`;
const endpoint = await startAwsJsonEndpoint(
  new Map<string, Operation>([
    [
      "ListServiceDeployments",
      () => ({ serviceDeployments: [{ targetServiceRevisionArn: revision }] }),
    ],
    [
      "DescribeServiceRevisions",
      () => ({
        serviceRevisions: [
          {
            serviceRevisionArn: revision,
            taskDefinition,
            containerImages: [
              {
                containerName: "app",
                image: "nginx:1.27",
                imageDigest: `sha256:${"a".repeat(64)}`,
              },
            ],
          },
        ],
      }),
    ],
    [
      "DescribeServices",
      () => ({
        services: [
          {
            serviceName: "web",
            deployments: [{ id: DEPLOYMENT_ID, status: "PRIMARY", taskDefinition }],
          },
        ],
      }),
    ],
    [
      "DescribeTaskDefinition",
      () => ({ taskDefinition: { containerDefinitions: [{ name: "app", image: "nginx:1.27" }] } }),
    ],
  ]),
);
const ecsCalls = () => [...endpoint.requests.values()].reduce((a, b) => a + b, 0);

const credentials = createRoleCredentials({
  stsIn: (region) => new STSClient({ region }),
  sessionName: "bench",
  now: () => clock,
});
// As index.ts wires them; real SDK clients, so their own credential caching counts too.
const handler = createHandler({
  config: {
    endpointUrl: new URL("https://receiver.invalid/workloads"),
    apiKeySecretArn: `arn:aws:secretsmanager:${REGION}:${HOME}:secret:bench-AbCdEf`,
    apiKeyHeader: "x-cardinalhq-api-key",
    requestTimeoutMs: 1000,
    deliveryMaxAttempts: 1,
    secretCacheTtlSeconds: 300,
    serviceName: "bench",
    linkedAccounts: new Map([[B, account]]),
  },
  logger: new Logger({ serviceName: "bench", logLevel: "SILENT" }),
  ecsIn: (region) =>
    new ECSClient({ region, credentials: { accessKeyId: "h", secretAccessKey: "h" } }),
  ecrIn: (region) =>
    new ECRClient({ region, credentials: { accessKeyId: "h", secretAccessKey: "h" } }),
  linked: {
    ecsIn: linkedClients(
      credentials,
      "read",
      (region, c) =>
        new ECSClient({ region, credentials: c, maxAttempts: 1, endpoint: endpoint.url }),
    ),
    ecrIn: linkedClients(
      credentials,
      "read",
      (region, c) => new ECRClient({ region, credentials: c, maxAttempts: 1 }),
    ),
  },
  homeAccount: HOME,
  getApiKey: async () => "bench-key",
  fetch: (async () => new Response(null, { status: 204 })) as unknown as typeof fetch,
});
const event = completedEvent({
  id: "bench-linked",
  account: B,
  resources: [`arn:aws:ecs:${REGION}:${B}:service/prod/web`],
  detail: {
    eventType: "INFO",
    eventName: "SERVICE_DEPLOYMENT_COMPLETED",
    deploymentId: DEPLOYMENT_ID,
  },
});
const assumed = () => sts.commandCalls(AssumeRoleCommand).length;

try {
  await handler(event);
  report(`${NAME}: sts:AssumeRole calls, cold invocation`, assumed(), "calls", { max: 1 });
  const warm = 20;
  const before = assumed();
  const ecsBefore = ecsCalls();
  for (let i = 0; i < warm; i++) {
    clock += 2 * 60_000; // 40 minutes of warm invocations: credentials stay valid
    await handler(event);
  }
  report(
    `${NAME}: sts:AssumeRole calls per warm invocation (credentials valid)`,
    (assumed() - before) / warm,
    "calls",
    { max: 0 },
  );
  report(
    `${NAME}: AWS calls per event of a linked account (service revisions)`,
    (ecsCalls() - ecsBefore) / warm,
    "calls",
    { max: 4 },
  );
  clock += HOUR - 40 * 60_000 - DEFAULT_REFRESH_BEFORE_EXPIRY_MS + 1;
  const nearExpiry = assumed();
  await handler(event);
  report(
    `${NAME}: sts:AssumeRole calls, first invocation within 5 min of expiry`,
    assumed() - nearExpiry,
    "calls",
    { max: 1 },
  );
} catch (error) {
  console.log(`${NAME}: failed (${(error as Error).message})`);
}
await endpoint.close();
process.exit(0);
