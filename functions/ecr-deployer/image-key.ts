import type { ImageIdentifier } from "@aws-sdk/client-ecr";
import type { ImageReference } from "../shared/image-reference.js";

/** The key of a reference in `PushTimes`: its digest, or `tag:<tag>` (`latest` when none). */
export function imageKey(reference: Pick<ImageReference, "tag" | "digest">): string {
  return reference.digest ?? `tag:${reference.tag ?? "latest"}`;
}

/** The ECR image id of a key made by {@link imageKey}. */
export function imageIdOfKey(key: string): ImageIdentifier {
  return key.startsWith("tag:") ? { imageTag: key.slice(4) } : { imageDigest: key };
}
