import { describe, expect, it } from "vitest";
import { InvalidImageReferenceError } from "../../functions/shared/errors.js";
import {
  formatImageReference,
  parseImageReference,
} from "../../functions/shared/image-reference.js";

const D = `sha256:${"ab".repeat(32)}`;

describe("parseImageReference", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27" }],
    ["docker.io/nginx:1", { registry: "docker.io", repository: "library/nginx", tag: "1" }],
    ["index.docker.io/library/nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["bitnami/redis:7.2", { registry: "docker.io", repository: "bitnami/redis", tag: "7.2" }],
    ["ghcr.io/acme/api:2.0", { registry: "ghcr.io", repository: "acme/api", tag: "2.0" }],
    [
      "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
      {
        registry: "public.ecr.aws",
        repository: "aws-observability/aws-otel-collector",
        tag: "v0.40.0",
      },
    ],
    ["localhost:5000/app:1", { registry: "localhost:5000", repository: "app", tag: "1" }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    [
      "registry.example.com:8443/team/app",
      { registry: "registry.example.com:8443", repository: "team/app" },
    ],
    ["[::1]:5000/app:dev", { registry: "[::1]:5000", repository: "app", tag: "dev" }],
    [`nginx@${D}`, { registry: "docker.io", repository: "library/nginx", digest: D }],
    [
      `nginx:1.27@${D}`,
      { registry: "docker.io", repository: "library/nginx", tag: "1.27", digest: D },
    ],
    [
      `localhost:5000/app:1@${D}`,
      { registry: "localhost:5000", repository: "app", tag: "1", digest: D },
    ],
  ])("returns the parts of %s", (raw, expected) => {
    // Act
    const ref = parseImageReference(raw);

    // Assess
    expect(ref).toEqual({ raw, ...expected });
  });

  it.each([
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1", "123456789012", "us-east-1"],
    ["444455556666.dkr.ecr.eu-central-1.amazonaws.com/app", "444455556666", "eu-central-1"],
    [
      "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1",
      "123456789012",
      "us-gov-west-1",
    ],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1", "123456789012", "cn-north-1"],
    [
      `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/app:1@${D}`,
      "123456789012",
      "ap-southeast-2",
    ],
  ])("returns the ECR account and region of %s", (raw, accountId, region) => {
    // Act
    const ref = parseImageReference(raw);

    // Assess
    expect(ref.ecr).toEqual({ accountId, region });
  });

  it.each(["public.ecr.aws/x/y:1", "ghcr.io/o/a:1", "nginx", "localhost:5000/app"])(
    "returns no ecr for %s",
    (raw) => {
      // Act & Assess
      expect(parseImageReference(raw).ecr).toBeUndefined();
    },
  );

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["not a string", 42],
    ["null", null],
    ["uppercase repository", "Nginx:1"],
    ["empty tag", "nginx:"],
    ["bad digest", "nginx@sha256:xyz"],
    ["sha512 digest", `nginx@sha512:${"a".repeat(128)}`],
    ["spaces", "my app:1"],
    ["a tag in the registry position", "nginx:latest/foo"],
    ["too long", `a${"b".repeat(5000)}`],
  ])("throws InvalidImageReferenceError for %s", (_label, raw) => {
    // Act & Assess
    expect(() => parseImageReference(raw)).toThrow(InvalidImageReferenceError);
  });
});

describe("formatImageReference", () => {
  it("returns registry/repository with tag and digest", () => {
    // Prepare
    const ref = parseImageReference("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1");

    // Act & Assess
    expect(formatImageReference(ref, { tag: "v2", digest: D })).toBe(
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2@${D}`,
    );
    expect(formatImageReference(ref, {})).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app",
    );
  });

  it("returns a reference that parses back to the same parts", () => {
    // Prepare
    const ref = parseImageReference(`localhost:5000/app:1@${D}`);

    // Act
    const again = parseImageReference(
      formatImageReference(ref, {
        ...(ref.tag && { tag: ref.tag }),
        ...(ref.digest && { digest: ref.digest }),
      }),
    );

    // Assess
    expect({ ...again, raw: "" }).toEqual({ ...ref, raw: "" });
  });
});
