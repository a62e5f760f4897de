/**
 * The CDKTF app: synthesises every publishable module. `npm run build` bundles and zips
 * the functions first, runs this, and turns the result into the committed module folder.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { EcsDeploymentsModule } from "./modules/ecs-deployments.js";
import { base64Sha256 } from "./modules/terraform.js";
import { WorkloadAccountModule } from "./modules/workload-account.js";

/** The committed folder of generated Terraform: the module users consume. */
export const MODULE_DIR = resolve(import.meta.dirname, "terraform");
/** Where the function zips live inside the module. */
export const ARTIFACT_DIR = "dist";
/** The name of the synthesised stack. */
export const STACK_NAME = "ecs-deployments";
/** Sub-modules: the folder under `terraform/` each is written to, by its stack's name. */
export const SUBMODULES = { "workload-account": "modules/workload-account" } as const;

function artifact(name: string) {
  const path = join(MODULE_DIR, ARTIFACT_DIR, `${name}.zip`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new Error(
      `${path} is missing: run "npm run build", which bundles the functions before synthesis`,
      { cause },
    );
  }
  // The hash of the zip bytes: zips are reproducible, so it changes only when code does.
  return {
    filename: `\${path.module}/${ARTIFACT_DIR}/${name}.zip`,
    sourceCodeHash: base64Sha256(bytes),
  };
}

/** Synthesises the app into `outdir`. */
export function synthesize(outdir: string): void {
  const app = new App({ outdir, skipValidation: true });
  new EcsDeploymentsModule(app, STACK_NAME, {
    deploymentTracker: artifact("deployment-tracker"),
    ecrDeployer: artifact("ecr-deployer"),
  });
  new WorkloadAccountModule(app, "workload-account");
  app.synth();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  synthesize(process.env.CDKTF_OUTDIR ?? "cdktf.out");
}
