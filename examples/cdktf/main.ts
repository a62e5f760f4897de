/**
 * A CDKTF app that deploys the deployment tracker with the project's constructs directly,
 * with literal props (a choice made in TypeScript, at synth time), instead of consuming
 * the published Terraform module.
 *
 *   npx tsx examples/cdktf/main.ts     # synthesises into examples/cdktf/cdktf.out
 *   cd examples/cdktf/cdktf.out/stacks/ecs-deployments-example && terraform init && terraform plan
 */
import { resolve } from "node:path";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, AssetType, Fn, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DeploymentTracker } from "../../modules/deployment-tracker.js";

/** The region the tracker runs in; its events come from this region and the ones below. */
const HOME_REGION = "eu-west-1";
/** Further regions whose ECS deployments the tracker may read. */
const OTHER_REGIONS = ["eu-central-1"];
/** The zip `npm run build` writes into the published module. */
const TRACKER_ZIP = resolve(import.meta.dirname, "../../terraform/dist/deployment-tracker.zip");

/** One stack: an AWS provider and the deployment tracker. */
export class TrackerStack extends TerraformStack {
  /** The tracker construct, exposed for tests. */
  public readonly tracker: DeploymentTracker;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: HOME_REGION,
      defaultTags: [{ tags: { example: "ecs-deployments/cdktf" } }],
    });
    const account = new DataAwsCallerIdentity(this, "account", {});
    const partition = new DataAwsPartition(this, "partition", {});

    // Copied next to the synthesised stack; its path is relative to the stack directory.
    const zip = new TerraformAsset(this, "tracker_zip", {
      path: TRACKER_ZIP,
      type: AssetType.FILE,
    });

    this.tracker = new DeploymentTracker(this, "tracker", {
      functionName: "example-deployment-tracker",
      code: { filename: zip.path, sourceCodeHash: Fn.filebase64sha256(zip.path) },
      endpointUrl: "https://app.cardinalhq.io/_/chip/workloads",
      // Literal toggles: decided here, at synth time.
      enabled: true,
      createApiKeySecret: true,
      trackFailedDeployments: true,
      alarms: false,
      regions: [HOME_REGION, ...OTHER_REGIONS],
      accountId: account.accountId,
      partition: partition.partition,
      logLevel: "INFO",
      logRetentionInDays: 14,
      tags: { team: "platform" },
    });

    new TerraformOutput(this, "tracker_function_name", {
      description: "The name of the deployment tracker function.",
      value: this.tracker.function.functionName,
    });
    new TerraformOutput(this, "api_key_secret_arn", {
      description: "The ARN of the secret to put the API key into.",
      value: this.tracker.apiKeySecretArn,
    });
  }
}

/** Builds the app; `outdir` is where `synth()` writes. */
export function buildApp(outdir: string): App {
  const app = new App({ outdir });
  new TrackerStack(app, "ecs-deployments-example");
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp(resolve(import.meta.dirname, "cdktf.out")).synth();
}
