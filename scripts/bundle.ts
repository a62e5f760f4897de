import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "..");
/** Where bundles are written before they are zipped (ignored by git). */
export const BUNDLE_DIR = join(ROOT, ".build", "functions");

/** The Lambda functions: every folder under `functions/` with an `index.ts`, except `shared`. */
export function functionNames(): string[] {
  const dir = join(ROOT, "functions");
  return readdirSync(dir)
    .filter((name) => name !== "shared" && statSync(join(dir, name)).isDirectory())
    .filter((name) => {
      try {
        return statSync(join(dir, name, "index.ts")).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Options for {@link bundleFunction}. */
export interface BundleOptions {
  /** Write `index.mjs.map` next to the bundle (never put into the zip). @default false */
  readonly sourcemap?: boolean;
}

/**
 * Bundles `functions/<name>/index.ts` into `.build/functions/<name>/index.mjs`: one
 * minified, tree-shaken ES module for the `nodejs22.x` runtime, with the AWS SDK inside
 * so the code runs against the SDK version we tested, not whatever the runtime ships.
 *
 * @returns the absolute path of the bundle.
 */
export async function bundleFunction(name: string, options: BundleOptions = {}): Promise<string> {
  const outfile = join(BUNDLE_DIR, name, "index.mjs");
  await build({
    entryPoints: [join(ROOT, "functions", name, "index.ts")],
    outfile,
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    sourcemap: options.sourcemap ? "external" : false,
    legalComments: "none",
    // Some CommonJS dependencies call require() for Node built-ins; give ESM a require.
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
    logLevel: "warning",
    absWorkingDir: ROOT,
  });
  return outfile;
}
