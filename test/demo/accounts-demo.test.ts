import { describe, expect, it } from "vitest";
import { runAccountsDemo } from "../../scripts/demo-accounts.js";
import { motoAvailable } from "../support/moto.js";

describe.runIf(motoAvailable())("the multi-account demo", () => {
  it("rolls an image pushed in the central account out in the workload account and records the deployment from there", async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const result = await runAccountsDemo({ log: (line) => lines.push(line) });

    // Assess
    expect(result.pushedDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.followerImage).toBe(
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web:v2@${result.pushedDigest}`,
    );
    expect(result.bystanderImage).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web:v1");
    expect(result.deployerResult).toMatchObject({
      status: "queued",
      accounts: [
        { account: "123456789012", workItems: 0 },
        { account: "222222222222", workItems: 1, servicesToUpdate: 1 },
      ],
    });
    expect(result.received).toHaveLength(1);
    expect(result.received[0]?.body).toMatchObject({
      scope: "us-east-1/demo",
      workloads: [
        {
          name: "web",
          digests: [result.pushedDigest],
          properties: {
            account: "222222222222",
            taskDefinition: "arn:aws:ecs:us-east-1:222222222222:task-definition/web:2",
          },
        },
      ],
    });
    expect(lines.filter((l) => /^\[\d\/8\]/.test(l))).toHaveLength(8);
    expect(lines.join("\n")).not.toContain("demo-api-key-never-logged");
  });
});
