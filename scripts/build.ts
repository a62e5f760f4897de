/**
 * `npm run build`: bundles and zips every function reproducibly, synthesises the CDKTF
 * app, and writes the publishable module into `terraform/` (removing stale files).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACT_DIR, MODULE_DIR, STACK_NAME, SUBMODULES, synthesize } from "../main.js";
import { bundleFunction, functionNames, ROOT } from "./bundle.js";
import { keptInModule, serialise, toPublishableModule } from "./publish.js";
import { reproducibleZip } from "./zip.js";

function step(message: string, since: number): void {
  console.log(`  ${message} (${Date.now() - since} ms)`);
}

/** Writes a file only when its bytes change, and says whether they did. */
function writeIfChanged(path: string, bytes: Buffer | string): boolean {
  const next = Buffer.from(bytes);
  try {
    if (readFileSync(path).equals(next)) return false;
  } catch {
    // new file
  }
  writeFileSync(path, next);
  return true;
}

async function main(): Promise<void> {
  const started = Date.now();
  const sourcemap = process.env.SOURCEMAP === "true";
  const written = new Set<string>();
  const artifactDir = join(MODULE_DIR, ARTIFACT_DIR);
  mkdirSync(artifactDir, { recursive: true });

  console.log("Building the functions");
  for (const name of functionNames()) {
    const t = Date.now();
    const bundle = await bundleFunction(name, { sourcemap });
    const zip = await reproducibleZip([{ name: "index.mjs", path: bundle }]);
    const changed = writeIfChanged(join(artifactDir, `${name}.zip`), zip);
    written.add(join(ARTIFACT_DIR, `${name}.zip`));
    step(`${name}: ${(zip.length / 1024).toFixed(1)} KB zip${changed ? "" : ", unchanged"}`, t);
  }

  console.log("Synthesising the module");
  const t = Date.now();
  const outdir = join(ROOT, ".build", "cdktf.out");
  rmSync(outdir, { recursive: true, force: true });
  synthesize(outdir);
  // The root module into terraform/, each sub-module into its folder below it.
  const modules: [string, string][] = [[STACK_NAME, ""], ...Object.entries(SUBMODULES)];
  for (const [stackName, folder] of modules) {
    const stack = JSON.parse(
      readFileSync(join(outdir, "stacks", stackName, "cdk.tf.json"), "utf8"),
    );
    mkdirSync(join(MODULE_DIR, folder), { recursive: true });
    for (const [name, content] of Object.entries(toPublishableModule(stack))) {
      const file = folder === "" ? name : `${folder}/${name}`;
      const changed = writeIfChanged(join(MODULE_DIR, file), serialise(content));
      written.add(file);
      step(`terraform/${file}${changed ? "" : ", unchanged"}`, t);
    }
  }

  for (const entry of readdirSync(MODULE_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = join(entry.parentPath, entry.name).slice(MODULE_DIR.length + 1);
    if (!written.has(relative) && !keptInModule(relative)) {
      rmSync(join(MODULE_DIR, relative));
      console.log(`  removed stale terraform/${relative}`);
    }
  }
  console.log(`Built terraform/ in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
