import { parse, validate } from "@aws-sdk/util-arn-parser";
import { InvalidArnError } from "./errors.js";
import { ACCOUNT_ID, CLUSTER_NAME, PARTITION, PARTITIONS, SERVICE_NAME } from "./grammar.js";

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<accountId>:<resource>`. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

/** An ECS service, located by its ARN. */
export interface ServiceLocation {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Cluster name; `default` for the old short ARN form, which has no cluster. */
  readonly cluster: string;
  readonly service: string;
  /** Whether the ARN was of the old short form (`service/name`). */
  readonly shortForm: boolean;
}

/** Whether a value has the shape `arn:…:…:…:…:…`, whatever its partition. */
function hasArnShape(value: unknown): value is string {
  return typeof value === "string" && validate(value);
}

/** Whether a value is an ARN (any service) of a known partition ({@link PARTITIONS}). */
export function isArn(value: unknown): value is string {
  return hasArnShape(value) && PARTITION.test(parse(value).partition);
}

/**
 * Splits an ARN into its parts; the one place that does.
 *
 * @throws {InvalidArnError} when the value is not an ARN, or its partition is empty or unknown.
 */
export function parseArn(value: unknown): ArnParts {
  if (!hasArnShape(value)) throw new InvalidArnError(`Not an ARN: ${JSON.stringify(value)}`);
  const { partition, service, region, accountId, resource } = parse(value);
  if (!PARTITION.test(partition)) {
    throw new InvalidArnError(
      `ARN has ${partition === "" ? "an empty partition" : `the unknown partition "${partition}"`} (known: ${PARTITIONS.join(", ")}): ${JSON.stringify(value)}`,
    );
  }
  return { partition, service, region, accountId, resource };
}

/**
 * Parses an ECS service ARN in the long (`service/cluster/name`) or the old short
 * (`service/name`, cluster `default`) form.
 *
 * @throws {InvalidArnError} when the value is not an ECS service ARN.
 */
export function parseServiceArn(value: unknown): ServiceLocation {
  const arn = parseArn(value);
  const parts = arn.resource.split("/");
  if (arn.service !== "ecs" || parts[0] !== "service" || parts.length < 2 || parts.length > 3) {
    throw new InvalidArnError(`Not an ECS service ARN: ${value}`);
  }
  const shortForm = parts.length === 2;
  const cluster = shortForm ? "default" : (parts[1] as string);
  const service = parts[parts.length - 1] as string;
  if (
    !CLUSTER_NAME.test(cluster) ||
    !SERVICE_NAME.test(service) ||
    !ACCOUNT_ID.test(arn.accountId) ||
    arn.region === ""
  ) {
    throw new InvalidArnError(`Malformed ECS service ARN: ${value}`);
  }
  return {
    arn: value as string,
    partition: arn.partition,
    region: arn.region,
    accountId: arn.accountId,
    cluster,
    service,
    shortForm,
  };
}

/**
 * Returns the region of any ARN.
 *
 * @throws {InvalidArnError} when the value is not an ARN with a region.
 */
export function regionOfArn(value: unknown): string {
  const { region } = parseArn(value);
  if (region === "") throw new InvalidArnError(`ARN has no region: ${value}`);
  return region;
}

/** Whether a value is the ARN of a Secrets Manager secret. */
export function isSecretArn(value: unknown): boolean {
  return isArn(value) && parseArn(value).service === "secretsmanager";
}

/** The cluster name of a cluster ARN (`…:cluster/name`), or the value itself when it is a name. */
export function clusterNameOf(clusterArnOrName: string): string {
  if (!isArn(clusterArnOrName)) return clusterArnOrName;
  const { resource } = parseArn(clusterArnOrName);
  return resource.startsWith("cluster/") ? resource.slice("cluster/".length) : resource;
}

/** The name and qualifier of a Lambda function ARN (`…:function:name[:qualifier]`), if it is one. */
function lambdaFunctionOf(
  value: string,
): { arn: ArnParts; name: string; qualifier?: string } | undefined {
  if (!isArn(value)) return undefined;
  const arn = parseArn(value);
  const [kind, name, qualifier] = arn.resource.split(":");
  if (arn.service !== "lambda" || kind !== "function" || !name) return undefined;
  return { arn, name, ...(qualifier !== undefined && { qualifier }) };
}

/** The function name inside a Lambda function ARN (qualifier dropped), or the value itself. */
export function functionNameOfArn(value: string): string {
  return lambdaFunctionOf(value)?.name ?? value;
}

/** A Lambda function ARN without its qualifier (version or alias); other values unchanged. */
export function unqualifiedFunctionArn(value: string): string {
  const fn = lambdaFunctionOf(value);
  if (fn === undefined) return value;
  const { partition, service, region, accountId } = fn.arn;
  return `arn:${partition}:${service}:${region}:${accountId}:function:${fn.name}`;
}
