/**
 * The grammars of AWS names, written once: the functions, the CLI, the constructs' prop
 * checks and the module's variable validations all use these. Dependency-free.
 */

/**
 * The AWS partitions: the ids of the AWS SDK's partitions data (`partitionsInfo` of
 * `@aws-sdk/core`, util-endpoints; a test keeps the two in step).
 */
export const PARTITIONS = [
  "aws",
  "aws-cn",
  "aws-us-gov",
  "aws-iso",
  "aws-iso-b",
  "aws-iso-e",
  "aws-iso-f",
  "aws-eusc",
] as const;

/** An AWS partition. */
export type Partition = (typeof PARTITIONS)[number];

/** A known AWS partition (one of {@link PARTITIONS}). */
export const PARTITION = new RegExp(`^(?:${PARTITIONS.join("|")})$`);

/** An AWS region name (`eu-west-1`; two to four letters first: `eusc-de-east-1`). */
export const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** A 12-digit AWS account ID. */
export const ACCOUNT_ID = /^\d{12}$/;

/** An ECS cluster name. */
export const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** An ECS service name: the same grammar as a cluster name. */
export const SERVICE_NAME = CLUSTER_NAME;

// Docker's own grammar (distribution/reference): lowercase components separated by `._`, `__` or dashes.
const PATH_COMPONENT_SOURCE = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

/** One `/`-separated component of an image repository path. */
export const IMAGE_PATH_COMPONENT = new RegExp(`^${PATH_COMPONENT_SOURCE}$`);

// ECR's own grammar (the `repositoryName` pattern of the ECR API reference): one `.`, `_` or `-` between alphanumerics.
const ECR_COMPONENT_SOURCE = "[a-z0-9]+(?:[._-][a-z0-9]+)*";

/**
 * An ECR repository name (the ECR API's pattern; check {@link Limits} first: the pattern has
 * no length bound). Stricter than Docker's grammar of image references: no `__` or `--`.
 */
export const ECR_REPOSITORY_NAME = new RegExp(
  `^(?:${ECR_COMPONENT_SOURCE}\\/)*${ECR_COMPONENT_SOURCE}$`,
);

/** An image tag: at most 128 characters, the first a letter, digit or `_` (the OCI distribution spec). */
export const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;

/** Length limits of the names above, checked before any pattern. */
export const Limits = {
  /** ECR `repositoryName`: 2 to 256 characters (ECR API reference). */
  ECR_REPOSITORY_NAME_MIN: 2,
  ECR_REPOSITORY_NAME_MAX: 256,
  /** Image tags: at most 128 characters (the OCI distribution spec; Docker refuses longer tags). */
  IMAGE_TAG_MAX: 128,
  /** EventBridge `detail-type`: at most 128 characters (PutEvents API reference). */
  DETAIL_TYPE_MAX: 128,
  /**
   * Region names: AWS documents no maximum; the longest today has 14 characters
   * (`ap-southeast-5`, `eusc-de-east-1`). Ours, so the pattern never runs on a huge string.
   */
  REGION_MAX: 32,
  /**
   * EventBridge event ids: AWS sets them (a UUID, 36 characters) and documents no maximum.
   * Ours, so an id travels in a work item (an SQS message of at most 256 KB) whatever it is.
   */
  EVENT_ID_MAX: 128,
} as const;

/** A `sha256:` image digest. */
export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The host of an ECR private registry: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`. */
export const ECR_REGISTRY_HOST = new RegExp(
  `^(?<accountId>\\d{12})\\.dkr\\.ecr(?:-fips)?\\.(?<region>${REGION.source.slice(1, -1)})\\.amazonaws\\.com(?:\\.cn)?$`,
);

/** An IAM role ARN. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/**
 * An `sts:AssumeRole` ExternalId: at least 2 of letters, digits and `_+=,.@:/-`, and at most
 * {@link EXTERNAL_ID_MAX_LENGTH} (apart: Terraform's RE2 repeats at most 1000 times).
 */
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,}$/;

/** The longest ExternalId STS accepts. */
export const EXTERNAL_ID_MAX_LENGTH = 1224;

/** An AWS Organizations organization id (`o-` and 10-32 lowercase letters or digits). */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** An EventBridge event bus ARN. */
export const EVENT_BUS_ARN =
  /^arn:aws[a-z-]*:events:[a-z]{2,4}(-[a-z]+)+-\d{1,2}:\d{12}:event-bus\/[\w.\-/]{1,256}$/;

/** An IAM role name. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
