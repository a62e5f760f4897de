/** The version of the installed package, as `--version` prints it. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TOOL } from "./constants.js";

/**
 * Reads the version from this package's package.json: the first one named ecs-deployments
 * above this file (the sources in a clone, `dist/esm/cli/` in the installed package).
 */
export function packageVersion(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === TOOL && typeof manifest.version === "string") return manifest.version;
    } catch {
      // no package.json here
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${TOOL} above ${from}`);
  }
}
