/**
 * Where the function zips shipped inside this package are: `terraform/dist/<name>.zip`
 * below the folder that holds our `package.json`. Found by walking up from this file, so
 * it works from the sources (`modules/`), from compiled JavaScript (`dist/lib/…`, ESM or
 * CommonJS) and from `node_modules/ecs-deployments/…`, whatever the working directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The name in our package.json. */
export const PACKAGE_NAME = "ecs-deployments";
/** The folder of the zips, relative to the package root. */
const ZIP_DIR = join("terraform", "dist");

function isOurPackage(dir: string): boolean {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `from` whose package.json is ours. */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isOurPackage(dir)) return dir;
    if (dirname(dir) === dir) {
      throw new Error(
        `Cannot find the ${PACKAGE_NAME} package above ${from}: no package.json named "${PACKAGE_NAME}"`,
      );
    }
  }
}

/**
 * The folder of this file (sources or compiled JavaScript), read from the call site, not
 * from `import.meta.url` or `__dirname`: each exists in one module system only, and this
 * file is compiled for both `import` and `require`.
 */
export function here(): string {
  const prepare = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    const file = frames[0]?.getFileName();
    if (!file) throw new Error("Cannot tell which file locates the function zips");
    return dirname(file.startsWith("file:") ? fileURLToPath(file) : file);
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

/** The path of a shipped function zip; throws a clear error when it is missing. */
export function packagedZip(name: string, from: string = here()): string {
  const path = join(packageRoot(from), ZIP_DIR, `${name}.zip`);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: the package ships it; in a clone of the repository run "npm run build" first`,
    );
  }
  return path;
}
