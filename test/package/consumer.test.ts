/**
 * The package as a cdktf team installs it: `npm pack`, then two scratch consumer projects
 * (the default `cdktf init --template=typescript` layout, CommonJS; and an ES module layout,
 * NodeNext) that install the tarball, write a stack with their own AwsProvider and
 * `new EcsDeployments(...)`, type-check, synthesise, and plan it with Terraform.
 *
 * Peers come from this clone's node_modules (installed by `npm ci`) as local links, the
 * tarball's own dependencies from the npm cache (`--prefer-offline`). The stack is compiled
 * with the consumer's tsc and run with node: what `ts-node main.ts` does, without ts-node,
 * which this clone does not install.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
};
const scratch = mkdtempSync(join(tmpdir(), "ecs-deployments-consumer-"));
const PEERS = ["cdktf", "@cdktf/provider-aws", "constructs", "typescript", "@types/node"];

/** Whether Terraform with the stand-in provider can run; in CI its absence fails the test. */
function terraformAvailable(): boolean {
  const found = existsSync(join(ROOT, ".tools", "terraform", "cli.tfrc"));
  if (!found && process.env.CI) {
    throw new Error(
      "the stand-in aws provider is not installed, and CI must plan: bash scripts/install-tools.sh",
    );
  }
  if (!found)
    console.warn(
      "SKIPPED: plan of the consumer stacks (bash scripts/install-tools.sh installs the stand-in)",
    );
  return found;
}

function run(command: string, args: readonly string[], cwd: string, timeout = 120_000): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd} (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The stack a user writes; `providerImport` differs between the CommonJS and ESM layouts. */
function stackSource(providerImport: string): string {
  return `import { AwsProvider } from "${providerImport}";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { EcsDeployments } from "ecs-deployments";

class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" }); // relative: beside the stack
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const deployments = new EcsDeployments(this, "ecs_deployments", {
      namePrefix: "platform",
      deployerAllowedClusters: ["prod"],
      tags: { team: "platform" },
    });
    new TerraformOutput(this, "tracker_function_name", { value: deployments.trackerFunctionName });
  }
}

const app = new App({ outdir: "cdktf.out" });
new PlatformStack(app, "platform");
app.synth();
`;
}

/** The layouts: files besides the stack, and the provider import their resolution wants. */
const LAYOUTS = {
  "CommonJS (cdktf init --template=typescript)": {
    packageJson: { name: "consumer-cjs", private: true, main: "main.js" },
    tsconfig: {
      compilerOptions: {
        alwaysStrict: true,
        declaration: true,
        experimentalDecorators: true,
        lib: ["es2018"],
        module: "CommonJS",
        noEmitOnError: true,
        noImplicitAny: true,
        noImplicitReturns: true,
        noUnusedLocals: true,
        strict: true,
        target: "ES2018",
        skipLibCheck: true,
      },
      include: ["**/*.ts"],
      exclude: ["node_modules", "cdktf.out"],
    },
    providerImport: "@cdktf/provider-aws/lib/provider",
  },
  "ES modules (type module, NodeNext)": {
    packageJson: { name: "consumer-esm", private: true, type: "module" },
    tsconfig: {
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        strict: true,
        noEmitOnError: true,
        skipLibCheck: true,
        types: ["node"],
      },
      include: ["**/*.ts"],
      exclude: ["node_modules", "cdktf.out"],
    },
    providerImport: "@cdktf/provider-aws/lib/provider/index.js",
  },
} as const;

let tarball: string;

