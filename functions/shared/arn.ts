import { parse, validate } from "@aws-sdk/util-arn-parser";
import { InvalidArnError } from "./errors.js";

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

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Parses an ECS service ARN in the long (`service/cluster/name`) or the old short
 * (`service/name`, cluster `default`) form.
 *
 * @throws {InvalidArnError} when the value is not an ECS service ARN.
 */
export function parseServiceArn(value: unknown): ServiceLocation {
  if (typeof value !== "string" || !validate(value)) {
    throw new InvalidArnError(`Not an ARN: ${JSON.stringify(value)}`);
  }
  const arn = parse(value);
  const parts = arn.resource.split("/");
  if (arn.service !== "ecs" || parts[0] !== "service" || parts.length < 2 || parts.length > 3) {
    throw new InvalidArnError(`Not an ECS service ARN: ${value}`);
  }
  const shortForm = parts.length === 2;
  const cluster = shortForm ? "default" : (parts[1] as string);
  const service = parts[parts.length - 1] as string;
  if (
    !NAME.test(cluster) ||
    !NAME.test(service) ||
    !/^\d{12}$/.test(arn.accountId) ||
    arn.region === ""
  ) {
    throw new InvalidArnError(`Malformed ECS service ARN: ${value}`);
  }
  return {
    arn: value,
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
  if (typeof value !== "string" || !validate(value)) {
    throw new InvalidArnError(`Not an ARN: ${JSON.stringify(value)}`);
  }
  const { region } = parse(value);
  if (region === "") throw new InvalidArnError(`ARN has no region: ${value}`);
  return region;
}
