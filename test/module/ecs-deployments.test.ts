import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  App,
  LocalBackend,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Testing,
} from "cdktf";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import {
  EcsDeployments,
  type EcsDeploymentsOptions,
  type EcsDeploymentsProps,
  InvalidPropError,
} from "../../modules/index.js";
import { MODULE_OUTPUTS } from "../../modules/outputs.js";
import { here, PACKAGE_NAME, packagedZip, packageRoot } from "../../modules/package-zips.js";
import { snakeCase } from "../../modules/terraform.js";
import { MODULE_VARIABLES } from "../../modules/variables.js";
import { mergedModule, type Tf } from "../support/module.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const ZIPS = join(ROOT, "terraform", "dist");
const code = {
  deploymentTracker: {
    filename: "${path.module}/dist/deployment-tracker.zip",
    sourceCodeHash: "t=",
  },
  ecrDeployer: { filename: "${path.module}/dist/ecr-deployer.zip", sourceCodeHash: "d=" },
};

/** A user's stack: their own provider, and the construct. */
class UserStack extends TerraformStack {
  public readonly deployments: EcsDeployments;
  constructor(scope: App, props: EcsDeploymentsProps = {}) {
    super(scope, "user");
    // CDKTF's default local backend holds an absolute path; a user's stack chooses its own.
    new LocalBackend(this, { path: "terraform.tfstate" });
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    this.deployments = new EcsDeployments(this, "ecs_deployments", props);
  }
}

function synth(props: EcsDeploymentsProps = {}): Tf {
  return JSON.parse(Testing.synth(new UserStack(Testing.app(), props))) as Tf;
}

function byName(tf: Tf, type: string): Tf[] {
  return Object.values((tf.resource?.[type] ?? {}) as Tf);
}

