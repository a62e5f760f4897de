import { spawnSync } from "node:child_process";
import { findMotoServer } from "../../scripts/moto.js";

export { ecrPushEvent } from "../../scripts/fakes/ecr-deployer.js";
export {
  fakeImageManifest,
  freePort,
  type MotoServer,
  pushFakeImage,
  startMoto,
  useMotoEnvironment,
} from "../../scripts/moto.js";

/**
 * Whether moto_server can be started. In CI its absence is an error (the suite must not
 * pass by skipping); elsewhere the suite is skipped with a printed reason.
 */
export function motoAvailable(): boolean {
  const binary = findMotoServer();
  const found =
    binary !== undefined && spawnSync(binary, ["--help"], { stdio: "ignore" }).status === 0;
  if (!found) {
    if (process.env.CI) {
      throw new Error(
        "moto_server is not installed, and CI must run the integration tests: bash scripts/install-tools.sh moto",
      );
    }
    console.warn(
      "SKIPPED: moto_server is not installed (bash scripts/install-tools.sh moto); integration tests do not run.",
    );
  }
  return found;
}
