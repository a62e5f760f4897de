/**
 * Fakes of the ecr-deployer's world, shared by the tests, the bench and the demo: push
 * events, an in-memory ECS fleet and ECR repository that answers mocked or HTTP clients.
 */
import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import {
  DescribeImagesCommand,
  type DescribeImagesCommandInput,
  type ECRClient,
  ImageNotFoundException,
} from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type Tag,
  type TaskDefinition,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { EcrEvent, ImageAction } from "../../functions/ecr-deployer/contract.js";
import type { DeployerConfig, PushedImage } from "../../functions/ecr-deployer/types.js";
import {
  type AwsJsonEndpoint,
  type Operation,
  operationRecorder,
  startAwsJsonEndpoint,
} from "./aws-json-endpoint.js";

/** The account and region of the test registry. */
export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

/** A `sha256:` digest made of one repeated hex character. */
export function digest(char: string): string {
  return `sha256:${char.repeat(64)}`;
}

/** What {@link ecrPushEvent} is built from. */
export interface PushEventInput {
  readonly account: string;
  readonly region: string;
  readonly repository: string;
  readonly digest: string;
  readonly tag?: string;
  readonly id?: string;
  readonly time?: Date | string;
}

/**
 * The `ECR Image Action` event ECR sends for a successful push (the documented shape),
 * which moto does not emit: the demo and the tests build it for the images they push.
 */
export function ecrPushEvent(input: PushEventInput) {
  return {
    version: "0",
    id: input.id ?? randomUUID(),
    "detail-type": EcrEvent.IMAGE_ACTION,
    source: EcrEvent.SOURCE,
    account: input.account,
    time: typeof input.time === "string" ? input.time : (input.time ?? new Date()).toISOString(),
    region: input.region,
    resources: [],
    detail: {
      result: ImageAction.SUCCESS,
      "repository-name": input.repository,
      "image-digest": input.digest,
      "action-type": ImageAction.PUSH,
      ...(input.tag !== undefined && { "image-tag": input.tag }),
    },
  };
}

/** An `ECR Image Action` event for a successful push to the test registry. */
export function pushEvent(
  overrides: {
    repository?: string;
    tag?: string;
    digest?: string;
    region?: string;
    id?: string;
    time?: string;
  } = {},
) {
  return ecrPushEvent({
    account: ACCOUNT,
    region: overrides.region ?? REGION,
    repository: overrides.repository ?? "team/app",
    digest: overrides.digest ?? digest("b"),
    tag: overrides.tag ?? "v2",
    id: overrides.id ?? "11111111-2222-3333-4444-555555555555",
    time: overrides.time ?? "2026-01-01T12:00:00Z",
  });
}

/** The PushedImage of {@link pushEvent}'s defaults. */
export function pushedImage(overrides: Partial<PushedImage> = {}): PushedImage {
  return {
    eventId: "11111111-2222-3333-4444-555555555555",
    accountId: ACCOUNT,
    region: REGION,
    repository: "team/app",
    tag: "v2",
    digest: digest("b"),
    time: "2026-01-01T12:00:00Z",
    ...overrides,
  };
}

/** Configuration with the documented defaults. */
export function config(overrides: Partial<DeployerConfig> = {}): DeployerConfig {
  return {
    allowedClusters: [],
    allowedRegions: [],
    optInTagKey: "ecs-deployments:follow",
    imagePin: "tag-and-digest",
    dryRun: false,
    serviceName: "ecr-deployer",
    publishImages: false,
    imageParameterPath: "/ecs-deployments/images",
    quotaShare: 0.5,
    ...overrides,
  };
}

/** A logger that prints nothing. */
export function silentLogger(): Logger {
  return new Logger({ serviceName: "ecr-deployer-test", logLevel: "SILENT" });
}

/** A service of the fake fleet. */
export interface FakeService {
  readonly cluster: string;
  readonly name: string;
  taskDefinition: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly controller?: "ECS" | "CODE_DEPLOY" | "EXTERNAL";
  readonly status?: string;
}

/** An image of the fake repository. */
export interface FakeImage {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly pushedAt: Date;
}

/** An in-memory ECS account and ECR repository answering the mocked clients. */
export interface FakeFleet {
  readonly clusters: string[];
  readonly services: FakeService[];
  readonly taskDefinitions: Map<string, { taskDefinition: TaskDefinition; tags?: Tag[] }>;
  readonly images: FakeImage[];
  /** Errors to throw, in order, before the command behaves normally. */
  readonly faults?: Fault[];
}

