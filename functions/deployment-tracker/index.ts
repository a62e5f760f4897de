import { Logger } from "@aws-lambda-powertools/logger";
import { ECSClient } from "@aws-sdk/client-ecs";
import { createRoleCredentials, linkedClients } from "../shared/accounts.js";
import { regionalClients, retryOptions } from "../shared/clients.js";
import { CappedLogFormatter } from "../shared/log-values.js";
import { loadConfig } from "./config.js";
import { AWS_MAX_ATTEMPTS } from "./constants.js";
import { createApiKeyReader } from "./secret.js";
import { createHandler } from "./tracker.js";

// Read once at init: a missing or invalid variable fails the cold start, not each event.
const config = loadConfig();

// POWERTOOLS_LOG_LEVEL is read by the Logger itself; every line is capped (no line reaches 8 KB).
const logger = new Logger({
  serviceName: config.serviceName,
  logFormatter: new CappedLogFormatter(),
});

// The ECR SDK is loaded on first use: with service revisions ECS already gives the digests.
const loadEcr = () => import("@aws-sdk/client-ecr");

// Linked accounts' clients act through each account's read role; the STS SDK is loaded
// only when a linked account's event arrives.
const credentials = createRoleCredentials({
  stsIn: regionalClients(async (region) => {
    const { STSClient } = await import("@aws-sdk/client-sts");
    return new STSClient({ region, ...retryOptions(AWS_MAX_ATTEMPTS) });
  }),
  sessionName: config.serviceName,
});

/**
 * Lambda entry point for `ECS Deployment State Change` events: records completed and failed
 * deployments with their image digests and POSTs them to the configured endpoint.
 */
export const handler = createHandler({
  config,
  logger,
  ecsIn: regionalClients((region) => new ECSClient({ region, ...retryOptions(AWS_MAX_ATTEMPTS) })),
  ecrIn: regionalClients(async (region) => {
    const { ECRClient } = await loadEcr();
    return new ECRClient({ region, ...retryOptions(AWS_MAX_ATTEMPTS) });
  }),
  linked: {
    ecsIn: linkedClients(
      credentials,
      "read",
      (region, roleCredentials) =>
        new ECSClient({ region, credentials: roleCredentials, ...retryOptions(AWS_MAX_ATTEMPTS) }),
    ),
    ecrIn: linkedClients(credentials, "read", async (region, roleCredentials) => {
      const { ECRClient } = await loadEcr();
      return new ECRClient({
        region,
        credentials: roleCredentials,
        ...retryOptions(AWS_MAX_ATTEMPTS),
      });
    }),
  },
  getApiKey: createApiKeyReader(config.apiKeySecretArn, config.secretCacheTtlSeconds),
});
