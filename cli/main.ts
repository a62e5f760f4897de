/** Entry point of `ecs-deployments`: runs the CLI with the process's arguments. */
import { run } from "./run.js";

process.exitCode = await run(process.argv.slice(2));
