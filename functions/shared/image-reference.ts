import { InvalidImageReferenceError } from "./errors.js";
import { ECR_REGISTRY_HOST, IMAGE_DIGEST, IMAGE_PATH_COMPONENT, IMAGE_TAG } from "./grammar.js";

/** A container image reference, split into its parts. */
export interface ImageReference {
  /** The reference exactly as given. */
  readonly raw: string;
  /** Registry host, with port when one was given (`docker.io` when none was given). */
  readonly registry: string;
  /** Repository path inside the registry (`library/nginx` for Docker Hub official images). */
  readonly repository: string;
  /** The tag, if the reference has one. A reference with neither tag nor digest means `latest`. */
  readonly tag?: string;
  /** The `sha256:…` digest, if the reference is pinned. */
  readonly digest?: string;
  /** Set when the registry is an Amazon ECR private registry. */
  readonly ecr?: { readonly accountId: string; readonly region: string };
}

const DOCKER_HUB = "docker.io";
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/;
const MAX_LENGTH = 4096;

/**
 * Parses a container image reference such as `nginx`, `ghcr.io/o/app:1.2@sha256:…`,
 * `localhost:5000/app`, or `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1`.
 *
 * Follows Docker's rule for telling a registry from a path: the first component is a
 * registry when it contains `.` or `:`, or is `localhost`.
 *
 * @throws {InvalidImageReferenceError} when the reference is empty, too long, or not of the grammar.
 */
export function parseImageReference(raw: unknown): ImageReference {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new InvalidImageReferenceError(
      `Image reference must be a non-empty string, got ${JSON.stringify(raw)}`,
    );
  }
  if (raw.length > MAX_LENGTH) {
    throw new InvalidImageReferenceError(`Image reference is longer than ${MAX_LENGTH} characters`);
  }
  const invalid = (part: string, value: string) =>
    new InvalidImageReferenceError(`Image reference "${raw}" has an invalid ${part} "${value}"`);
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!IMAGE_DIGEST.test(digest)) throw invalid("digest", digest);
  }
  const slash = rest.indexOf("/");
  const first = slash === -1 ? "" : rest.slice(0, slash);
  const hasRegistry =
    slash !== -1 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = hasRegistry ? first : DOCKER_HUB;
  let remainder = hasRegistry ? rest.slice(slash + 1) : rest;
  if (hasRegistry && !HOST.test(registry)) throw invalid("registry", registry);
  let tag: string | undefined;
  const colon = remainder.lastIndexOf(":");
  if (colon !== -1) {
    tag = remainder.slice(colon + 1);
    remainder = remainder.slice(0, colon);
    if (!IMAGE_TAG.test(tag)) throw invalid("tag", tag);
  }
  const components = remainder.split("/");
  if (remainder === "" || !components.every((c) => IMAGE_PATH_COMPONENT.test(c))) {
    throw invalid("repository", remainder);
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DOCKER_HUB;
  const repository =
    registry === DOCKER_HUB && components.length === 1 ? `library/${remainder}` : remainder;
  const ecr = ECR_REGISTRY_HOST.exec(registry)?.groups;
  return {
    raw,
    registry,
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
    ...(ecr && { ecr: { accountId: ecr.accountId as string, region: ecr.region as string } }),
  };
}

/**
 * Formats an image reference back to a string, with the given tag and digest.
 * `formatImageReference(ref, { tag: "v2", digest })` gives `registry/repo:v2@sha256:…`.
 */
export function formatImageReference(
  ref: Pick<ImageReference, "registry" | "repository">,
  pin: { readonly tag?: string; readonly digest?: string },
): string {
  const name = `${ref.registry}/${ref.repository}`;
  return `${name}${pin.tag ? `:${pin.tag}` : ""}${pin.digest ? `@${pin.digest}` : ""}`;
}
