import { ECSClient } from "@aws-sdk/client-ecs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { regionalClients } from "../functions/shared/clients.js";
import type { AwsClients, ClientFactory } from "./types.js";

function create(region: string | undefined): AwsClients {
  const config = region ? { region } : {};
  return {
    ecs: new ECSClient(config),
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
    events: new EventBridgeClient(config),
    secrets: new SecretsManagerClient(config),
    ssm: new SSMClient(config),
  };
}

/** The real AWS clients, one set per region (the SDK's default region when none is given). */
export function defaultClients(): ClientFactory {
  const byRegion = regionalClients((key: string) => create(key === "" ? undefined : key));
  return (region) => byRegion(region ?? "");
}
