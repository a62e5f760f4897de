import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../functions/ecr-deployer/errors.js";
import { classifyEvent } from "../../functions/ecr-deployer/event.js";
import { pushEvent } from "./support.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ecr");

function fixture(name: string): { documentation: string; event: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
}

describe("classifyEvent", () => {
  it("returns the pushed image when the fixture is a tagged successful push", () => {
    // Prepare
    const { event } = fixture("push-success.json");

    // Act
    const classified = classifyEvent(event);

    // Assess
    expect(classified).toEqual({
      kind: "push",
      image: {
        eventId: "13cde686-328b-6117-af20-0e5566167482",
        accountId: "123456789012",
        region: "us-west-2",
        repository: "my-repository-name",
        tag: "latest",
        digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/),
        time: "2019-11-16T01:54:34Z",
      },
    });
  });

  it.each([
    ["push-untagged.json", "untagged-push"],
    ["push-failure.json", "push-not-successful"],
    ["delete.json", "not-a-push"],
    ["replication.json", "not-an-image-action"],
    ["scan.json", "not-an-image-action"],
  ])("returns a no-op when the fixture is %s", (name, reason) => {
    // Prepare
    const { event } = fixture(name);

    // Act
    const classified = classifyEvent(event);

    // Assess
    expect(classified).toMatchObject({ kind: "ignored", reason });
  });

  it("documents every fixture with an AWS documentation URL", () => {
    // Prepare
    const names = [
      "push-success.json",
      "push-untagged.json",
      "push-failure.json",
      "delete.json",
      "replication.json",
      "scan.json",
    ];

    // Act
    const docs = names.map((name) => fixture(name).documentation);

    // Assess
    for (const url of docs) expect(url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it("returns a no-op when the image tag is an empty string", () => {
    // Prepare
    const event = pushEvent({ tag: "" });

    // Act
    const classified = classifyEvent(event);

    // Assess
    expect(classified).toMatchObject({ kind: "ignored", reason: "untagged-push" });
  });

  const valid = pushEvent();
  const withDetail = (detail: Record<string, unknown>) => ({
    ...valid,
    detail: { ...valid.detail, ...detail },
  });
  const without = (key: string) =>
    Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
  const withoutDetail = (key: string) => ({
    ...valid,
    detail: Object.fromEntries(Object.entries(valid.detail).filter(([k]) => k !== key)),
  });

  it.each([
    ["null", null, "event"],
    ["a string", "ECR Image Action", "event"],
    ["an array", [valid], "event"],
    ["no id", without("id"), "id"],
    ["an empty id", { ...valid, id: "" }, "id"],
    ["a 129-character id", { ...valid, id: "i".repeat(129) }, "id"],
    ["a 100 KB time", { ...valid, time: `2026-01-01T12:00:00Z${" ".repeat(100 * 1024)}` }, "time"],
    ["another source", { ...valid, source: "aws.ecs" }, "source"],
    ["no source", without("source"), "source"],
    ["no detail-type", without("detail-type"), "detail-type"],
    ["a numeric account", { ...valid, account: 123456789012 }, "account"],
    ["a short account", { ...valid, account: "12345" }, "account"],
    ["a bad region", { ...valid, region: "mars-1" }, "region"],
    ["no time", without("time"), "time"],
    ["an invalid time", { ...valid, time: "yesterday" }, "time"],
    ["no detail", without("detail"), "detail"],
    ["a null detail", { ...valid, detail: null }, "detail"],
    ["an array detail", { ...valid, detail: [] }, "detail"],
    ["no action-type", withoutDetail("action-type"), "detail.action-type"],
    ["a numeric result", withDetail({ result: 1 }), "detail.result"],
    ["no repository-name", withoutDetail("repository-name"), "detail.repository-name"],
    [
      "an uppercase repository-name",
      withDetail({ "repository-name": "Team/App" }),
      "detail.repository-name",
    ],
    ["no image-digest", withoutDetail("image-digest"), "detail.image-digest"],
    ["a non-sha256 image-digest", withDetail({ "image-digest": "md5:abc" }), "detail.image-digest"],
    ["a numeric image-tag", withDetail({ "image-tag": 2 }), "detail.image-tag"],
    ["an image-tag with a slash", withDetail({ "image-tag": "feature/x" }), "detail.image-tag"],
    ["a 129-character image-tag", withDetail({ "image-tag": "t".repeat(129) }), "detail.image-tag"],
    [
      "a 257-character repository-name",
      withDetail({ "repository-name": `team/${"a".repeat(252)}` }),
      "detail.repository-name",
    ],
    [
      "a 1-character repository-name",
      withDetail({ "repository-name": "a" }),
      "detail.repository-name",
    ],
    [
      "a repository-name with a double underscore",
      withDetail({ "repository-name": "team/my__app" }),
      "detail.repository-name",
    ],
    [
      "a repository-name with a double dash",
      withDetail({ "repository-name": "team/my--app" }),
      "detail.repository-name",
    ],
    [
      "a repository-name ending in a slash",
      withDetail({ "repository-name": "team/" }),
      "detail.repository-name",
    ],
    ["a 100 KB region", { ...valid, region: `eu-${"west".repeat(25_600)}-1` }, "region"],
    ["a 129-character detail-type", { ...valid, "detail-type": "d".repeat(129) }, "detail-type"],
    [
      "a resource with an empty partition",
      { ...valid, resources: ["arn::ecr:eu-west-1:123456789012:repository/team/app"] },
      "resources[0]",
    ],
    [
      "a resource with an unknown partition",
      { ...valid, resources: ["arn:aws-mars:ecr:eu-west-1:123456789012:repository/team/app"] },
      "resources[0]",
    ],
  ])("throws InvalidEventError naming %s", (_label, event, field) => {
    // Prepare
    let thrown: unknown;

    // Act
    try {
      classifyEvent(event);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(InvalidEventError);
    expect(thrown).not.toBeInstanceOf(TypeError);
    expect((thrown as InvalidEventError).field).toBe(field);
    expect((thrown as InvalidEventError).retryable).toBe(false);
    expect((thrown as Error).message).toContain(field);
  });

  it.each([
    ["a 256-character repository-name", { "repository-name": `team/${"a".repeat(251)}` }],
    ["a 2-character repository-name", { "repository-name": "ab" }],
    ["a repository-name with . _ - separators", { "repository-name": "a.b/c_d/e-f/g" }],
    ["a 128-character image-tag", { "image-tag": `_${"t".repeat(127)}` }],
  ])("returns the push when it has %s (the documented limits hold)", (_label, detail) => {
    // Act
    const classified = classifyEvent(withDetail(detail));

    // Assess
    expect(classified.kind).toBe("push");
  });

  it("refuses a 100 KB repository-name with a short message that gives the limit and the length", () => {
    // Prepare
    const name = "a".repeat(100 * 1024);
    let thrown: unknown;

    // Act
    try {
      classifyEvent(withDetail({ "repository-name": name }));
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(InvalidEventError);
    const message = (thrown as Error).message;
    expect(message).toContain(
      "detail.repository-name must be an ECR repository name of 2 to 256 characters",
    );
    expect(message).toContain(`(${100 * 1024} characters)`);
    expect(message.length).toBeLessThan(300);
  });
});
