/**
 * The push handler with linked workload accounts, on moto_server (not a test; exits 0
 * unless a target is missed): AWS calls per push by operation as the linked accounts and
 * the services that can match grow, and as services that cannot match grow; sts:AssumeRole
 * calls on the cold and on a warm invocation. Counted as SDK commands sent.
 *
 *   npx tsx bench/linked-deployer.ts
 */
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { PurgeQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { LINKED_ACCOUNTS_ENV_VAR } from "../functions/shared/contract.js";
import { ecrPushEvent } from "../scripts/fakes/ecr-deployer.js";
import { createRolloutQueue } from "../scripts/fakes/sqs-event-source.js";
import { fakeImageManifest, startMoto, useMotoEnvironment } from "../scripts/moto.js";
import { report } from "./support.js";

const NAME = "linked deployer";
const REGION = "us-east-1";
const HOME = "123456789012";
const ACCOUNTS = ["222222222222", "333333333333", "555555555555"];
const REPOSITORY = "platform/agent";
const IMAGE = `${HOME}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}`;

// Every SDK command sent, by client and command name.
const counts = new Map<string, number>();
for (const Client of [ECSClient, ECRClient, STSClient, SQSClient]) {
  const send = Client.prototype.send as (...args: unknown[]) => Promise<unknown>;
  Client.prototype.send = function (this: unknown, command: unknown, ...rest: unknown[]) {
    const name = (command as { constructor: { name: string } }).constructor.name.replace(
      /Command$/,
      "",
    );
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return send.call(this, command, ...rest);
  } as never;
}

const moto = await startMoto();
useMotoEnvironment(moto.endpoint, REGION);
process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
process.env.DRY_RUN = "false";
process.env.IMAGE_PIN = "tag-and-digest";
const sqs = new SQSClient({ region: REGION });
const queue = await createRolloutQueue(sqs);
process.env.ROLLOUT_QUEUE_URL = queue.url;
const ecr = new ECRClient({ region: REGION });
await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
let pushes = 0;
async function push(tag: string) {
  const put = await ecr.send(
    new PutImageCommand({
      repositoryName: REPOSITORY,
      imageManifest: fakeImageManifest(tag),
      imageTag: tag,
    }),
  );
  pushes += 1;
  return ecrPushEvent({
    account: HOME,
    region: REGION,
    repository: REPOSITORY,
    digest: put.image?.imageId?.imageDigest as string,
    tag,
    id: `5f4e3d2c-1b0a-4f9e-8d7c-${String(pushes).padStart(12, "0")}`,
  });
}
await push("v1");

async function credentialsIn(account: string): Promise<AwsCredentialIdentity> {
  const out = await new STSClient({ region: REGION }).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/setup`, RoleSessionName: "s" }),
  );
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId as string,
    secretAccessKey: c?.SecretAccessKey as string,
    sessionToken: c?.SessionToken as string,
  };
}

/** In `account`'s cluster "prod": `matching` services that follow v* and `others` on other images, each its own family. */
async function addServices(account: string, matching: number, others: number, from: number) {
  const ecs =
    account === HOME
      ? new ECSClient({ region: REGION })
      : new ECSClient({ region: REGION, credentials: await credentialsIn(account) });
  if (from === 0) await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
  for (let i = from; i < from + matching + others; i++) {
    const follows = i < from + matching;
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `svc-${i}`,
        containerDefinitions: [
          {
            name: "agent",
            image: follows ? `${IMAGE}:v1` : `public.ecr.aws/docker/library/nginx:1.${i}`,
            memory: 64,
          },
        ],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: `svc-${i}`,
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        tags: follows ? [{ key: "ecs-deployments:follow", value: "v*" }] : [],
      }),
    );
  }
}

/** A cold push then a warm push, with `linked` accounts linked; calls by operation each. */
async function measure(label: string, linked: readonly string[]) {
  process.env[LINKED_ACCOUNTS_ENV_VAR] = JSON.stringify(
    linked.map((id) => ({
      id,
      regions: [REGION],
      read_role_arn: `arn:aws:iam::${id}:role/platform-read`,
      deploy_role_arn: `arn:aws:iam::${id}:role/platform-deploy`,
    })),
  );
  const { handler } = await import(`../functions/ecr-deployer/index.js?${label}`);
  const result: Record<string, Record<string, number>> = {};
  for (const run of ["cold", "warm"]) {
    const event = await push(`v${pushes + 1}`);
    counts.clear();
    await handler(event);
    result[run] = Object.fromEntries(counts);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
  }
  return result as { cold: Record<string, number>; warm: Record<string, number> };
}

// Home and three workload accounts, each 5 services that follow v* and 15 that cannot match.
for (const account of [HOME, ...ACCOUNTS]) await addServices(account, 5, 15, 0);
const rows: { label: string; cold: Record<string, number>; warm: Record<string, number> }[] = [];
for (const n of [0, 1, 2, 3]) {
  const label = `${n}-linked`;
  rows.push({ label, ...(await measure(label, ACCOUNTS.slice(0, n))) });
}
// 40 more services that cannot match in every account: only the listing reads grow.
for (const account of [HOME, ...ACCOUNTS]) await addServices(account, 0, 40, 20);
rows.push({ label: "3-linked+160-others", ...(await measure("3-others", ACCOUNTS)) });
// 5 more services that follow v* in every account.
for (const account of [HOME, ...ACCOUNTS]) await addServices(account, 5, 0, 60);
rows.push({ label: "3-linked+20-matching", ...(await measure("3-matching", ACCOUNTS)) });

const ops = [...new Set(rows.flatMap((r) => [...Object.keys(r.cold), ...Object.keys(r.warm)]))];
console.log(`\n${NAME}: AWS calls per push (accounts searched = home + linked)`);
console.log(["scenario", "run", ...ops, "total"].join("\t"));
for (const row of rows) {
  for (const run of ["cold", "warm"] as const) {
    const c = row[run];
    console.log(
      [
        row.label,
        run,
        ...ops.map((o) => c[o] ?? 0),
        Object.values(c).reduce((a, b) => a + b, 0),
      ].join("\t"),
    );
  }
}
const three = rows.find((r) => r.label === "3-linked") as (typeof rows)[number];
const others = rows.find((r) => r.label === "3-linked+160-others") as (typeof rows)[number];
let ok = true;
ok &&= report(`${NAME}: sts:AssumeRole, cold push, 3 linked`, three.cold.AssumeRole ?? 0, "calls", {
  max: 3,
});
ok &&= report(`${NAME}: sts:AssumeRole, warm push`, three.warm.AssumeRole ?? 0, "calls", {
  max: 0,
});
ok &&= report(
  `${NAME}: DescribeTaskDefinition, warm push, +160 services that cannot match`,
  (others.warm.DescribeTaskDefinition ?? 0) - (three.warm.DescribeTaskDefinition ?? 0),
  "calls",
  { max: 0 },
);

await moto.stop();
process.exit(ok ? 0 : 1);
