/**
 * The deployer's CloudWatch metrics, in embedded metric format (Powertools Metrics): a log
 * line that CloudWatch turns into a metric, so no `cloudwatch:PutMetricData` permission
 * and no extra call per push. The one dimension is `Metric.SERVICE_DIMENSION`.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { capString } from "../shared/log-values.js";
import { Metric } from "./contract.js";

/** An opted-in service that was left alone because its task definition could not be read. */
export interface UnreadableService {
  /** Cluster name. */
  readonly cluster: string;
  readonly service: string;
  readonly taskDefinitionArn: string;
  /** `<Operation> failed: <Name>: <message>` of the refused read. */
  readonly error: string;
}

/** What the deployer counts. */
export interface DeployerMetrics {
  /** Emits `Metric.UNREADABLE_TASK_DEFINITIONS` for one push (nothing when there are none). */
  unreadableTaskDefinitions(services: readonly UnreadableService[]): void;
}

/** Characters of the metadata that names the unreadable services. */
const NAMES_MAX_CHARS = 1024;

/**
 * Metrics of the function named `serviceName` (its Powertools service name, the metric's
 * dimension). Each call publishes at once: a push emits at most one metric line.
 */
export function createDeployerMetrics(serviceName: string): DeployerMetrics {
  const metrics = new Metrics({ namespace: Metric.NAMESPACE, serviceName });
  return {
    unreadableTaskDefinitions(services) {
      if (services.length === 0) return;
      metrics.addMetric(Metric.UNREADABLE_TASK_DEFINITIONS, MetricUnit.Count, services.length);
      metrics.addMetadata(
        "unreadableServices",
        capString(services.map((s) => `${s.cluster}/${s.service}`).join(", "), NAMES_MAX_CHARS),
      );
      metrics.publishStoredMetrics();
    },
  };
}
