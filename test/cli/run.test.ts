import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitCommand } from "../../cli/args.js";
import { describeError } from "../../cli/errors.js";
import { run } from "../../cli/run.js";
import type { AwsClients } from "../../cli/types.js";
import { testDeps } from "./support.js";

describe("splitCommand", () => {
  it("returns the command after global options with values", () => {
    // Act / Assess
    expect(splitCommand(["--region", "eu-west-1", "doctor", "--json"])).toEqual({
      command: "doctor",
      rest: ["--region", "eu-west-1", "--json"],
    });
  });

  it("returns no command when there are only options", () => {
    // Act / Assess
    expect(splitCommand(["--help"])).toEqual({ command: undefined, rest: ["--help"] });
  });
});

describe("run", () => {
  it("returns 0 and lists the commands when asked for help", async () => {
    // Prepare
    const deps = testDeps();

    // Act
    const code = await run(["--help"], deps);

    // Assess
    expect(code).toBe(0);
    expect(deps.out()).toMatch(/test-event[\s\S]*redrive[\s\S]*doctor/);
  });

  it.each([[["--version"]], [["-V"]], [["doctor", "--version"]], [["redrive", "--version"]]])(
    "returns 0 and the package's version for %j",
    async (argv) => {
      // Prepare
      const deps = testDeps();
      const { version } = JSON.parse(
        readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8"),
      ) as { version: string };

      // Act
      const code = await run(argv, deps);

      // Assess
      expect(code).toBe(0);
      expect(deps.out()).toBe(version);
    },
  );

  it.each(["test-event", "redrive", "doctor"])(
    "returns 0 and the command's help for %s --help",
    async (command) => {
      // Prepare
      const deps = testDeps();

      // Act
      const code = await run([command, "--help"], deps);

      // Assess
      expect(code).toBe(0);
      expect(deps.out()).toContain(`Usage: ecs-deployments ${command}`);
    },
  );

  it.each([
    [[], "No command given"],
    [["deploy"], 'Unknown command "deploy"'],
    [["redrive"], "--function is required"],
    [
      ["redrive", "--function", "tracker", "--max", "0"],
      '--max must be a positive integer, got "0"',
    ],
    [["redrive", "--function", "tracker", "--bogus"], "Unknown option '--bogus'"],
    [["redrive", "--function"], "argument missing"],
    [["redrive", "--function", "tracker", "extra"], "Unexpected argument 'extra'"],
    [["test-event"], "--service is required"],
    [
      ["test-event", "--service", "a/b/c"],
      "--service must be a service ARN, cluster/service or a service name",
    ],
    [
      ["test-event", "--service", "prod/web", "--status", "DONE"],
      "--status must be one of COMPLETED, FAILED",
    ],
    [
      [
        "test-event",
        "--service",
        "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
        "--region",
        "us-east-1",
      ],
      "--region us-east-1 contradicts the region eu-west-1 of the service ARN",
    ],
    [
      ["redrive", "--function", "tracker", "--queue-url", "notaurl"],
      '--queue-url must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/my-dlq, got "notaurl"',
    ],
    [
      [
        "redrive",
        "--function",
        "tracker",
        "--queue-url",
        "https://sqs.eu-west-1.amazonaws.com/my-dlq",
      ],
      "--queue-url must be an SQS queue URL",
    ],
    [
      [
        "redrive",
        "--function",
        "tracker",
        "--queue-url",
        "ftp://sqs.eu-west-1.amazonaws.com/123456789012/q",
      ],
      "--queue-url must be an SQS queue URL",
    ],
    [["doctor", "--require", "all"], "--require must be one of none, tracker, deployer, both"],
    [["doctor", "--region", "Europe"], "--region must be an AWS region"],
    [["doctor", "--name-prefix", "bad prefix!"], "--name-prefix must be 1-32 letters"],
  ])("returns 2 with a message and no stack trace for %j", async (argv, message) => {
    // Prepare
    const deps = testDeps();

    // Act
    const code = await run(argv, deps);

    // Assess
    expect(code).toBe(2);
    expect(deps.err()).toContain(message);
    expect(deps.err()).toContain("--help");
    expect(deps.err()).not.toMatch(/\n\s+at /);
  });
});

describe("run with a failing AWS call", () => {
  const denied = Object.assign(
    new Error("User is not authorized to perform ecs:DescribeServices"),
    {
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 403 },
    },
  );
  const clients = () =>
    ({
      ecs: {
        send: async () => {
          throw denied;
        },
      },
    }) as unknown as AwsClients;

  it("returns 1 with the AWS error in one line and no stack trace", async () => {
    // Prepare
    const deps = testDeps({ clients });

    // Act
    const code = await run(["test-event", "--service", "prod/web"], deps);

    // Assess
    expect(code).toBe(1);
    expect(deps.err()).toBe(
      "ecs-deployments: AWS AccessDeniedException: User is not authorized to perform ecs:DescribeServices",
    );
  });

  it("returns 1 and prints the stack trace when --debug is given", async () => {
    // Prepare
    const deps = testDeps({ clients });

    // Act
    const code = await run(["test-event", "--service", "prod/web", "--debug"], deps);

    // Assess
    expect(code).toBe(1);
    expect(deps.err()).toMatch(/\n\s+at /);
  });
});

describe("describeError", () => {
  it("returns a hint when the request never reached AWS", () => {
    // Prepare
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { $metadata: {} });

    // Act / Assess
    expect(describeError(error)).toBe("Cannot reach AWS: connect ECONNREFUSED 127.0.0.1:9");
  });

  it("returns a hint when no region is configured", () => {
    // Act / Assess
    expect(describeError(new Error("Region is missing"))).toBe(
      "No AWS region: pass --region or set AWS_REGION",
    );
  });
});
