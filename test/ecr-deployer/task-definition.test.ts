import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import {
  deriveRegisterInput,
  READ_ONLY_FIELDS,
  REGISTERABLE_FIELDS,
} from "../../functions/ecr-deployer/task-definition.js";
import { ACCOUNT, digest, REGION, REGISTRY } from "./support.js";

const ROLE = `arn:aws:iam::${ACCOUNT}:role`;

/** A DescribeTaskDefinition result using most features a Fargate or EC2 task can have. */
function richTaskDefinition(): TaskDefinition {
  return {
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/shop:42`,
    family: "shop",
    revision: 42,
    status: "ACTIVE",
    taskRoleArn: `${ROLE}/shop-task`,
    executionRoleArn: `${ROLE}/shop-execution`,
    networkMode: "awsvpc",
    cpu: "1024",
    memory: "2048",
    requiresCompatibilities: ["FARGATE"],
    compatibilities: ["EC2", "FARGATE"],
    requiresAttributes: [
      { name: "com.amazonaws.ecs.capability.logging-driver.awslogs" },
      { name: "ecs.capability.secrets.asm.environment-variables" },
    ],
    runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
    ephemeralStorage: { sizeInGiB: 50 },
    pidMode: "task",
    enableFaultInjection: false,
    placementConstraints: [
      {
        type: "memberOf",
        expression: "attribute:ecs.availability-zone in [eu-west-1a, eu-west-1b]",
      },
    ],
    proxyConfiguration: {
      type: "APPMESH",
      containerName: "envoy",
      properties: [
        { name: "IgnoredUID", value: "1337" },
        { name: "ProxyIngressPort", value: "15000" },
        { name: "ProxyEgressPort", value: "15001" },
        { name: "AppPorts", value: "8080" },
        { name: "EgressIgnoredIPs", value: "169.254.170.2,169.254.169.254" },
      ],
    },
    volumes: [
      { name: "scratch", host: {} },
      {
        name: "shared",
        efsVolumeConfiguration: {
          fileSystemId: "fs-0123456789abcdef0",
          rootDirectory: "/",
          transitEncryption: "ENABLED",
          authorizationConfig: { accessPointId: "fsap-0123456789abcdef0", iam: "ENABLED" },
        },
      },
    ],
    containerDefinitions: [
      {
        name: "web",
        image: `${REGISTRY}/shop/web:v1@${digest("a")}`,
        essential: true,
        cpu: 512,
        memory: 1024,
        memoryReservation: 512,
        portMappings: [{ containerPort: 8080, protocol: "tcp", name: "http", appProtocol: "http" }],
        environment: [{ name: "MODE", value: "production" }],
        environmentFiles: [{ type: "s3", value: "arn:aws:s3:::shop-config/web.env" }],
        secrets: [
          {
            name: "DB_PASSWORD",
            valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:shop/db-AbCdEf`,
          },
          { name: "API_KEY", valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/shop/api-key` },
        ],
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "/ecs/shop",
            "awslogs-region": REGION,
            "awslogs-stream-prefix": "web",
          },
          secretOptions: [],
        },
        healthCheck: {
          command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 10,
        },
        dependsOn: [
          { containerName: "envoy", condition: "HEALTHY" },
          { containerName: "migrate", condition: "SUCCESS" },
        ],
        ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
        linuxParameters: { initProcessEnabled: true, capabilities: { add: [], drop: ["NET_RAW"] } },
        mountPoints: [{ sourceVolume: "shared", containerPath: "/data", readOnly: false }],
        volumesFrom: [],
        readonlyRootFilesystem: true,
        user: "1000:1000",
        stopTimeout: 30,
        dockerLabels: { "com.example.team": "shop" },
      },
      {
        name: "migrate",
        image: `${REGISTRY}/shop/web:v1`,
        essential: false,
        command: ["./migrate", "--up"],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        portMappings: [],
      },
      {
        name: "envoy",
        image: "840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
        essential: true,
        user: "1337",
        environment: [
          {
            name: "APPMESH_RESOURCE_ARN",
            value: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/shop/virtualNode/web`,
          },
        ],
        healthCheck: {
          command: [
            "CMD-SHELL",
            "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE",
          ],
          interval: 5,
          timeout: 2,
          retries: 3,
          startPeriod: 10,
        },
        mountPoints: [],
        volumesFrom: [],
        portMappings: [],
      },
      {
        name: "log-router",
        image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
        essential: true,
        firelensConfiguration: {
          type: "fluentbit",
          options: { "enable-ecs-log-metadata": "true" },
        },
        mountPoints: [],
        volumesFrom: [],
        portMappings: [],
        environment: [],
      },
    ],
    registeredAt: new Date("2026-01-01T00:00:00Z"),
    registeredBy: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
  };
}

const TAGS = [
  { key: "team", value: "shop" },
  { key: "cost-center", value: "42" },
];

describe("deriveRegisterInput", () => {
  it("returns every registerable field unchanged except the images of the named containers", () => {
    // Prepare
    const original = richTaskDefinition();
    const before = structuredClone(original);
    const newImage = `${REGISTRY}/shop/web:v2@${digest("b")}`;

    // Act
    const input = deriveRegisterInput(
      original,
      TAGS,
      new Map([
        ["web", newImage],
        ["migrate", newImage],
      ]),
    );

    // Assess
    const { containerDefinitions, tags, ...rest } = input;
    const { containerDefinitions: originalContainers, ...originalRest } = original;
    const expectedRest = Object.fromEntries(
      Object.entries(originalRest).filter(([key]) =>
        (REGISTERABLE_FIELDS as readonly string[]).includes(key),
      ),
    );
    expect(rest).toEqual(expectedRest);
    expect(Object.keys(rest).sort()).toEqual(Object.keys(expectedRest).sort());
    expect(tags).toEqual(TAGS);
    expect(containerDefinitions).toEqual(
      originalContainers?.map((c) =>
        c.name === "web" || c.name === "migrate" ? { ...c, image: newImage } : c,
      ),
    );
    expect(original).toEqual(before);
  });

  it("returns no read-only field", () => {
    // Prepare
    const original = richTaskDefinition();

    // Act
    const input = deriveRegisterInput(original, TAGS, new Map());

    // Assess
    for (const field of READ_ONLY_FIELDS) expect(input).not.toHaveProperty(field);
    expect(
      Object.keys(input).every(
        (key) => key === "tags" || (REGISTERABLE_FIELDS as readonly string[]).includes(key),
      ),
    ).toBe(true);
  });

  it("returns the user tags without the reserved aws: tags, and no tags when none remain", () => {
    // Prepare
    const original = richTaskDefinition();
    const tags = [{ key: "aws:cloudformation:stack-name", value: "shop" }, ...TAGS];

    // Act
    const withUserTags = deriveRegisterInput(original, tags, new Map());
    const withReservedOnly = deriveRegisterInput(
      original,
      [{ key: "AWS:x", value: "y" }],
      new Map(),
    );
    const withoutTags = deriveRegisterInput(original, undefined, new Map());

    // Assess
    expect(withUserTags.tags).toEqual(TAGS);
    expect(withReservedOnly).not.toHaveProperty("tags");
    expect(withoutTags).not.toHaveProperty("tags");
  });

  it("throws when a container to change is not in the task definition", () => {
    // Prepare
    const original = richTaskDefinition();

    // Act
    const derive = () => deriveRegisterInput(original, TAGS, new Map([["api", "x"]]));

    // Assess
    expect(derive).toThrow(/no container named api/);
  });
});
