import { DeploymentEventName } from "../functions/deployment-tracker/contract.js";

/** Process exit codes of the CLI. */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
} as const;

/** The name of the tool, as users type it. */
export const TOOL = "ecs-deployments";

/** `detail.eventType` and `detail.eventName` for each status test-event can send. */
export const DeploymentStatus = {
  COMPLETED: { eventType: "INFO", eventName: DeploymentEventName.COMPLETED },
  FAILED: { eventType: "ERROR", eventName: DeploymentEventName.FAILED },
} as const;

/** Conditions of a Lambda on-failure invocation record that mean the event was not processed. */
export const FAILURE_CONDITIONS = ["RetriesExhausted", "EventAgeExceeded"] as const;

/** SQS settings of redrive. */
export const REDRIVE = {
  /** Most messages one ReceiveMessage returns (the SQS maximum). */
  batchSize: 10,
  /**
   * Seconds a received message stays hidden. Failed and skipped messages are made visible
   * again at the end of the run; this bounds how long they stay hidden if the run dies.
   */
  visibilityTimeoutSeconds: 900,
  /** Long-poll seconds: an empty answer then means the queue is really empty. */
  waitTimeSeconds: 1,
  /** Default bound on the messages one run reads. */
  defaultMax: 1000,
} as const;

/** Timeout of doctor's reachability request to the tracker's endpoint. */
export const PROBE_TIMEOUT_MS = 5_000;