function functionNamed(tf: Tf, name: string): Tf {
  const found = byName(tf, "aws_lambda_function").find((fn) => fn.function_name === name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

const scratch: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ecs-deployments-construct-"));
  scratch.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("EcsDeployments with literal props", () => {
  it("creates both functions, named from the prefix, with literal counts", () => {
    // Act
    const tf = synth({ namePrefix: "team" });

    // Assess
    expect(functionNamed(tf, "team-deployment-tracker").count).toBe(1);
    expect(functionNamed(tf, "team-ecr-deployer").count).toBe(1);
    expect(functionNamed(tf, "team-ecr-deployer").reserved_concurrent_executions).toBe(1);
    expect(byName(tf, "aws_secretsmanager_secret")[0]?.name).toBe(
      "team-deployment-tracker-api-key",
    );
  });

  it("applies the module's defaults when no props are given", () => {
    // Act
    const tf = synth();

    // Assess
    const tracker = functionNamed(tf, "ecs-deployments-deployment-tracker");
    expect(tracker.environment.variables.ENDPOINT_URL).toBe(
      "https://app.cardinalhq.io/_/chip/workloads",
    );
    const deployer = functionNamed(tf, "ecs-deployments-ecr-deployer");
    expect(deployer.environment.variables.IMAGE_PIN).toBe("tag-and-digest");
    expect(deployer.environment.variables.DRY_RUN).toBe("false");
    for (const group of byName(tf, "aws_cloudwatch_log_group")) {
      expect(group.retention_in_days).toBe(30);
    }
  });

  it("leaves out what literal toggles turn off, with literal zero counts", () => {
    // Act
    const tf = synth({
      createDeployer: false,
      createAlarms: false,
      deployerReservedConcurrency: null,
    });

    // Assess
    const deployer = functionNamed(tf, "ecs-deployments-ecr-deployer");
    expect(deployer.count).toBe(0);
    expect(deployer.reserved_concurrent_executions).toBe(-1);
    for (const alarm of byName(tf, "aws_cloudwatch_metric_alarm")) expect(alarm.count).toBe(0);
  });

  it("exposes every module output as a member that references the synthesised resources", () => {
    // Prepare
    const stack = new UserStack(Testing.app());

    // Act
    for (const member of Object.keys(MODULE_OUTPUTS)) {
      new TerraformOutput(stack, member, {
        value: stack.deployments[member as keyof typeof MODULE_OUTPUTS],
      });
    }
    const outputs = (JSON.parse(Testing.synth(stack)) as Tf).output as Tf;

    // Assess
    for (const member of Object.keys(MODULE_OUTPUTS)) {
      expect(outputs[member]?.value, member).toMatch(/^\$\{.*ecs_deployments_/);
    }
    expect(outputs.trackerFunctionArn.value).toMatch(
      /aws_lambda_function\.ecs_deployments_tracker_function_[0-9A-F]{8}\[\*\]\.arn/,
    );
  });

  it("keeps its resource ids when synthesised again: addresses derive from construct ids only", () => {
    // Act
    const first = Object.keys(synth().resource.aws_lambda_function).sort();
    const second = Object.keys(
      synth({ namePrefix: "other", regions: ["us-east-1"] }).resource.aws_lambda_function,
    ).sort();

    // Assess
    expect(second).toEqual(first);
    expect(first[0]).toMatch(/^ecs_deployments_deployer_function_/);
    expect(first[1]).toMatch(/^ecs_deployments_deployer_rollout_function_/);
    expect(first[2]).toMatch(/^ecs_deployments_tracker_function_/);
  });
});

describe("EcsDeployments with tokens", () => {
  it("passes Terraform expressions through to counts and settings", () => {
    // Prepare
    const app = Testing.app();
    const stack = new TerraformStack(app, "user");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const on = new TerraformVariable(stack, "on", { type: "bool" });
    const prefix = new TerraformVariable(stack, "prefix", { type: "string" });
    const regions = new TerraformVariable(stack, "more_regions", { type: "list(string)" });
    const reserved = new TerraformVariable(stack, "reserved", { type: "number", nullable: true });

    // Act
    new EcsDeployments(stack, "ecs_deployments", {
      createTracker: on.booleanValue,
      namePrefix: prefix.stringValue,
      regions: regions.listValue,
      deployerReservedConcurrency: reserved.numberValue,
      // Tokens are not checked at synth time: Terraform checks them.
      trackerEndpointUrl: prefix.stringValue,
    });
    const tf = JSON.parse(Testing.synth(stack)) as Tf;

    // Assess
    const fns = byName(tf, "aws_lambda_function");
    const tracker = fns.find((fn) => String(fn.function_name).endsWith("-deployment-tracker"));
    const deployer = fns.find((fn) => String(fn.function_name).endsWith("-ecr-deployer"));
    expect(tracker?.count).toBe("${var.on ? 1 : 0}");
    expect(tracker?.function_name).toBe("${var.prefix}-deployment-tracker");
    expect(deployer?.reserved_concurrent_executions).toBe(
      "${(var.reserved == null) ? -1 : var.reserved}",
    );
    expect(JSON.stringify(tf.locals)).toContain("[for r in distinct(var.more_regions) :");
  });
});

describe("EcsDeployments prop validation", () => {
  const cases: Array<[keyof EcsDeploymentsOptions, unknown, RegExp]> = [
    ["namePrefix", "has space", /namePrefix must be 1-32 letters.*got "has space"/],
    ["regions", ["eu-west-1", "EU-WEST"], /regions\[1\] must be an AWS region.*got "EU-WEST"/],
    ["kmsKeyArn", "alias/mine", /kmsKeyArn must be a KMS key ARN.*got "alias\/mine"/],
    ["logRetentionInDays", 31, /logRetentionInDays must be one of 1, 3, 5.*got 31/],
    ["logLevel", "TRACE", /logLevel must be one of DEBUG, INFO, WARN, ERROR, got "TRACE"/],
    [
      "trackerEndpointUrl",
      "http://x",
      /trackerEndpointUrl must be an https:\/\/ URL.*got "http:\/\/x"/,
    ],
    ["trackerApiKeyHeader", "x y", /trackerApiKeyHeader must be an HTTP header name.*got "x y"/],
    [
      "apiKeySecretArn",
      "my-secret",
      /apiKeySecretArn must be a Secrets Manager secret ARN, got "my-secret"/,
    ],
    [
      "trackerEcrAccountIds",
      ["12345"],
      /trackerEcrAccountIds\[0\] must be a 12-digit AWS account ID, got "12345"/,
    ],
    [
      "deployerAllowedClusters",
      ["arn:aws:ecs:eu-west-1:123456789012:cluster/x"],
      /deployerAllowedClusters\[0\] must be a cluster name/,
    ],
    ["deployerOptInTagKey", "a*b", /deployerOptInTagKey must be a tag key \(1-128.*got "a\*b"/],
    [
      "deployerOptInTagKey",
      "AWS:follow",
      /deployerOptInTagKey must not start with aws:.*got "AWS:follow"/,
    ],
    [
      "deployerDefaultTagPattern",
      "v1;rm",
      /deployerDefaultTagPattern must be at most 256 tag characters.*got "v1;rm"/,
    ],
    [
      "deployerImagePin",
      "latest",
      /deployerImagePin must be one of tag-and-digest, digest, tag, got "latest"/,
    ],
    [
      "deployerPassableRoleArns",
      ["role/x"],
      /deployerPassableRoleArns\[0\] must be an IAM role ARN.*got "role\/x"/,
    ],
    [
      "deployerReservedConcurrency",
      0,
      /deployerReservedConcurrency must be null or a whole number of at least 1, got 0/,
    ],
    [
      "deployerReservedConcurrency",
      1.5,
      /deployerReservedConcurrency must be null or a whole number of at least 1, got 1.5/,
    ],
    [
      "deployerQuotaShare",
      0,
      /deployerQuotaShare must be a number greater than 0 and at most 1, got 0/,
    ],
    ["deployerQuotaShare", 1.01, /deployerQuotaShare must be .* at most 1, got 1.01/],
    ["deployerQuotaShare", -0.5, /deployerQuotaShare must be .*, got -0.5/],
    ["deployerQuotaShare", Number.NaN, /deployerQuotaShare must be .*, got null/],
    [
      "deployerRolloutTimeout",
      59,
      /deployerRolloutTimeout must be a whole number from 60 to 900, got 59/,
    ],
    [
      "deployerRolloutTimeout",
      901,
      /deployerRolloutTimeout must be a whole number from 60 to 900, got 901/,
    ],
    [
      "deployerRolloutBatchSize",
      11,
      /deployerRolloutBatchSize must be a whole number from 1 to 10, got 11/,
    ],
    [
      "deployerRolloutBatchSize",
      0,
      /deployerRolloutBatchSize must be a whole number from 1 to 10, got 0/,
    ],
    [
      "deployerRolloutMaximumConcurrency",
      1,
      /deployerRolloutMaximumConcurrency must be a whole number from 2 to 1000, got 1/,
    ],
    [
      "deployerRolloutMaximumConcurrency",
      2.5,
      /deployerRolloutMaximumConcurrency must be a whole number from 2 to 1000, got 2.5/,
    ],
    [
      "deployerRolloutMaxReceiveCount",
      1001,
      /deployerRolloutMaxReceiveCount must be a whole number from 1 to 1000, got 1001/,
    ],
    [
      "deployerRolloutAgeAlarmSeconds",
      30,
      /deployerRolloutAgeAlarmSeconds must be a whole number from 60 to 345600, got 30/,
    ],
  ];

  it.each(cases)(
    "rejects %s = %j, naming the prop, the limit and the value",
    (prop, value, message) => {
      // Act
      const create = () => synth({ code, [prop]: value });

      // Assess
      expect(create).toThrow(InvalidPropError);
      expect(create).toThrow(message);
    },
  );

  it("requires apiKeySecretArn when the tracker is on and no secret is created", () => {
    // Act & Assess
    expect(() => synth({ code, createApiKeySecret: false })).toThrow(
      /apiKeySecretArn is required when createTracker is true and createApiKeySecret is false/,
    );
    expect(() => synth({ code, createApiKeySecret: false, createTracker: false })).not.toThrow();
  });
});

describe("EcsDeployments' assets", () => {
  it("synthesises portable output: relative asset paths, files in the outdir, the zips' hashes", () => {
    // Prepare
    const outdir = tempDir();
    const app = new App({ outdir });
    new UserStack(app);

    // Act
    app.synth();
    const stackDir = join(outdir, "stacks", "user");
    const text = readFileSync(join(stackDir, "cdk.tf.json"), "utf8");
    const tf = JSON.parse(text) as Tf;

    // Assess: no absolute path of this machine anywhere in the output
    expect(text).not.toContain(ROOT);
    expect(text).not.toContain(outdir);
    // (a string that starts with a folder of this machine's root, unlike /aws/lambda/…)
    const onThisMachine = (value: string) =>
      /^\/[^/]+/.test(value) && existsSync(value.split("/").slice(0, 2).join("/"));
    expect(strings(tf).filter(onThisMachine)).toEqual([]);
    for (const name of ["deployment-tracker", "ecr-deployer"]) {
      const fn = byName(tf, "aws_lambda_function").find((f) =>
        String(f.function_name).endsWith(`-${name}`),
      ) as Tf;
      expect(fn.filename).toMatch(new RegExp(`^assets/.+/${name}\\.zip$`));
      const copied = join(stackDir, fn.filename);
      expect(existsSync(copied)).toBe(true);
      const shipped = readFileSync(join(ZIPS, `${name}.zip`));
      expect(readFileSync(copied).equals(shipped)).toBe(true);
      expect(fn.source_code_hash).toBe(createHash("sha256").update(shipped).digest("base64"));
    }
  });

  it("uses the given code instead, and then creates no asset", () => {
    // Act
    const tf = synth({ code });

    // Assess
    const fn = functionNamed(tf, "ecs-deployments-deployment-tracker");
    expect(fn.filename).toBe(code.deploymentTracker.filename);
    expect(fn.source_code_hash).toBe(code.deploymentTracker.sourceCodeHash);
    expect(JSON.stringify(tf)).not.toContain("assets/");
  });
});

describe("packageRoot and packagedZip", () => {
  function fakePackage(name: string): string {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), JSON.stringify({ name }));
    mkdirSync(join(root, "dist", "lib", "modules"), { recursive: true });
    mkdirSync(join(root, "terraform", "dist"), { recursive: true });
    writeFileSync(join(root, "terraform", "dist", "ecr-deployer.zip"), "zip");
    return root;
  }

  it("walks up from a compiled file's folder to the folder of our package.json", () => {
    // Prepare
    const root = fakePackage(PACKAGE_NAME);
    const compiled = join(root, "dist", "lib", "modules");

    // Act & Assess
    expect(packageRoot(compiled)).toBe(root);
    expect(packagedZip("ecr-deployer", compiled)).toBe(
      join(root, "terraform", "dist", "ecr-deployer.zip"),
    );
  });

  it("passes over other packages' package.json on the way up", () => {
    // Prepare
    const root = fakePackage(PACKAGE_NAME);
    const nested = join(root, "dist", "lib");
    writeFileSync(join(nested, "package.json"), JSON.stringify({ type: "module" }));

    // Act & Assess
    expect(packageRoot(join(nested, "modules"))).toBe(root);
  });

  it("says what is missing when there is no such package or zip", () => {
    // Prepare
    const other = fakePackage("someone-else");

    // Act & Assess
    expect(() => packageRoot(join(other, "dist"))).toThrow(
      /Cannot find the ecs-deployments package above .*: no package.json named "ecs-deployments"/,
    );
    const ours = fakePackage(PACKAGE_NAME);
    expect(() => packagedZip("deployment-tracker", ours)).toThrow(
      /deployment-tracker\.zip is missing/,
    );
  });

  it.each([
    ["CommonJS", "cjs", "cjs"],
    ["ESM", "esm", "mjs"],
  ] as const)("finds them from compiled %s inside an installed package", async (_, format, ext) => {
    // Prepare: this file compiled into a package in node_modules of a scratch project
    const project = tempDir();
    const installed = join(project, "node_modules", PACKAGE_NAME);
    mkdirSync(join(installed, "terraform", "dist"), { recursive: true });
    writeFileSync(join(installed, "package.json"), JSON.stringify({ name: PACKAGE_NAME }));
    writeFileSync(join(installed, "terraform", "dist", "ecr-deployer.zip"), "zip");
    const compiled = join(installed, "dist", "lib", `package-zips.${ext}`);
    await build({
      entryPoints: [join(ROOT, "modules", "package-zips.ts")],
      outfile: compiled,
      format,
      platform: "node",
      logLevel: "silent",
    });

    // Act: run from another working directory
    const found = execFileSync(
      process.execPath,
      [
        ...(format === "cjs" ? ["-e"] : ["--input-type=module", "-e"]),
        format === "cjs"
          ? `console.log(require(${JSON.stringify(compiled)}).packagedZip("ecr-deployer"))`
          : `console.log((await import(${JSON.stringify(compiled)})).packagedZip("ecr-deployer"))`,
      ],
      { cwd: tmpdir(), encoding: "utf8" },
    ).trim();

    // Assess
    expect(found).toBe(join(installed, "terraform", "dist", "ecr-deployer.zip"));
  });

  it("finds the zips of this repository from the construct's own folder", () => {
    // Act & Assess
    expect(here()).toBe(join(ROOT, "modules"));
    expect(packagedZip("deployment-tracker")).toBe(join(ZIPS, "deployment-tracker.zip"));
  });
});

describe("one source of truth: the module and the construct", () => {
  it("maps every variable of the published module to the prop of the same name in camelCase", () => {
    // Prepare
    const variables = Object.keys(mergedModule().variable).sort();

    // Act
    const fromTable = Object.entries(MODULE_VARIABLES).map(([prop, spec]) => {
      expect(snakeCase(prop), prop).toBe(spec.name);
      return spec.name;
    });

    // Assess
    expect(fromTable.sort()).toEqual(variables);
  });

  it("gives every output of the published module from the construct member of that name", () => {
    // Prepare
    const outputs = mergedModule().output as Tf;

    // Act
    const fromTable = Object.entries(MODULE_OUTPUTS).map(([member, spec]) => {
      expect(snakeCase(member), member).toBe(spec.name);
      return spec.name;
    });

    // Assess
    expect(fromTable.sort()).toEqual(Object.keys(outputs).sort());
  });

  it("accepts as a prop each variable's default, checked like a literal", () => {
    // Prepare
    const defaults = Object.fromEntries(
      Object.entries(MODULE_VARIABLES)
        .filter(([, spec]) => spec.default !== null)
        .map(([prop, spec]) => [prop, spec.default]),
    ) as EcsDeploymentsOptions;

    // Act & Assess
    expect(() => synth({ code, ...defaults })).not.toThrow();
  });
});
