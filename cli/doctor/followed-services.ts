/**
 * The services the deployer follows, as its environment describes them: in its allowed
 * clusters (or every cluster), with the opt-in tag or, when a default pattern is set, all.
 * One place for doctor's checks that look at those services.
 */
import {
  DescribeServicesCommand,
  type ECSClient,
  paginateListClusters,
  paginateListServices,
  type Service,
} from "@aws-sdk/client-ecs";
import { Defaults, EnvVar } from "../../functions/ecr-deployer/contract.js";
import { clusterNameOf } from "../../functions/shared/arn.js";

/** A followed service, with its tags. */
export interface FollowedService {
  /** The cluster's name. */
  readonly cluster: string;
  readonly service: Service & { serviceName: string; taskDefinition: string };
  /** The value of a tag of the service. */
  tag(key: string): string | undefined;
}

const DESCRIBE_SERVICES_BATCH = 10;

async function listClusters(ecs: ECSClient): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListClusters({ client: ecs }, {}))
    arns.push(...(page.clusterArns ?? []));
  return arns;
}

/** Lists the services the deployer with this environment follows. */
export async function followedServices(
  ecs: ECSClient,
  environment: Readonly<Record<string, string>>,
): Promise<FollowedService[]> {
  const followKey = environment[EnvVar.OPT_IN_TAG_KEY] || Defaults.OPT_IN_TAG_KEY;
  const followsByDefault = (environment[EnvVar.DEFAULT_TAG_PATTERN] ?? "").trim() !== "";
  const allowed = (environment[EnvVar.ALLOWED_CLUSTERS] ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const clusters = allowed.length > 0 ? allowed : await listClusters(ecs);
  const found: FollowedService[] = [];
  for (const clusterRef of clusters) {
    const cluster = clusterNameOf(clusterRef);
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: ecs }, { cluster: clusterRef }))
      arns.push(...(page.serviceArns ?? []));
    for (let i = 0; i < arns.length; i += DESCRIBE_SERVICES_BATCH) {
      const { services = [] } = await ecs.send(
        new DescribeServicesCommand({
          cluster: clusterRef,
          services: arns.slice(i, i + DESCRIBE_SERVICES_BATCH),
          include: ["TAGS"],
        }),
      );
      for (const service of services) {
        const tag = (key: string) => service.tags?.find((t) => t.key === key)?.value;
        if (!service.serviceName || !service.taskDefinition) continue;
        if (tag(followKey) === undefined && !followsByDefault) continue;
        found.push({
          cluster,
          service: service as FollowedService["service"],
          tag,
        });
      }
    }
  }
  return found;
}
