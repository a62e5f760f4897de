import type { Logger } from "@aws-lambda-powertools/logger";
import type { ECRClient } from "@aws-sdk/client-ecr";
import { type ImageReference, parseImageReference } from "../shared/image-reference.js";
import { ECR_BATCH_LIMIT } from "./constants.js";
import { trackerErrorOf } from "./errors.js";
import type { ContainerSpec, ResolvedContainer, ResolvedImage } from "./types.js";

/** Every manifest and index type, so BatchGetImage returns the tag's own digest. */
const ACCEPTED_MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
];

/**
 * ECR client of a region, for a registry (account id). May resolve lazily: the ECR SDK is
 * only needed when ECS did not resolve a digest, so index.ts loads it on first use to keep
 * the cold start short.
 */
export type EcrClientProvider = (
  region: string,
  registryId?: string,
) => ECRClient | Promise<ECRClient>;

/** One ECR repository to ask for digests, with the tags of every container that needs one. */
export interface EcrLookup {
  readonly region: string;
  readonly registryId: string;
  readonly repository: string;
  readonly tags: readonly string[];
}

/** How each container's digest will be found, before any ECR call. */
export interface DigestPlan {
  /** Containers, in task-definition order; `digest` set when known without ECR. */
  readonly containers: readonly ResolvedContainer[];
  /** ECR lookups, one per registry, region and repository. */
  readonly lookups: readonly EcrLookup[];
}

const lookupKey = (region: string, registryId: string, repository: string, tag: string) =>
  `${region}|${registryId}|${repository}|${tag}`;

function tryParse(image: string): ImageReference | undefined {
  try {
    return parseImageReference(image);
  } catch {
    return undefined;
  }
}

/**
 * Decides, without I/O, where each container's digest comes from: what ECS resolved
 * (service revision), else the digest pinned in the reference (the runtime pulls by that
 * digest, whatever the tag), else ECR by tag, grouped one lookup per repository.
 */
export function planDigests(
  containers: readonly ContainerSpec[],
  resolved: ReadonlyMap<string, ResolvedImage>,
): DigestPlan {
  const groups = new Map<
    string,
    { region: string; registryId: string; repository: string; tags: Set<string> }
  >();
  const planned = containers.map((c): ResolvedContainer => {
    const fromEcs = resolved.get(c.name)?.digest;
    if (fromEcs)
      return {
        containerName: c.name,
        image: c.image,
        digest: fromEcs,
        digestSource: "service-revision",
      };
    const ref = tryParse(c.image);
    if (ref?.digest)
      return {
        containerName: c.name,
        image: c.image,
        digest: ref.digest,
        digestSource: "reference",
      };
    if (ref?.ecr) {
      const tag = ref.tag ?? "latest";
      const key = `${ref.ecr.region}|${ref.ecr.accountId}|${ref.repository}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          region: ref.ecr.region,
          registryId: ref.ecr.accountId,
          repository: ref.repository,
          tags: new Set(),
        };
        groups.set(key, group);
      }
      group.tags.add(tag);
      return { containerName: c.name, image: c.image, digest: null, digestSource: "ecr" };
    }
    return { containerName: c.name, image: c.image, digest: null, digestSource: "none" };
  });
  const lookups = [...groups.values()].map((g) => ({
    region: g.region,
    registryId: g.registryId,
    repository: g.repository,
    tags: [...g.tags],
  }));
  return { containers: planned, lookups };
}

async function lookup(
  ecrIn: EcrClientProvider,
  l: EcrLookup,
  logger: Logger,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const { BatchGetImageCommand } = await import("@aws-sdk/client-ecr");
  const client = await ecrIn(l.region, l.registryId);
  for (let i = 0; i < l.tags.length; i += ECR_BATCH_LIMIT) {
    const tags = l.tags.slice(i, i + ECR_BATCH_LIMIT);
    try {
      const out = await client.send(
        new BatchGetImageCommand({
          registryId: l.registryId,
          repositoryName: l.repository,
          imageIds: tags.map((imageTag) => ({ imageTag })),
          // Without these ECR may convert an index or manifest list and answer with the
          // digest of the converted manifest, not the one the tag points at.
          acceptedMediaTypes: ACCEPTED_MANIFEST_TYPES,
        }),
      );
      for (const image of out.images ?? []) {
        const { imageTag, imageDigest } = image.imageId ?? {};
        if (imageTag && imageDigest)
          found.set(lookupKey(l.region, l.registryId, l.repository, imageTag), imageDigest);
      }
      for (const f of out.failures ?? []) {
        logger.warn("ECR has no digest for an image", {
          repository: l.repository,
          registryId: l.registryId,
          ecrRegion: l.region,
          imageTag: f.imageId?.imageTag,
          failureCode: f.failureCode,
        });
      }
    } catch (error) {
      const classified = trackerErrorOf(
        error,
        `ECR BatchGetImage ${l.registryId}/${l.repository} in ${l.region}`,
      );
      // Throttling and outages are worth a retry of the invocation; a refusal (no access to
      // another account's repository, repository gone) only costs these digests.
      if (classified.retryable) throw classified;
      logger.warn("ECR lookup failed; recording these images without digest", {
        repository: l.repository,
        registryId: l.registryId,
        ecrRegion: l.region,
        error: { name: classified.name, message: classified.message.slice(0, 300) },
      });
    }
  }
  return found;
}

/**
 * Resolves a digest for every container (see {@link planDigests}), with one ECR
 * BatchGetImage per repository. A container whose digest cannot be found is kept with
 * `digest: null` and a warning.
 */
export async function resolveDigests(
  containers: readonly ContainerSpec[],
  resolved: ReadonlyMap<string, ResolvedImage>,
  ecrIn: EcrClientProvider,
  logger: Logger,
): Promise<ResolvedContainer[]> {
  const plan = planDigests(containers, resolved);
  const results = await Promise.all(plan.lookups.map((l) => lookup(ecrIn, l, logger)));
  const found = new Map(results.flatMap((m) => [...m]));
  return plan.containers.map((c) => {
    if (c.digestSource !== "ecr") {
      if (c.digestSource === "none") {
        logger.warn("No digest for container image; recording it with digest null", {
          containerName: c.containerName,
          image: c.image,
        });
      }
      return c;
    }
    const ref = parseImageReference(c.image);
    const digest = ref.ecr
      ? found.get(lookupKey(ref.ecr.region, ref.ecr.accountId, ref.repository, ref.tag ?? "latest"))
      : undefined;
    if (!digest) {
      logger.warn("No digest for container image; recording it with digest null", {
        containerName: c.containerName,
        image: c.image,
      });
      return { ...c, digest: null, digestSource: "none" };
    }
    return { ...c, digest };
  });
}
