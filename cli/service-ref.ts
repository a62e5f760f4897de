import { parseServiceArn } from "../functions/shared/arn.js";
import { CLUSTER_NAME, SERVICE_NAME } from "../functions/shared/grammar.js";
import { UsageError } from "./errors.js";

/** How the user named a service, resolved to what DescribeServices takes. */
export interface ServiceReference {
  /** The cluster to ask; undefined lets ECS use the `default` cluster. */
  readonly cluster: string | undefined;
  /** The service name or ARN. */
  readonly service: string;
  /** The region of an ARN, if one was given. */
  readonly region: string | undefined;
}

const COMMAND = "test-event";

/**
 * Resolves `--service` (a long or short service ARN, `cluster/service`, or a bare name)
 * and `--cluster` to a service reference.
 *
 * @throws {UsageError} when the value is none of these or contradicts `--cluster`.
 */
export function parseServiceReference(value: string, cluster?: string): ServiceReference {
  if (cluster !== undefined && !CLUSTER_NAME.test(cluster)) {
    throw new UsageError(`--cluster must be a cluster name, got "${cluster}"`, {
      command: COMMAND,
    });
  }
  if (value.startsWith("arn:")) {
    let location: ReturnType<typeof parseServiceArn>;
    try {
      location = parseServiceArn(value);
    } catch (error) {
      throw new UsageError(`--service: ${(error as Error).message}`, {
        cause: error,
        command: COMMAND,
      });
    }
    if (!location.shortForm && cluster !== undefined && cluster !== location.cluster) {
      throw new UsageError(
        `--cluster ${cluster} contradicts the cluster ${location.cluster} in the service ARN`,
        { command: COMMAND },
      );
    }
    return {
      cluster: location.shortForm ? cluster : location.cluster,
      service: value,
      region: location.region,
    };
  }
  const parts = value.split("/");
  if (
    parts.length === 2 &&
    CLUSTER_NAME.test(parts[0] as string) &&
    SERVICE_NAME.test(parts[1] as string)
  ) {
    const [inValue, service] = parts as [string, string];
    if (cluster !== undefined && cluster !== inValue) {
      throw new UsageError(`--cluster ${cluster} contradicts the cluster in "${value}"`, {
        command: COMMAND,
      });
    }
    return { cluster: inValue, service, region: undefined };
  }
  if (parts.length === 1 && SERVICE_NAME.test(value))
    return { cluster, service: value, region: undefined };
  throw new UsageError(
    `--service must be a service ARN, cluster/service or a service name, got "${value}"`,
    { command: COMMAND },
  );
}
