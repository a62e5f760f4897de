/**
 * Which parameters a service publishes its deployed images to, decided without I/O:
 * its publish tag read and validated, and the names its containers' images go to.
 */
import { parseArn } from "../shared/arn.js";
import { type ImageReference, parseImageReference } from "../shared/image-reference.js";
import { imageParameterName, ParameterName, PublishTag } from "./contract.js";
import { isFromRepository } from "./plan.js";
import type {
  CandidateService,
  ContainerImage,
  DeploymentPlan,
  FailedService,
  PublishTarget,
  PushedImage,
  UpdatedService,
} from "./types.js";

/** A publish tag's meaning: a target, nothing (`false`), or why the value is invalid. */
export type PublishTagResult =
  | { readonly kind: "target"; readonly target: PublishTarget }
  | { readonly kind: "off" }
  | { readonly kind: "invalid"; readonly error: string };

/**
 * Reads the value of a service's `ecs-deployments:publish` tag: `true` for the
 * conventional names, `false` (or no tag) for nothing, else the name of one parameter,
 * which must lie under `path` (the only path the deployer may write) and obey SSM's
 * naming constraints.
 */
export function readPublishTag(value: string | undefined, path: string): PublishTagResult {
  const trimmed = value?.trim() ?? "";
  const lower = trimmed.toLowerCase();
  if (trimmed === "" || lower === PublishTag.OFF) return { kind: "off" };
  if (lower === PublishTag.AT_CONVENTIONAL_NAMES)
    return { kind: "target", target: { kind: "conventional-names" } };
  const levels = trimmed.split("/").length - 1;
  if (
    !ParameterName.PATTERN.test(trimmed) ||
    !trimmed.startsWith(`${path}/`) ||
    levels > ParameterName.MAX_LEVELS
  ) {
    return {
      kind: "invalid",
      error: `tag ${PublishTag.KEY} must be "${PublishTag.AT_CONVENTIONAL_NAMES}", "${PublishTag.OFF}" or a parameter name under ${path}/ (levels of letters, digits, "_", "." or "-", at most ${ParameterName.MAX_LEVELS}), got "${trimmed}"`,
    };
  }
  return { kind: "target", target: { kind: "named", name: trimmed } };
}

/** One parameter write a service asks for. */
export interface Publication {
  readonly cluster: string;
  readonly service: string;
  readonly parameter: string;
  readonly image: string;
}

/**
 * The parameters a rolled service writes: with conventional names one per container of
 * the pushed repository; with a named parameter that one, which needs all those
 * containers to run the same image. Names too long for SSM (the ARN counts) are errors.
 */
export function publicationsOf(
  service: CandidateService & { readonly publishTo: PublishTarget },
  images: readonly ContainerImage[],
  path: string,
): { publications: Publication[]; error?: string } {
  const { cluster } = service;
  const name = service.service;
  let wanted: { parameter: string; image: string }[];
  if (service.publishTo.kind === "named") {
    const distinct = [...new Set(images.map((i) => i.image))];
    if (distinct.length !== 1) {
      return {
        publications: [],
        error: `tag ${PublishTag.KEY} names one parameter (${service.publishTo.name}), but the containers of the pushed repository run ${distinct.length} different images (${images.map((i) => `${i.container}: ${i.image}`).join(", ")}); use "${PublishTag.AT_CONVENTIONAL_NAMES}" for one parameter per container`,
      };
    }
    wanted = [{ parameter: service.publishTo.name, image: distinct[0] as string }];
  } else {
    wanted = images.map((i) => ({
      parameter: imageParameterName(path, cluster, name, i.container),
      image: i.image,
    }));
  }
  const tooLong = wanted.filter(
    (w) => parameterArnLength(service.serviceArn, w.parameter) > ParameterName.MAX_ARN_LENGTH,
  );
  if (tooLong.length > 0) {
    return {
      publications: [],
      error: `parameter name ${tooLong[0]?.parameter} is too long: its ARN would exceed ${ParameterName.MAX_ARN_LENGTH} characters`,
    };
  }
  return { publications: wanted.map((w) => ({ cluster, service: name, ...w })) };
}

/** The length of `arn:<partition>:ssm:<region>:<account>:parameter<name>` in the service's account and region. */
function parameterArnLength(serviceArn: string, name: string): number {
  const { partition, region, accountId } = parseArn(serviceArn);
  return `arn:${partition}:ssm:${region}:${accountId}:parameter${name}`.length;
}

/**
 * The writes a rolled push asks for: the services moved to a new revision (`updated`),
 * and the services already on the pushed image (a retry completes what an earlier attempt
 * rolled but could not publish). Services that publish nowhere are left out; a service
 * whose parameters cannot be named fails (not retryable).
 */
export function publicationsFor(
  plan: DeploymentPlan,
  updated: readonly Pick<UpdatedService, "cluster" | "service">[],
  path: string,
): { publications: Publication[]; failed: FailedService[] } {
  const moved = new Set(updated.map((u) => `${u.cluster}/${u.service}`));
  const publications: Publication[] = [];
  const failed: FailedService[] = [];
  const add = (service: CandidateService, images: readonly ContainerImage[]) => {
    const { publishTo } = service;
    if (publishTo === undefined) return;
    const result = publicationsOf({ ...service, publishTo }, images, path);
    publications.push(...result.publications);
    if (result.error !== undefined) {
      failed.push({
        cluster: service.cluster,
        service: service.service,
        error: `Publish: ${result.error}`,
        retryable: false,
      });
    }
  };
  for (const change of plan.changes) {
    for (const service of change.services) {
      if (moved.has(`${service.cluster}/${service.service}`)) add(service, change.images);
    }
  }
  for (const current of plan.current) {
    for (const service of current.services) add(service, current.images);
  }
  return { publications, failed };
}

/** What to do with a parameter that holds `current` (undefined: it does not exist). */
export type ParameterDecision =
  | { readonly action: "write" }
  | { readonly action: "unchanged" }
  /** It names another image of the pushed repository: write unless that one was pushed after this push. */
  | { readonly action: "compare"; readonly reference: ImageReference };

/**
 * Decides, without I/O, whether a parameter may move to `wanted`: the same rule as for the
 * services. A missing parameter, a value that is not an image of the pushed repository
 * (the initial image a Terraform configuration wrote) and the pushed digest in another
 * form are written; the wanted value is left as it is; another image of the repository is
 * compared by push time (the caller looks it up).
 */
export function decideParameter(
  current: string | undefined,
  wanted: string,
  image: PushedImage,
): ParameterDecision {
  if (current === undefined) return { action: "write" };
  if (current === wanted) return { action: "unchanged" };
  let reference: ImageReference;
  try {
    reference = parseImageReference(current);
  } catch {
    return { action: "write" };
  }
  if (!isFromRepository(reference, image) || reference.digest === image.digest)
    return { action: "write" };
  return { action: "compare", reference };
}
