/**
 * Turns the JSON CDKTF synthesises for a root stack into a publishable child module.
 * Pure, so tests can run it on any input.
 */

/** The provider constraint the module declares: provider 6 brings per-resource `region`. */
export const AWS_PROVIDER_VERSION = ">= 6.0";
/** Terraform 1.11 brings write-only attributes (the API key never lands in state). */
export const TERRAFORM_VERSION = ">= 1.11.0";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function withoutMetadata(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === "//") continue; // CDKTF's construct-path metadata
      out[key] = withoutMetadata(inner);
    }
    return out;
  }
  return value;
}

/** Files in the module folder that the build does not write, and so never removes. */
const KEPT_FILES = new Set(["README.md"]);
/**
 * Folders in the module folder that the build does not write: the hand-written
 * `terraform test` files. (A generated sub-module such as `modules/<name>/` is written by
 * the build, so its files are the build's own and stale ones go.)
 */
const KEPT_DIRS = ["tests"];

/** A sub-module's own folder: `modules/<name>/`. */
const SUBMODULE = /^modules\/[^/]+\//;

/**
 * Whether the build leaves a file of the module folder alone (path relative to it): the
 * kept files and folders of the root module, and the same inside each sub-module.
 */
export function keptInModule(relative: string): boolean {
  const inModule = relative.replace(SUBMODULE, "");
  return KEPT_FILES.has(inModule) || KEPT_DIRS.some((dir) => inModule.startsWith(`${dir}/`));
}

/** The files of a module, by file name. */
export type ModuleFiles = Record<string, JsonObject>;

/**
 * Makes a root stack a child module: drops `backend`, `provider` and CDKTF's `//`
 * metadata; declares `required_version` and a `hashicorp/aws` version range; splits the
 * result into the standard files (versions, variables, outputs, main).
 */
export function toPublishableModule(stack: JsonObject): ModuleFiles {
  const clean = withoutMetadata(stack) as JsonObject;
  const { terraform: _terraform, provider: _provider, variable, output, ...main } = clean;
  const files: ModuleFiles = {
    "versions.tf.json": {
      terraform: {
        required_version: TERRAFORM_VERSION,
        required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } },
      },
    },
    "main.tf.json": main,
  };
  if (variable) files["variables.tf.json"] = { variable };
  if (output) files["outputs.tf.json"] = { output };
  return files;
}

/** Serialises a module file the same way every time. */
export function serialise(file: JsonObject): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
