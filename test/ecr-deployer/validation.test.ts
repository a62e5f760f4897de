import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createHandler } from "../../functions/ecr-deployer/deployer.js";
import { InvalidEventError } from "../../functions/ecr-deployer/errors.js";
import { defaultDependencies } from "../../functions/ecr-deployer/index.js";
import { config, pushEvent, silentLogger } from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);

describe("push handler input validation", () => {
  const queue = { send: vi.fn(async () => {}), retryAfter: vi.fn(async () => {}) };

  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
    queue.send.mockClear();
  });

  it.each([
    ["a 100 KB repository name", pushEvent({ repository: "a".repeat(100 * 1024) })],
    ["a 257-character repository name", pushEvent({ repository: "r".repeat(257) })],
    ["a 129-character tag", pushEvent({ tag: "t".repeat(129) })],
    ["a 100 KB event id", pushEvent({ id: "i".repeat(100 * 1024) })],
  ])("refuses %s with a classified error before any AWS call", async (_label, event) => {
    // Prepare
    const handler = createHandler(
      defaultDependencies({ config: config(), logger: silentLogger(), queue }),
    );

    // Act
    const act = handler(event);

    // Assess
    await expect(act).rejects.toBeInstanceOf(InvalidEventError);
    await expect(act).rejects.toMatchObject({ retryable: false });
    expect(ecsMock.calls()).toHaveLength(0);
    expect(ecrMock.calls()).toHaveLength(0);
    expect(queue.send).not.toHaveBeenCalled();
  });
});