/** One injected error: thrown by `command` (when `matches` the input) while `times` > 0. */
export interface Fault {
  readonly command: string;
  readonly error: Error;
  times: number;
  readonly matches?: (input: Record<string, unknown>) => boolean;
}

function throwFault(fleet: FakeFleet, command: string, input: object): void {
  const fault = fleet.faults?.find(
    (f) =>
      f.command === command &&
      f.times > 0 &&
      (f.matches?.(input as Record<string, unknown>) ?? true),
  );
  if (fault) {
    fault.times--;
    throw fault.error;
  }
}

/** A task definition ARN in the test account. */
export function taskDefinitionArn(family: string, revision: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

/** Adds a minimal task definition to the fleet and returns its ARN. */
export function addTaskDefinition(
  fleet: FakeFleet,
  family: string,
  revision: number,
  containers: { name: string; image: string }[],
  tags?: Tag[],
): string {
  const arn = taskDefinitionArn(family, revision);
  fleet.taskDefinitions.set(arn, {
    taskDefinition: {
      taskDefinitionArn: arn,
      family,
      revision,
      status: "ACTIVE",
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      requiresCompatibilities: ["FARGATE"],
      compatibilities: ["EC2", "FARGATE"],
      containerDefinitions: containers.map((c) => ({ ...c, essential: true })),
      registeredAt: new Date("2025-12-01T00:00:00Z"),
    },
    ...(tags && { tags }),
  });
  return arn;
}

function serviceArn(s: FakeService): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${s.cluster}/${s.name}`;
}

function clusterArn(name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
}

function clusterName(ref: string | undefined): string {
  return (ref ?? "default").replace(/^arn:.*:cluster\//, "");
}

function page<T>(
  items: readonly T[],
  nextToken: string | undefined,
  size: number,
): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number(nextToken) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length && { nextToken: String(end) }) };
}

/**
 * Answers the mocked ECS and ECR clients from the fleet, with real paging (ListClusters
 * and ListServices by 100, ListTaskDefinitions by 100) and the real DescribeServices limit
 * of 10. RegisterTaskDefinition and UpdateService change the fleet.
 */
export function serveFleet(
  ecs: AwsClientStub<ECSClient>,
  ecr: AwsClientStub<ECRClient>,
  fleet: FakeFleet,
): void {
  ecs.on(ListClustersCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
    throwFault(fleet, "ListClusters", input);
    const p = page(
      fleet.clusters.map(clusterArn),
      input.nextToken,
      Math.min(input.maxResults ?? 100, 100),
    );
    return { clusterArns: p.items, nextToken: p.nextToken };
  });
  ecs
    .on(ListServicesCommand)
    .callsFake((input: { cluster?: string; nextToken?: string; maxResults?: number }) => {
      throwFault(fleet, "ListServices", input);
      const arns = fleet.services
        .filter((s) => s.cluster === clusterName(input.cluster))
        .map(serviceArn);
      const p = page(arns, input.nextToken, Math.min(input.maxResults ?? 10, 100));
      return { serviceArns: p.items, nextToken: p.nextToken };
    });
  ecs
    .on(DescribeServicesCommand)
    .callsFake((input: { cluster?: string; services?: string[]; include?: string[] }) => {
      throwFault(fleet, "DescribeServices", input);
      if ((input.services?.length ?? 0) > 10)
        throw new Error("InvalidParameterException: services can have at most 10 items");
      const services: Service[] = [];
      for (const ref of input.services ?? []) {
        const s = fleet.services.find(
          (x) =>
            serviceArn(x) === ref || (x.name === ref && x.cluster === clusterName(input.cluster)),
        );
        if (!s) continue;
        services.push({
          serviceArn: serviceArn(s),
          serviceName: s.name,
          clusterArn: clusterArn(s.cluster),
          status: s.status ?? "ACTIVE",
          taskDefinition: s.taskDefinition,
          deploymentController: { type: s.controller ?? "ECS" },
          ...(input.include?.includes("TAGS") &&
            s.tags && { tags: Object.entries(s.tags).map(([key, value]) => ({ key, value })) }),
        });
      }
      return { services, failures: [] };
    });
  ecs
    .on(DescribeTaskDefinitionCommand)
    .callsFake((input: { taskDefinition?: string; include?: string[] }) => {
      throwFault(fleet, "DescribeTaskDefinition", input);
      const found = fleet.taskDefinitions.get(input.taskDefinition ?? "");
      if (!found)
        throw Object.assign(new Error("Unable to describe task definition."), {
          name: "ClientException",
        });
      return {
        taskDefinition: structuredClone(found.taskDefinition),
        ...(input.include?.includes("TAGS") && { tags: structuredClone(found.tags ?? []) }),
      };
    });
  ecs
    .on(ListTaskDefinitionsCommand)
    .callsFake(
      (input: { nextToken?: string; status?: string; familyPrefix?: string; sort?: string }) => {
        throwFault(fleet, "ListTaskDefinitions", input);
        const arns = [...fleet.taskDefinitions.values()]
          .filter((t) => (t.taskDefinition.status ?? "ACTIVE") === (input.status ?? "ACTIVE"))
          .filter(
            (t) =>
              input.familyPrefix === undefined || t.taskDefinition.family === input.familyPrefix,
          )
          .sort(
            (a, b) =>
              ((a.taskDefinition.revision ?? 0) - (b.taskDefinition.revision ?? 0)) *
              (input.sort === "DESC" ? -1 : 1),
          )
          .map((t) => t.taskDefinition.taskDefinitionArn as string);
        const p = page(arns, input.nextToken, 100);
        return { taskDefinitionArns: p.items, nextToken: p.nextToken };
      },
    );
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) => {
    throwFault(fleet, "RegisterTaskDefinition", input);
    const family = input.family as string;
    const revision =
      Math.max(
        0,
        ...[...fleet.taskDefinitions.values()]
          .filter((t) => t.taskDefinition.family === family)
          .map((t) => t.taskDefinition.revision ?? 0),
      ) + 1;
    const { tags, ...rest } = structuredClone(input);
    const arn = taskDefinitionArn(family, revision);
    const taskDefinition: TaskDefinition = {
      ...rest,
      taskDefinitionArn: arn,
      revision,
      status: "ACTIVE",
    };
    fleet.taskDefinitions.set(arn, { taskDefinition, ...(tags && { tags }) });
    return { taskDefinition, tags };
  });
  ecs
    .on(UpdateServiceCommand)
    .callsFake((input: { cluster?: string; service?: string; taskDefinition?: string }) => {
      throwFault(fleet, "UpdateService", input);
      const s = fleet.services.find(
        (x) =>
          serviceArn(x) === input.service ||
          (x.name === input.service && x.cluster === clusterName(input.cluster)),
      );
      if (!s)
        throw Object.assign(new Error("Service not found."), { name: "ServiceNotFoundException" });
      if (input.taskDefinition) s.taskDefinition = input.taskDefinition;
      return { service: { serviceArn: serviceArn(s), taskDefinition: s.taskDefinition } };
    });
  ecr.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => {
    throwFault(fleet, "DescribeImages", input);
    const details = [];
    for (const id of input.imageIds ?? []) {
      const image = fleet.images.find((i) =>
        id.imageDigest ? i.digest === id.imageDigest : i.tags.includes(id.imageTag ?? ""),
      );
      if (!image) {
        throw new ImageNotFoundException({
          message: `The image with imageId ${JSON.stringify(id)} does not exist`,
          $metadata: {},
        });
      }
      details.push({
        imageDigest: image.digest,
        imageTags: [...image.tags],
        imagePushedAt: image.pushedAt,
        repositoryName: input.repositoryName,
      });
    }
    return { imageDetails: details };
  });
}

/** An empty fleet. */
export function emptyFleet(): FakeFleet {
  return { clusters: [], services: [], taskDefinitions: new Map(), images: [], faults: [] };
}

/** A throttling error as the SDK surfaces it after its own retries. */
export function throttlingError(): Error {
  return Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $retryable: { throttling: true },
  });
}

/**
 * Serves the fleet over HTTP (see `aws-json-endpoint.ts`) to real ECS and ECR clients, so
 * that their retry strategy runs and every request that reaches the wire is counted.
 */
export async function serveFleetOverHttp(fleet: FakeFleet): Promise<AwsJsonEndpoint> {
  const operations = new Map<string, Operation>();
  const recorder = operationRecorder(operations);
  serveFleet(
    recorder as unknown as AwsClientStub<ECSClient>,
    recorder as unknown as AwsClientStub<ECRClient>,
    fleet,
  );
  return startAwsJsonEndpoint(operations);
}
