import type { ImageIdentifier } from "@aws-sdk/client-ecr";
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import {
  formatImageReference,
  type ImageReference,
  parseImageReference,
} from "../shared/image-reference.js";
import { SkipReason } from "./constants.js";
import { ImagePin } from "./contract.js";
import { imageIdOfKey, imageKey } from "./image-key.js";
import { deriveRegisterInput } from "./task-definition.js";
import type {
  CandidateService,
  ContainerChange,
  CurrentTaskDefinition,
  DeploymentPlan,
  DescribedTaskDefinition,
  ImagePinMode,
  PushedImage,
  PushTimes,
  SkippedService,
  TaskDefinitionChange,
} from "./types.js";

/** A container whose image comes from the pushed repository. */
export interface MatchingContainer {
  readonly name: string;
  readonly image: string;
  readonly reference: ImageReference;
}

/**
 * The containers of a task definition whose image is in the pushed repository: same
 * account, region and repository, whatever tag or digest they reference now.
 * Images that do not parse are not matches.
 */
export function matchingContainers(
  taskDefinition: TaskDefinition,
  image: PushedImage,
): MatchingContainer[] {
  const matches: MatchingContainer[] = [];
  for (const container of taskDefinition.containerDefinitions ?? []) {
    if (container.name === undefined || container.image === undefined) continue;
    let reference: ImageReference;
    try {
      reference = parseImageReference(container.image);
    } catch {
      continue;
    }
    if (isFromRepository(reference, image)) {
      matches.push({ name: container.name, image: container.image, reference });
    }
  }
  return matches;
}

/** Whether a reference names an image of the pushed repository (same account, region and name). */
export function isFromRepository(reference: ImageReference, image: PushedImage): boolean {
  return (
    reference.ecr?.accountId === image.accountId &&
    reference.ecr.region === image.region &&
    reference.repository === image.repository
  );
}

/** The image a container should reference after the push, per `IMAGE_PIN`. */
export function pinnedImage(
  reference: ImageReference,
  image: PushedImage,
  pin: ImagePinMode,
): string {
  switch (pin) {
    case ImagePin.DIGEST:
      return formatImageReference(reference, { digest: image.digest });
    case ImagePin.TAG:
      return formatImageReference(reference, { tag: image.tag });
    default:
      return formatImageReference(reference, { tag: image.tag, digest: image.digest });
  }
}

/**
 * The images whose push time must be known to refuse out-of-order pushes: every image
 * of the repository that candidate containers reference now, other than the pushed
 * digest (whose time is the event's). Empty when no container references another image.
 */
export function imagesToCompare(
  image: PushedImage,
  taskDefinitions: Iterable<DescribedTaskDefinition>,
): ImageIdentifier[] {
  const keys = new Set<string>();
  for (const { taskDefinition } of taskDefinitions) {
    for (const container of matchingContainers(taskDefinition, image)) {
      if (container.reference.digest !== image.digest) keys.add(imageKey(container.reference));
    }
  }
  return [...keys].map(imageIdOfKey);
}

/** Inputs of {@link planDeployment}. */
export interface PlanInput {
  readonly image: PushedImage;
  readonly candidates: readonly CandidateService[];
  /** DescribeTaskDefinition results by task-definition ARN. */
  readonly taskDefinitions: ReadonlyMap<string, DescribedTaskDefinition>;
  readonly pushTimes: PushTimes;
  readonly pin: ImagePinMode;
}

/**
 * Decides, without I/O, which new revisions to register and which services to move:
 * one new revision per distinct task definition, changing only the containers of the
 * pushed repository. Services already on the pushed digest, and services running an
 * image pushed later than this one (an out-of-order event), are skipped with a reason.
 * Candidates whose task definition is missing from `taskDefinitions` are left out
 * (the caller reports them as failed). Task definitions already on the pushed image are
 * listed in `current` too, with the images their services would publish.
 */
export function planDeployment(input: PlanInput): DeploymentPlan {
  const { image, pin, pushTimes } = input;
  const byTaskDefinition = new Map<string, CandidateService[]>();
  for (const candidate of input.candidates) {
    const group = byTaskDefinition.get(candidate.taskDefinitionArn) ?? [];
    group.push(candidate);
    byTaskDefinition.set(candidate.taskDefinitionArn, group);
  }
  // The event's time, not the image's imagePushedAt: ECR keeps the first push time of a
  // manifest, so re-tagging an older image (a rollback, a promotion) must still win
  // over what runs; only a push event older than the running image's push is late.
  const pushedAt = new Date(image.time);
  const changes: TaskDefinitionChange[] = [];
  const skipped: SkippedService[] = [];
  const current: CurrentTaskDefinition[] = [];
  const skip = (
    services: readonly CandidateService[],
    reason: SkippedService["reason"],
    detail: string,
  ) => {
    for (const s of services)
      skipped.push({ cluster: s.cluster, service: s.service, reason, detail });
  };

  for (const [arn, services] of byTaskDefinition) {
    const described = input.taskDefinitions.get(arn);
    if (described === undefined) continue;
    const { taskDefinition, tags } = described;
    const matches = matchingContainers(taskDefinition, image);
    if (matches.length === 0) {
      skip(
        services,
        SkipReason.NO_MATCHING_CONTAINER,
        `${arn} has no container from ${image.repository}`,
      );
      continue;
    }
    const newer = matches.flatMap((container) => {
      if (container.reference.digest === image.digest) return [];
      const runningAt = pushTimes.get(imageKey(container.reference));
      return runningAt !== undefined && runningAt > pushedAt
        ? [`${container.name} runs ${container.image} (pushed ${runningAt.toISOString()})`]
        : [];
    });
    if (newer.length > 0) {
      skip(
        services,
        SkipReason.NEWER_IMAGE_RUNNING,
        `${newer.join("; ")}, newer than ${image.tag}@${image.digest} (pushed ${pushedAt.toISOString()})`,
      );
      continue;
    }
    const stale = matches.filter((container) => container.reference.digest !== image.digest);
    if (stale.length === 0) {
      skip(
        services,
        SkipReason.ALREADY_CURRENT,
        `every container of ${image.repository} in ${arn} is on ${image.digest}`,
      );
      current.push({
        arn,
        images: matches.map((m) => ({ container: m.name, image: m.image })),
        services,
      });
      continue;
    }
    const containers: ContainerChange[] = stale.map((container) => ({
      container: container.name,
      from: container.image,
      to: pinnedImage(container.reference, image, pin),
    }));
    const changed = containers.filter((change) => change.from !== change.to);
    const after = new Map(containers.map((c) => [c.container, c.to]));
    changes.push({
      sourceArn: arn,
      family: taskDefinition.family ?? arn,
      containers,
      images: matches.map((m) => ({ container: m.name, image: after.get(m.name) ?? m.image })),
      // With IMAGE_PIN=tag the reference may already be `repo:tag`: same revision, new deployment.
      ...(changed.length > 0 && {
        input: deriveRegisterInput(
          taskDefinition,
          tags,
          new Map(changed.map((c) => [c.container, c.to])),
        ),
      }),
      services,
    });
  }
  return { changes, skipped, current };
}
