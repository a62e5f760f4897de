import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../functions/ecr-deployer/config.js";
import { ConfigurationError } from "../../functions/ecr-deployer/errors.js";

const VARIABLES = [
  "ALLOWED_CLUSTERS",
  "OPT_IN_TAG_KEY",
  "DEFAULT_TAG_PATTERN",
  "IMAGE_PIN",
  "DRY_RUN",
  "ALLOWED_REGIONS",
  "POWERTOOLS_SERVICE_NAME",
  "PUBLISH_IMAGES",
  "IMAGE_PARAMETER_PATH",
  "QUOTA_SHARE",
  "ROLLOUT_QUEUE_URL",
];

describe("loadConfig", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("returns the documented defaults when no variable is set", () => {
    // Prepare
    for (const name of VARIABLES) vi.stubEnv(name, undefined);

    // Act
    const config = loadConfig();

    // Assess
    expect(config).toEqual({
      allowedClusters: [],
      allowedRegions: [],
      optInTagKey: "ecs-deployments:follow",
      imagePin: "tag-and-digest",
      dryRun: false,
      serviceName: "ecr-deployer",
      publishImages: false,
      imageParameterPath: "/ecs-deployments/images",
      quotaShare: 0.5,
    });
  });

  it("returns parsed lists and flags when every variable is set", () => {
    // Prepare
    vi.stubEnv("ALLOWED_CLUSTERS", " prod, staging ,,prod");
    vi.stubEnv("OPT_IN_TAG_KEY", "deploy/follow");
    vi.stubEnv("DEFAULT_TAG_PATTERN", "main-*");
    vi.stubEnv("IMAGE_PIN", "digest");
    vi.stubEnv("DRY_RUN", "TRUE");
    vi.stubEnv("ALLOWED_REGIONS", "eu-west-1,us-east-1");
    vi.stubEnv("POWERTOOLS_SERVICE_NAME", "platform-ecr-deployer");
    vi.stubEnv("PUBLISH_IMAGES", "true");
    vi.stubEnv("IMAGE_PARAMETER_PATH", "/platform/images");
    vi.stubEnv("QUOTA_SHARE", "0.25");
    vi.stubEnv(
      "ROLLOUT_QUEUE_URL",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/ecr-deployer-rollout.fifo",
    );

    // Act
    const config = loadConfig();

    // Assess
    expect(config).toEqual({
      allowedClusters: ["prod", "staging"],
      allowedRegions: ["eu-west-1", "us-east-1"],
      optInTagKey: "deploy/follow",
      defaultTagPattern: "main-*",
      imagePin: "digest",
      dryRun: true,
      serviceName: "platform-ecr-deployer",
      publishImages: true,
      imageParameterPath: "/platform/images",
      quotaShare: 0.25,
      rolloutQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/ecr-deployer-rollout.fifo",
    });
  });

  it.each([
    ["IMAGE_PIN", "sha", /IMAGE_PIN must be one of tag-and-digest, digest, tag/],
    ["DRY_RUN", "yes", /DRY_RUN must be one of true, false/],
    ["ALLOWED_CLUSTERS", "prod,bad name", /ALLOWED_CLUSTERS/],
    ["ALLOWED_REGIONS", "europe", /ALLOWED_REGIONS/],
    ["DEFAULT_TAG_PATTERN", "v[0-9]", /DEFAULT_TAG_PATTERN/],
    ["OPT_IN_TAG_KEY", "aws:follow", /OPT_IN_TAG_KEY/],
    ["PUBLISH_IMAGES", "on", /PUBLISH_IMAGES must be one of true, false/],
    ["QUOTA_SHARE", "0", /QUOTA_SHARE must be a number greater than 0 and at most 1/],
    ["QUOTA_SHARE", "1.5", /QUOTA_SHARE must be a number greater than 0 and at most 1/],
    ["QUOTA_SHARE", "half", /QUOTA_SHARE must be a number greater than 0 and at most 1/],
    ["ROLLOUT_QUEUE_URL", "ecr-deployer-rollout.fifo", /ROLLOUT_QUEUE_URL must be the URL/],
    ["IMAGE_PARAMETER_PATH", "platform/images", /IMAGE_PARAMETER_PATH must be a parameter path/],
    ["IMAGE_PARAMETER_PATH", "/platform/images/", /IMAGE_PARAMETER_PATH/],
    ["IMAGE_PARAMETER_PATH", "/platform images", /IMAGE_PARAMETER_PATH/],
    ["IMAGE_PARAMETER_PATH", "/aws/images", /not starting with "aws" or "ssm"/],
    ["IMAGE_PARAMETER_PATH", "/SSM-images", /IMAGE_PARAMETER_PATH/],
    ["IMAGE_PARAMETER_PATH", "/a/b/c/d/e/f/g/h/i/j/k/l/m", /at most 12/],
  ])("throws ConfigurationError naming %s when it is %s", (name, value, message) => {
    // Prepare
    vi.stubEnv(name, value);

    // Act
    const read = () => loadConfig();

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(message);
  });
});

describe("loadConfig IMAGE_PARAMETER_PATH", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("accepts a path of 12 levels, leaving 3 for cluster, service and container", () => {
    // Prepare
    vi.stubEnv("IMAGE_PARAMETER_PATH", "/a/b/c/d/e/f/g/h/i/j/k/l");

    // Act
    const config = loadConfig();

    // Assess
    expect(config.imageParameterPath).toBe("/a/b/c/d/e/f/g/h/i/j/k/l");
  });
});
