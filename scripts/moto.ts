/**
 * moto_server on 127.0.0.1: the AWS APIs for the local demo and the integration tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join, resolve } from "node:path";
import { type ECRClient, PutImageCommand, type PutImageCommandOutput } from "@aws-sdk/client-ecr";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";

/** Where `scripts/install-tools.sh` installs the tools: `.tools/bin` of this clone. */
export const TOOLS_BIN = resolve(import.meta.dirname, "..", ".tools", "bin");

/** A tool the demo or a test needs is not installed; its message says how to install it. */
export class ToolMissingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ToolMissingError";
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `moto_server`: the one `scripts/install-tools.sh` put into `.tools/bin`
 * first, else the first on `PATH`; undefined when there is none.
 */
export function findMotoServer(
  path: string = process.env.PATH ?? "",
  toolsBin: string = TOOLS_BIN,
): string | undefined {
  const dirs = [toolsBin, ...path.split(delimiter).filter((dir) => dir !== "")];
  return dirs.map((dir) => join(dir, "moto_server")).find(isExecutable);
}

/** The path of `moto_server`. @throws {ToolMissingError} when it is not installed. */
export function requireMotoServer(
  path: string = process.env.PATH ?? "",
  toolsBin: string = TOOLS_BIN,
): string {
  const found = findMotoServer(path, toolsBin);
  if (found === undefined) {
    throw new ToolMissingError(
      "moto_server is not installed: run `bash scripts/install-tools.sh moto` (it installs moto into .tools/bin; needs Python 3.11+ with venv)",
    );
  }
  return found;
}

/**
 * The command that starts `binary`: through `scripts/moto-server.py` (moto with a faster
 * clock for SQS) with the Python of moto's own script when it names one, else as it is.
 */
export function motoCommand(binary: string): { command: string; prefix: string[] } {
  let python: string | undefined;
  try {
    const firstLine = readFileSync(binary, "utf8").slice(0, 512).split("\n", 1)[0] ?? "";
    const shebang = /^#!\s*(\S*python[\d.]*)\s*$/.exec(firstLine);
    python = shebang?.[1];
  } catch {
    // not readable as text: a wrapper or a binary, started as it is
  }
  if (python === undefined || !isExecutable(python)) return { command: binary, prefix: [] };
  return { command: python, prefix: [join(import.meta.dirname, "moto-server.py")] };
}

/** A running moto_server on 127.0.0.1. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Wipes all state in the server (moto's reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto_server on a free port of 127.0.0.1 and waits until it answers.
 *
 * @throws {ToolMissingError} when moto_server is not installed.
 */
export async function startMoto(): Promise<MotoServer> {
  const binary = requireMotoServer();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const { command, prefix } = motoCommand(binary);
  const child: ChildProcess = spawn(command, [...prefix, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Without a listener a failed spawn is an unhandled 'error' event that kills the process.
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError) throw new ToolMissingError(`cannot start ${binary}: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

/**
 * Points every AWS SDK client created afterwards at moto (the SDK reads AWS_ENDPOINT_URL),
 * with dummy credentials so nothing can reach a real account.
 */
export function useMotoEnvironment(endpoint: string, region = "us-east-1"): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ACCESS_KEY_ID = "testing";
  process.env.AWS_SECRET_ACCESS_KEY = "testing";
  process.env.AWS_SESSION_TOKEN = "testing";
  process.env.AWS_REGION = region;
  process.env.AWS_DEFAULT_REGION = region;
}

/** Which role {@link credentialsInAccount} assumes, and where. */
export interface AccountRole {
  readonly region: string;
  /** The role's name in the account; moto assumes any name. */
  readonly roleName: string;
  readonly sessionName: string;
}

/**
 * Credentials that act in `account` on moto_server, for setting up what exists there:
 * moto's credentials from `sts:AssumeRole` act in the role's account.
 */
export async function credentialsInAccount(
  account: string,
  role: AccountRole,
): Promise<AwsCredentialIdentity> {
  const out = await new STSClient({ region: role.region }).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${role.roleName}`,
      RoleSessionName: role.sessionName,
    }),
  );
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId as string,
    secretAccessKey: c?.SecretAccessKey as string,
    sessionToken: c?.SessionToken as string,
  };
}

/**
 * A small, valid Docker image manifest (schema 2) for moto's ECR PutImage; `variant`
 * makes its config and layer, and so its digest, unique.
 */
export function fakeImageManifest(variant: string): string {
  const sha = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex")}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: 1469,
      digest: sha(`config-${variant}`),
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: 2811,
        digest: sha(`layer-${variant}`),
      },
    ],
  });
}

/**
 * Pushes a fake image as `repositoryName:tag`, with the manifest `fakeImageManifest(variant)`:
 * the same variant gives the same digest.
 * @param variant what tells the manifest apart. @default tag
 */
export function pushFakeImage(
  ecr: ECRClient,
  repositoryName: string,
  tag: string,
  variant: string = tag,
): Promise<PutImageCommandOutput> {
  return ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: fakeImageManifest(variant),
      imageTag: tag,
    }),
  );
}
