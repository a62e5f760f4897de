import type { ECSClient } from "@aws-sdk/client-ecs";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SSMClient } from "@aws-sdk/client-ssm";

/** Where the CLI writes: results to `out`, progress and errors to `err`. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** The AWS clients of one region. */
export interface AwsClients {
  readonly ecs: ECSClient;
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
  readonly events: EventBridgeClient;
  readonly secrets: SecretsManagerClient;
  readonly ssm: SSMClient;
}

/** Returns the clients of a region (undefined: the SDK's default region). */
export type ClientFactory = (region: string | undefined) => AwsClients;

/** The answer of a reachability request. */
export type ProbeResult =
  | { readonly reachable: true; readonly status: number }
  | { readonly reachable: false; readonly error: string };

/** Sends one request to a URL and says whether anything answered. */
export type HttpProbe = (url: URL, timeoutMs: number) => Promise<ProbeResult>;

/** Everything the CLI touches outside itself; tests pass their own. */
export interface Deps {
  readonly clients: ClientFactory;
  readonly output: Output;
  readonly probe: HttpProbe;
  readonly now: () => Date;
  readonly randomId: () => string;
}

/** Options every command accepts. */
export interface GlobalOptions {
  readonly region: string | undefined;
  readonly namePrefix: string;
  readonly json: boolean;
  readonly debug: boolean;
}

/** What a command gets to run. */
export interface CommandContext {
  readonly deps: Deps;
  readonly global: GlobalOptions;
  /** The command's own option values, as parsed by `node:util` parseArgs. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/** Options in the form `node:util` parseArgs takes. */
export type OptionSpec = Readonly<
  Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>
>;

/** One command of the CLI. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text shown by `<command> --help`. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Runs the command; returns the exit code. Throws CliError for usage or AWS trouble. */
  run(context: CommandContext): Promise<number>;
}
