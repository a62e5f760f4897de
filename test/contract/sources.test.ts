import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvVar as TrackerEnvVar } from "../../functions/deployment-tracker/contract.js";
import { EnvVar as DeployerEnvVar } from "../../functions/ecr-deployer/contract.js";
import { PowertoolsEnvVar } from "../../functions/shared/contract.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SOURCE_DIRS = ["functions", "modules", "cli", "scripts", "bench", "bin", "examples/cdktf"];
const SOURCE_FILES = ["main.ts"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.(ts|mts|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** Every non-test source file, with its text. */
const sources: ReadonlyMap<string, string> = new Map(
  [
    ...SOURCE_DIRS.flatMap((dir) => filesUnder(join(ROOT, dir))),
    ...SOURCE_FILES.map((f) => join(ROOT, f)),
  ].map((path) => [relative(ROOT, path), readFileSync(path, "utf8")] as const),
);

/**
 * The text without comments (block comments opening a line, `// ` line comments): a name
 * in a doc comment is not a literal. `/*` inside strings (`service/*`) is left alone.
 */
function code(text: string): string {
  return text.replace(/^\s*\/\*[\s\S]*?\*\//gm, "").replace(/(^|\s)\/\/\s.*$/gm, "$1");
}

function filesContaining(pattern: RegExp): string[] {
  return [...sources]
    .filter(([, text]) => pattern.test(code(text)))
    .map(([path]) => path)
    .sort();
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the sources", () => {
  it("are found", () => {
    // Assess: the scan would pass vacuously on an empty set
    expect(sources.size).toBeGreaterThan(50);
    expect(sources.has("functions/ecr-deployer/contract.ts")).toBe(true);
  });

  it.each([
    ...Object.values(TrackerEnvVar).map((name) => [
      name,
      "functions/deployment-tracker/contract.ts",
    ]),
    ...Object.values(DeployerEnvVar).map((name) => [name, "functions/ecr-deployer/contract.ts"]),
    ...Object.values(PowertoolsEnvVar).map((name) => [name, "functions/shared/contract.ts"]),
  ])("spell the environment variable %s as a string literal only in %s", (name, home) => {
    // Act
    const files = filesContaining(new RegExp(`["'\`]${literal(name)}["'\`]`));

    // Assess
    expect(files).toEqual([home]);
  });

  it.each([
    ["the region grammar", /\[a-z\]\{2(,4)?\}\(/],
    ["the cluster-name grammar", /A-Za-z0-9_-\]\{1,255\}/],
    ["the account-id grammar", /\^\\+d\{12\}\$/],
    ["the ECR repository-name grammar", /\[\._-\]\[a-z0-9\]/],
    ["the image-tag grammar", /\[\\w\.-\]\{0,127\}/],
    ["the image-digest grammar", /a-f0-9\]\{64\}/],
  ])("write %s in one file, functions/shared/grammar.ts", (_label, marker) => {
    // Act
    const files = filesContaining(marker);

    // Assess
    expect(files).toEqual(["functions/shared/grammar.ts"]);
  });

  it("split ARNs on ':' only in the shared ARN parser", () => {
    // Act
    const files = filesContaining(/split\(\s*["'`]:["'`]\s*\)/);

    // Assess
    expect(files.filter((f) => f !== "functions/shared/arn.ts")).toEqual([]);
  });
});
