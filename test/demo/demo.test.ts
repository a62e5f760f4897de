import { describe, expect, it } from "vitest";
import { runDemo } from "../../scripts/demo.js";
import { motoAvailable } from "../support/moto.js";

describe.runIf(motoAvailable())("the local end-to-end demo", () => {
  it("rolls the pushed image out to the opted-in service only and delivers one record in the original CloudFormation tracker's JSON shape", async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const result = await runDemo({ log: (line) => lines.push(line) });

    // Assess
    expect(result.pushedDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.followerImage).toBe(
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web:v2@${result.pushedDigest}`,
    );
    expect(result.bystanderImage).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web:v1");
    expect(result.received).toHaveLength(1);
    const [request] = result.received;
    expect(request?.headers["x-cardinalhq-api-key"]).toBe("demo-api-key-never-logged");
    expect(request?.headers["idempotency-key"]).toBeTruthy();
    expect(request?.body).toMatchObject({
      runtime: "ecs",
      scope: "us-east-1/demo",
      workloads: [
        {
          name: "web",
          digests: [result.pushedDigest],
          properties: {
            cluster: "demo",
            region: "us-east-1",
            eventType: "SERVICE_DEPLOYMENT_COMPLETED",
            taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2",
          },
        },
      ],
    });
    expect(lines.filter((l) => /^\[\d\/9\]/.test(l))).toHaveLength(9);
    expect(lines.join("\n")).not.toContain("demo-api-key-never-logged");
  });
});
