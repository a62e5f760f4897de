/**
 * doctor's check of published images: for each service the deployer follows and that
 * asks for its images to be published, whether each parameter exists and names the
 * image the service runs.
 */
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import {
  Defaults,
  EnvVar,
  imageParameterName,
  PublishTag,
} from "../../functions/ecr-deployer/contract.js";
import { readPublishTag } from "../../functions/ecr-deployer/parameters.js";
import { parseImageReference } from "../../functions/shared/image-reference.js";
import { parameterValue } from "../aws/ssm.js";
import type { AwsClients } from "../types.js";
import { followedServices } from "./followed-services.js";
import type { Check } from "./types.js";

/** Whether the deployer's environment turns publishing on. */
export function publishesImages(environment: Readonly<Record<string, string>>): boolean {
  return environment[EnvVar.PUBLISH_IMAGES]?.toLowerCase() === "true";
}

/** One parameter a service should have, and what it holds. */
export interface PublishedParameterFacts {
  readonly parameter: string;
  /** The images of the containers it stands for (one with conventional names). */
  readonly runs: readonly string[];
  /** The container it stands for (conventional names only). */
  readonly container?: string;
  /** Its value; null when it does not exist. */
  readonly value: string | null;
}

/** A service that asks for its images to be published. */
export interface PublishingServiceFacts {
  readonly cluster: string;
  readonly service: string;
  readonly named: boolean;
  /** Why its parameters cannot be known (an invalid tag). */
  readonly error?: string;
  readonly parameters: readonly PublishedParameterFacts[];
}

/**
 * Finds the services the deployer follows (its allowed clusters, or every cluster) that
 * carry the publish tag, and reads their parameters. The containers checked are those
 * whose image is in ECR (the deployer rolls only those).
 */
export async function gatherPublishingFacts(
  clients: Pick<AwsClients, "ecs" | "ssm">,
  environment: Readonly<Record<string, string>>,
): Promise<PublishingServiceFacts[]> {
  const path = environment[EnvVar.IMAGE_PARAMETER_PATH] || Defaults.IMAGE_PARAMETER_PATH;
  const found: PublishingServiceFacts[] = [];
  for (const { cluster, service, tag } of await followedServices(clients.ecs, environment)) {
    const publish = readPublishTag(tag(PublishTag.KEY), path);
    if (publish.kind === "off") continue;
    const base = { cluster, service: service.serviceName };
    if (publish.kind === "invalid") {
      found.push({ ...base, named: false, error: publish.error, parameters: [] });
      continue;
    }
    const { taskDefinition } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }),
    );
    const containers = (taskDefinition?.containerDefinitions ?? []).filter(
      (c) => c.name !== undefined && c.image !== undefined && isEcrImage(c.image),
    ) as { name: string; image: string }[];
    const wanted =
      publish.target.kind === "named"
        ? [
            {
              parameter: publish.target.name,
              runs: [...new Set(containers.map((c) => c.image))],
            },
          ]
        : containers.map((c) => ({
            parameter: imageParameterName(path, cluster, service.serviceName, c.name),
            runs: [c.image],
            container: c.name,
          }));
    const parameters: PublishedParameterFacts[] = [];
    for (const w of wanted)
      parameters.push({ ...w, value: await parameterValue(clients.ssm, w.parameter) });
    found.push({ ...base, named: publish.target.kind === "named", parameters });
  }
  return found;
}

function isEcrImage(image: string): boolean {
  try {
    return parseImageReference(image).ecr !== undefined;
  } catch {
    return false;
  }
}

const WRITE_FIX = (name: string, image: string) =>
  `push the image again (the deployer writes the parameter after each rollout), or write it: aws ssm put-parameter --overwrite --type String --name ${name} --value ${image}`;

/**
 * The verdicts: a parameter naming the image its service runs passes; one naming another
 * image fails (the next terraform apply would roll the service to it); a service none of
 * whose parameters exists fails; a missing parameter of one container among others is
 * information (that container may come from a repository the service does not follow).
 */
export function publishingVerdicts(services: readonly PublishingServiceFacts[]): Check[] {
  const checks: Check[] = [];
  for (const s of services) {
    const where = `${s.cluster}/${s.service}`;
    if (s.error !== undefined) {
      checks.push({
        status: "fail",
        subject: `service ${where}`,
        message: `is not rolled: its ${s.error}`,
        fix: `set the ${PublishTag.KEY} tag to "${PublishTag.AT_CONVENTIONAL_NAMES}" or a parameter name under the module's path`,
      });
      continue;
    }
    const existing = s.parameters.filter((p) => p.value !== null);
    for (const p of s.parameters) {
      const subject = `parameter ${p.parameter}`;
      if (p.value === null) {
        const alone = existing.length === 0;
        checks.push({
          status: alone ? "fail" : "info",
          subject,
          message: alone
            ? `does not exist: ${where} asks for its image to be published`
            : `does not exist: container ${p.container} of ${where} is not from a repository it follows, or was never rolled`,
          ...(alone && {
            fix: `create it in Terraform with the image the service runs (docs/beside-terraform.md), or ${WRITE_FIX(p.parameter, p.runs[0] ?? "<image>")}`,
          }),
        });
      } else if (p.runs.length !== 1) {
        checks.push({
          status: "fail",
          subject,
          message: `names one image, but the containers of ${where} run ${p.runs.length} (${p.runs.join(", ")})`,
          fix: `set the ${PublishTag.KEY} tag of ${where} to "${PublishTag.AT_CONVENTIONAL_NAMES}" for one parameter per container`,
        });
      } else if (p.value === p.runs[0]) {
        checks.push({
          status: "pass",
          subject,
          message: `names the image ${where} runs (${p.value})`,
        });
      } else {
        checks.push({
          status: "fail",
          subject,
          message: `names ${p.value}, but ${where} runs ${p.runs[0]}: the next terraform apply would roll it to the parameter's image`,
          fix: WRITE_FIX(p.parameter, p.runs[0] as string),
        });
      }
    }
  }
  return checks;
}
