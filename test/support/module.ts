import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The committed, generated module folder. */
export const MODULE_DIR = resolve(import.meta.dirname, "..", "..", "terraform");

// biome-ignore lint/suspicious/noExplicitAny: generated Terraform JSON is untyped by nature
export type Tf = Record<string, any>;

/** Every `*.tf.json` of the generated module, by file name. */
export function moduleFiles(): Record<string, Tf> {
  const files: Record<string, Tf> = {};
  for (const name of readdirSync(MODULE_DIR)
    .filter((n) => n.endsWith(".tf.json"))
    .sort()) {
    files[name] = JSON.parse(readFileSync(join(MODULE_DIR, name), "utf8"));
  }
  return files;
}

/** The generated module merged into one document (blocks of all files together). */
export function mergedModule(): Tf {
  const merged: Tf = {};
  for (const file of Object.values(moduleFiles())) {
    for (const [block, body] of Object.entries(file)) {
      merged[block] = { ...(merged[block] ?? {}), ...body };
      if (block === "resource" || block === "data") {
        for (const [type, byName] of Object.entries(body as Tf)) {
          merged[block][type] = { ...((merged[block] as Tf)[type] ?? {}), ...(byName as Tf) };
        }
      }
    }
  }
  return merged;
}

/** All `[type, name, body]` of a block (`resource` or `data`). */
export function entries(module: Tf, block: "resource" | "data"): Array<[string, string, Tf]> {
  const out: Array<[string, string, Tf]> = [];
  for (const [type, byName] of Object.entries((module[block] ?? {}) as Tf)) {
    for (const [name, body] of Object.entries(byName as Tf)) out.push([type, name, body as Tf]);
  }
  return out;
}
