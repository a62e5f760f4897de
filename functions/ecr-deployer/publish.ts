import type { ECRClient } from "@aws-sdk/client-ecr";
import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { awsErrorName } from "../shared/aws-errors.js";
import { lookupPushTimes } from "./discovery.js";
import { failureOf } from "./errors.js";
import { imageIdOfKey, imageKey } from "./image-key.js";
import { decideParameter, type Publication } from "./parameters.js";
import type { Pacer } from "./throttle.js";
import type { FailedService, Log, PublishedImage, PushedImage, PushTimes } from "./types.js";

/** What {@link publishImages} needs. */
export interface PublishDependencies {
  readonly ssm: SSMClient;
  /** Looks up when the image a parameter names was pushed, when the plan did not. */
  readonly ecr: ECRClient;
  /** Paces GetParameter and PutParameter (Parameter Store's throughput is shared per account and region). */
  readonly parameterPacer: Pacer;
  readonly logger: Log;
}

/** The outcome of {@link publishImages}. */
export interface PublishResult {
  readonly published: PublishedImage[];
  readonly failed: FailedService[];
}

/** The error name GetParameter answers for a parameter that does not exist. */
const PARAMETER_NOT_FOUND = "ParameterNotFound";

/**
 * Writes each service's deployed image to its parameter, one at a time, never backwards:
 * the parameter's own value is read first, and an image of the pushed repository pushed
 * after this push stays (the rule that keeps services from moving back, applied to what
 * the parameter holds). Each failure fails only that service's publication, never the
 * rollout (already done) nor the other writes.
 */
export async function publishImages(
  publications: readonly Publication[],
  image: PushedImage,
  pushTimes: PushTimes,
  deps: PublishDependencies,
): Promise<PublishResult> {
  const result: PublishResult = { published: [], failed: [] };
  const times = new Map(pushTimes);
  const pushedAt = new Date(image.time);
  for (const publication of publications) {
    const { cluster, service, parameter, image: wanted } = publication;
    let operation = "GetParameter";
    try {
      await deps.parameterPacer.wait();
      const current = await readParameter(deps.ssm, parameter);
      const decision = decideParameter(current, wanted, image);
      let outcome: PublishedImage["outcome"] = "written";
      if (decision.action === "unchanged") {
        outcome = "unchanged";
      } else if (decision.action === "compare") {
        operation = "DescribeImages";
        const key = imageKey(decision.reference);
        if (!times.has(key)) {
          const found = await lookupPushTimes(deps.ecr, image, [imageIdOfKey(key)], {
            logger: deps.logger,
          });
          for (const [k, t] of found) times.set(k, t);
        }
        const keptAt = times.get(key);
        if (keptAt !== undefined && keptAt > pushedAt) outcome = "newer-kept";
      }
      if (outcome === "written") {
        operation = "PutParameter";
        await deps.parameterPacer.wait();
        await deps.ssm.send(
          new PutParameterCommand({
            Name: parameter,
            Value: wanted,
            Type: "String",
            Overwrite: true,
          }),
        );
      }
      const published: PublishedImage = {
        cluster,
        service,
        parameter,
        image: wanted,
        outcome,
        ...(outcome === "newer-kept" && current !== undefined && { kept: current }),
      };
      result.published.push(published);
      // DEBUG: at INFO the rollout logs one line per service changed, not per parameter.
      deps.logger.debug(
        outcome === "newer-kept" ? "Parameter names a newer image; left alone" : "Published image",
        { cluster, ecsService: service, parameter, image: wanted, outcome, kept: published.kept },
      );
    } catch (error) {
      const { message, retryable } = failureOf(error);
      deps.logger.error("Image could not be published", {
        cluster,
        ecsService: service,
        parameter,
        error: message,
        retryable,
      });
      result.failed.push({
        cluster,
        service,
        parameter,
        error: `${operation}: ${message}`,
        retryable,
      });
    }
  }
  return result;
}

/** The value of a parameter; undefined when it does not exist. */
async function readParameter(ssm: SSMClient, name: string): Promise<string | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return Parameter?.Value;
  } catch (error) {
    if (awsErrorName(error) === PARAMETER_NOT_FOUND) return undefined;
    throw error;
  }
}
