/**
 * moto_server for the tests of one `describe`: started before them with the AWS SDK
 * pointed at it, stopped after them with the process's environment given back.
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterAll, beforeAll, vi } from "vitest";
import { credentialsInAccount } from "../../scripts/moto.js";
import { type MotoServer, startMoto, useMotoEnvironment } from "./moto.js";

/** The moto_server of a `describe`, from {@link motoServerFixture}. */
export interface MotoFixture {
  /** Whether moto_server runs: not before the fixture's `beforeAll`, nor when it failed to start. */
  readonly running: boolean;
  /** moto_server's URL, while it runs. */
  readonly endpoint: string;
  /** Wipes all state in moto_server (moto's reset API), e.g. before each test. */
  reset(): Promise<void>;
  /**
   * Credentials that act in `account`, for setting up what exists there: on moto, the
   * credentials of an assumed role act in the role's account.
   */
  credentialsIn(account: string): Promise<AwsCredentialIdentity>;
}

/**
 * Starts moto_server before the tests of the enclosing `describe` and points the AWS SDK
 * at it in `region` (moto's default account, 123456789012); after them, undoes
 * `vi.stubEnv`, gives the process back the environment it had before, and stops
 * moto_server. Call it first in the `describe`: its `afterAll` then runs after the
 * file's own (vitest runs "after" hooks in reverse order), while moto_server still runs.
 */
export function motoServerFixture(region: string): MotoFixture {
  let moto: MotoServer | undefined;
  let savedEnvironment: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    savedEnvironment = { ...process.env };
    moto = await startMoto();
    useMotoEnvironment(moto.endpoint, region);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const key of Object.keys(process.env))
      if (!(key in savedEnvironment)) delete process.env[key];
    Object.assign(process.env, savedEnvironment);
    await moto?.stop();
    moto = undefined;
  });

  return {
    get running(): boolean {
      return moto !== undefined;
    },
    get endpoint(): string {
      if (moto === undefined)
        throw new Error("moto_server is not running: use it in a test or hook");
      return moto.endpoint;
    },
    async reset() {
      if (moto === undefined)
        throw new Error("moto_server is not running: reset it in a test or hook");
      await moto.reset();
    },
    credentialsIn: (account) =>
      credentialsInAccount(account, { region, roleName: "setup", sessionName: "setup" }),
  };
}
