/**
 * `npm run build:package`: compiles what the npm package ships into `dist/`.
 *
 * - `dist/esm/`: tsc output (ES modules and `.d.ts`) of `modules/index.ts` (the constructs)
 *   and `cli/main.ts` (the CLI), with everything they import from this repository.
 * - `dist/cjs/`: the same modules as CommonJS (esbuild, file by file), for the default cdktf
 *   layout (`module: commonjs`, ts-node); the CLI is ESM only (it is run, not imported).
 *
 * Deep imports of `@cdktf/provider-aws/lib/<resource>` get `/index.js`: that package has no
 * `exports` map, and Node's ES module loader (and TypeScript's NodeNext) needs the file.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { transform } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");
const ESM = join(DIST, "esm");
const CJS = join(DIST, "cjs");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** `@cdktf/provider-aws/lib/iam-role` → `@cdktf/provider-aws/lib/iam-role/index.js`. */
export function withProviderIndex(code: string): string {
  return code.replace(/(["'])(@cdktf\/provider-aws\/lib\/[a-z0-9-]+)\1/g, "$1$2/index.js$1");
}

/** The package a bare import specifier names: `@scope/name/deep` → `@scope/name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/**
 * Fails when compiled code imports a package that package.json does not declare as a
 * dependency or peer dependency: installed, it would be missing (ERR_MODULE_NOT_FOUND).
 */
function checkDeclared(files: readonly string[]): void {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const missing = new Set<string>();
  for (const file of files) {
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(
      // Import and export statements only: a string that ends in "from" is no import.
      /^\s*(?:import|export)\b[^;=]*?\bfrom\s*["']([^"'.][^"']*)["']/gm,
    )) {
      const name = packageOf(specifier as string);
      if (!name.startsWith("node:") && !declared.has(name))
        missing.add(`${name} (${relative(ROOT, file)})`);
    }
  }
  if (missing.size > 0) {
    throw new Error(
      `the package imports what package.json does not declare in dependencies or peerDependencies: ${[...missing].join(", ")}`,
    );
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(
    join(ROOT, "node_modules", ".bin", "tsc"),
    ["-p", join(ROOT, "tsconfig.build.json")],
    {
      stdio: "inherit",
    },
  );
  const esmFiles = filesUnder(ESM);
  for (const file of esmFiles) writeFileSync(file, withProviderIndex(readFileSync(file, "utf8")));

  mkdirSync(CJS, { recursive: true });
  writeFileSync(join(CJS, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
  for (const file of esmFiles) {
    const path = relative(ESM, file);
    if (path.startsWith(`cli${"/"}`)) continue;
    const target = join(CJS, path);
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith(".d.ts")) {
      copyFileSync(file, target);
      continue;
    }
    const { code } = await transform(readFileSync(file, "utf8"), {
      format: "cjs",
      target: "node20",
      sourcefile: path,
      // The constructs may find their zips from their own location.
      define: { "import.meta.dirname": "__dirname", "import.meta.url": "__import_meta_url" },
      banner: 'const __import_meta_url = require("node:url").pathToFileURL(__filename).href;',
    });
    writeFileSync(target, code);
  }
  checkDeclared(esmFiles.filter((file) => file.endsWith(".js")));
  const count = (dir: string) => filesUnder(dir).filter((f) => f.endsWith(".js")).length;
  console.log(
    `Built dist/: ${count(ESM)} ES modules, ${count(CJS)} CommonJS modules, with .d.ts (${Date.now() - started} ms)`,
  );
}

if (process.argv[1] === import.meta.filename) await main();