/** Runs a command without blocking, so both consumers install at once. */
function runAsync(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${command} ${args.join(" ")} failed in ${cwd} (${code}):\n${output}`)),
    );
  });
}

const consumerDir = (layout: (typeof LAYOUTS)[keyof typeof LAYOUTS]) =>
  join(scratch, layout.packageJson.name);

beforeAll(async () => {
  // What prepack does, first: the tarball then holds what the sources say now.
  run("npm", ["run", "-s", "build:package"], ROOT, 180_000);
  const packed = JSON.parse(
    run(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch],
      ROOT,
      180_000,
    ),
  ) as [{ filename: string; files: { path: string }[] }];
  tarball = join(scratch, packed[0].filename);
  const peers = PEERS.map((name) => join(ROOT, "node_modules", name));
  await Promise.all(
    Object.values(LAYOUTS).map((layout) => {
      const dir = consumerDir(layout);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "package.json"), JSON.stringify(layout.packageJson, null, 2));
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(layout.tsconfig, null, 2));
      writeFileSync(join(dir, "main.ts"), stackSource(layout.providerImport));
      return runAsync(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, ...peers],
        dir,
      );
    }),
  );
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the packed tarball", () => {
  it("ships the compiled package and the zips, not the tests, benchmarks or CI files", () => {
    // Act
    const listing = run("tar", ["-tzf", tarball], scratch).split("\n").filter(Boolean);

    // Assess
    expect(listing).toEqual(
      expect.arrayContaining([
        "package/dist/cjs/modules/index.js",
        "package/dist/cjs/modules/index.d.ts",
        "package/dist/esm/modules/index.js",
        "package/dist/esm/modules/index.d.ts",
        "package/dist/esm/cli/main.js",
        "package/bin/ecs-deployments.mjs",
        "package/terraform/dist/deployment-tracker.zip",
        "package/terraform/dist/ecr-deployer.zip",
      ]),
    );
    expect(
      listing.filter((path) =>
        /^package\/(test|bench|\.ci|cli|modules|functions|scripts)\//.test(path),
      ),
    ).toEqual([]);
  });
});

describe.each(Object.entries(LAYOUTS))("a consumer project: %s", (_name, layout) => {
  const dir = consumerDir(layout);
  const stackDir = join(dir, "cdktf.out", "stacks", "platform");

  it("type-checks and synthesises the stack with tsc and node", () => {
    // Act
    run(join(dir, "node_modules", ".bin", "tsc"), ["-p", "."], dir);
    run(process.execPath, ["main.js"], dir);

    // Assess
    const text = readFileSync(join(stackDir, "cdk.tf.json"), "utf8");
    expect(text).not.toContain(dir);
    expect(text).not.toContain(ROOT);
    expect(text).not.toMatch(/"\/(tmp|root|home|work|Users|var)\//);
    const synthesised = JSON.parse(text) as {
      resource: {
        aws_lambda_function: Record<string, { filename: string; source_code_hash: string }>;
      };
    };
    const functions = Object.values(synthesised.resource.aws_lambda_function);
    // The tracker, and the deployer's push and rollout functions, which share one zip.
    expect(functions).toHaveLength(3);
    expect(new Set(functions.map((fn) => fn.filename)).size).toBe(2);
    for (const fn of functions) {
      expect(fn.filename).not.toMatch(/^\//);
      // cdktf writes assets beside the stack; the path is relative to the stack's folder.
      const asset = join(stackDir, fn.filename.replace(/^\$\{path\.module\}\//, ""));
      expect(existsSync(asset), `${fn.filename} exists`).toBe(true);
    }
  });

  it.runIf(terraformAvailable())("plans with Terraform", () => {
    // Act
    const terraform = join(ROOT, "scripts", "terraform.sh");
    run("bash", [terraform, `-chdir=${stackDir}`, "init", "-no-color"], dir);
    const plan = run(
      "bash",
      [terraform, `-chdir=${stackDir}`, "plan", "-no-color", "-refresh=false", "-lock=false"],
      dir,
    );

    // Assess
    expect(plan).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(plan).toContain("aws_lambda_function.");
  });

  it("runs the installed CLI with npx: --version and doctor --help", () => {
    // Act
    const versionOut = run("npx", ["--no-install", "ecs-deployments", "--version"], dir);
    const help = run("npx", ["--no-install", "ecs-deployments", "doctor", "--help"], dir);

    // Assess
    expect(versionOut.trim()).toBe(version);
    expect(help).toContain("Usage: ecs-deployments doctor");
    expect(readdirSync(join(dir, "node_modules", "ecs-deployments"))).not.toContain("cli");
  });
});
