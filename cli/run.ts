import { randomUUID } from "node:crypto";
import { parseCommandArgs, splitCommand } from "./args.js";
import { defaultClients } from "./clients.js";
import { doctorCommand } from "./commands/doctor.js";
import { redriveCommand } from "./commands/redrive.js";
import { testEventCommand } from "./commands/test-event.js";
import { ExitCode, TOOL } from "./constants.js";
import { CliError, describeError, UsageError } from "./errors.js";
import { probeUrl } from "./http.js";
import type { Command, Deps } from "./types.js";
import { packageVersion } from "./version.js";

/** The commands, in the order help lists them. */
export const COMMANDS: readonly Command[] = [testEventCommand, redriveCommand, doctorCommand];

/** The tool's help text. */
export function toolHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Usage: ${TOOL} <command> [options]

Operate an ecs-deployments installation (the deployment tracker and the ECR deployer).

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join("\n")}

Global options:
  --region <region>     The AWS region (default: the SDK's, from AWS_REGION or the profile).
  --name-prefix <p>     The module's name_prefix (default: ecs-deployments).
  --json                Machine-readable output.
  --debug               Show stack traces of errors.
  -h, --help            Show help; "${TOOL} <command> --help" for a command.
  -V, --version         Print the version of ${TOOL}.

Exit codes: 0 ok, 1 failure, 2 usage error.`;
}

/** The real dependencies: AWS clients, stdout/stderr, fetch, the clock. */
export function defaultDeps(): Deps {
  return {
    clients: defaultClients(),
    output: {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    },
    probe: probeUrl,
    now: () => new Date(),
    randomId: randomUUID,
  };
}

/**
 * Runs the CLI with arguments (without `node` and the script) and returns the exit code.
 * Never throws: errors are printed as one line (with the stack under --debug).
 */
export async function run(argv: readonly string[], deps: Deps = defaultDeps()): Promise<number> {
  const { output } = deps;
  const debug = argv.includes("--debug");
  let commandName: string | undefined;
  try {
    const { command: name, rest } = splitCommand(argv);
    commandName = name;
    if (name === undefined) {
      const parsed = parseCommandArgs(undefined, rest, {});
      if (parsed.version) {
        output.out(packageVersion());
        return ExitCode.OK;
      }
      if (parsed.help) {
        output.out(toolHelp());
        return ExitCode.OK;
      }
      throw new UsageError("No command given");
    }
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (command === undefined) {
      throw new UsageError(
        `Unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
      );
    }
    const parsed = parseCommandArgs(name, rest, command.options);
    if (parsed.version) {
      output.out(packageVersion());
      return ExitCode.OK;
    }
    if (parsed.help) {
      output.out(command.help);
      return ExitCode.OK;
    }
    return await command.run({ deps, global: parsed.global, values: parsed.values });
  } catch (error) {
    if (error instanceof UsageError) {
      const command = error.command ?? commandName;
      const known = COMMANDS.some((candidate) => candidate.name === command);
      output.err(`${TOOL}: ${error.message}`);
      output.err(`Run "${TOOL} ${known ? `${command} ` : ""}--help" for usage.`);
      return ExitCode.USAGE;
    }
    output.err(`${TOOL}: ${describeError(error)}`);
    if (debug && error instanceof Error && error.stack) output.err(error.stack);
    return error instanceof CliError ? error.exitCode : ExitCode.FAILURE;
  }
}
