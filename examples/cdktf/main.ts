/**
 * A CDKTF app as a cdktf team writes it: its own stack, its own AWS provider, and the
 * `EcsDeployments` construct with literal props (choices made in TypeScript, at synth
 * time). The construct turns the function zips shipped in the package into assets.
 *
 *   npx tsx examples/cdktf/main.ts     # synthesises into examples/cdktf/cdktf.out
 *   cd examples/cdktf/cdktf.out/stacks/ecs-deployments-example && terraform init && terraform plan
 */
import { resolve } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { EcsDeployments } from "../../modules/index.js";

/** The home region: the functions run here; events of the other regions come here. */
const HOME_REGION = "eu-west-1";
/** Further regions whose ECS deployments are tracked and whose pushes are deployed. */
const OTHER_REGIONS = ["eu-central-1"];

/** One stack: an AWS provider and ecs-deployments. */
export class DeploymentsStack extends TerraformStack {
  /** The construct, exposed for tests. */
  public readonly deployments: EcsDeployments;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State beside the synthesised stack (inside cdktf.out), never an absolute path.
    new LocalBackend(this, { path: "terraform.tfstate" });
    new AwsProvider(this, "aws", {
      region: HOME_REGION,
      defaultTags: [{ tags: { example: "ecs-deployments/cdktf" } }],
    });

    this.deployments = new EcsDeployments(this, "ecs_deployments", {
      namePrefix: "example",
      regions: OTHER_REGIONS,
      // Literal toggles: decided here, at synth time.
      trackerTrackFailedDeployments: true,
      createAlarms: false,
      deployerAllowedClusters: ["production"],
      logRetentionInDays: 14,
      tags: { team: "platform" },
    });

    new TerraformOutput(this, "tracker_function_name", {
      description: "The name of the deployment tracker function.",
      value: this.deployments.trackerFunctionName,
    });
    new TerraformOutput(this, "api_key_secret_arn", {
      description: "The ARN of the secret to put the API key into.",
      value: this.deployments.apiKeySecretArn,
    });
  }
}

/** Builds the app; `outdir` is where `synth()` writes. */
export function buildApp(outdir: string): App {
  const app = new App({ outdir });
  new DeploymentsStack(app, "ecs-deployments-example");
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp(resolve(import.meta.dirname, "cdktf.out")).synth();
}
