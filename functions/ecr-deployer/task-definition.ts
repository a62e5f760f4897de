import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";

/**
 * The fields of a DescribeTaskDefinition result that RegisterTaskDefinition accepts.
 * Everything else is read-only (see {@link READ_ONLY_FIELDS}); the type check below
 * fails when an SDK upgrade adds a field that is in neither list.
 */
export const REGISTERABLE_FIELDS = [
  "family",
  "taskRoleArn",
  "executionRoleArn",
  "networkMode",
  "containerDefinitions",
  "volumes",
  "placementConstraints",
  "requiresCompatibilities",
  "cpu",
  "memory",
  "pidMode",
  "ipcMode",
  "proxyConfiguration",
  "inferenceAccelerators",
  "ephemeralStorage",
  "runtimePlatform",
  "enableFaultInjection",
] as const satisfies readonly (keyof TaskDefinition & keyof RegisterTaskDefinitionCommandInput)[];

/** Fields ECS sets itself; passing them to RegisterTaskDefinition is an error or meaningless. */
export const READ_ONLY_FIELDS = [
  "taskDefinitionArn",
  "revision",
  "status",
  "requiresAttributes",
  "compatibilities",
  "registeredAt",
  "registeredBy",
  "deregisteredAt",
  "deleteRequestedAt",
] as const satisfies readonly (keyof TaskDefinition)[];

type Unclassified = Exclude<
  keyof TaskDefinition,
  (typeof REGISTERABLE_FIELDS)[number] | (typeof READ_ONLY_FIELDS)[number]
>;
// Compile-time guard: every TaskDefinition field is classified.
const everyFieldClassified: [Unclassified] extends [never] ? true : Unclassified = true;
void everyFieldClassified;

/** Tags whose key starts with `aws:` are reserved and cannot be registered. */
const RESERVED_TAG = /^aws:/i;

/**
 * Derives the RegisterTaskDefinition input for a new revision of a task definition
 * (as described with `include: ["TAGS"]`): every registerable field and every user tag
 * survives unchanged, only the images of the named containers are replaced.
 *
 * @param taskDefinition - the DescribeTaskDefinition `taskDefinition`.
 * @param tags - the DescribeTaskDefinition `tags`.
 * @param images - container name → new image.
 * @throws {Error} when a named container is not in the task definition (a planning bug).
 */
export function deriveRegisterInput(
  taskDefinition: TaskDefinition,
  tags: readonly Tag[] | undefined,
  images: ReadonlyMap<string, string>,
): RegisterTaskDefinitionCommandInput {
  const input: Record<string, unknown> = {};
  for (const field of REGISTERABLE_FIELDS) {
    const value = taskDefinition[field];
    if (value !== undefined && value !== null) input[field] = structuredClone(value);
  }
  const containers = (input.containerDefinitions ?? []) as NonNullable<
    TaskDefinition["containerDefinitions"]
  >;
  const unknown = [...images.keys()].filter((name) => !containers.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `Task definition ${taskDefinition.taskDefinitionArn} has no container named ${unknown.join(", ")}`,
    );
  }
  for (const container of containers) {
    const image = container.name === undefined ? undefined : images.get(container.name);
    if (image !== undefined) container.image = image;
  }
  const userTags = (tags ?? []).filter(
    (tag) => tag.key !== undefined && !RESERVED_TAG.test(tag.key),
  );
  if (userTags.length > 0) input.tags = userTags.map((tag) => ({ ...tag }));
  return input as unknown as RegisterTaskDefinitionCommandInput;
}
