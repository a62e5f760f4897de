/**
 * Numbers the constructs, their prop checks and the module's variable validations share:
 * the limits AWS puts on the work queue and its function, and what we choose within them.
 * Dependency-free, so every module file may import it.
 */

/** How long a DLQ keeps a message: 14 days, the SQS maximum, time to find the cause and redrive. */
export const DLQ_RETENTION_SECONDS = 1_209_600;

/** How long the work queue keeps an item nobody took: 4 days, the SQS default, said out loud. */
export const WORK_QUEUE_RETENTION_SECONDS = 345_600;

/**
 * Lambda's advice for a queue that feeds a function: a visibility timeout of six times the
 * function's timeout, so a batch that Lambda retries after a throttle is not redelivered
 * while it still runs.
 */
export const VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT = 6;

/** The largest message the work queue takes (256 KiB); the sender bounds items below it. */
export const WORK_QUEUE_MAX_MESSAGE_BYTES = 262_144;

/** Inclusive [min, max] of the work queue's and its function's settings. */
export const QueueFunctionLimits = {
  /** A FIFO queue's event source mapping takes batches of 1 to 10. */
  BATCH_SIZE: [1, 10],
  /** `scaling_config.maximum_concurrency` of an SQS event source. */
  MAXIMUM_CONCURRENCY: [2, 1_000],
  /** `maxReceiveCount` of a redrive policy. */
  MAX_RECEIVE_COUNT: [1, 1_000],
  /**
   * The function's timeout: at least a minute (the handler hands back what it cannot
   * finish in time and needs room for one item), at most Lambda's 900 s, whose six times
   * stay within SQS's 12-hour visibility maximum.
   */
  TIMEOUT: [60, 900],
  /** Lambda's memory, MB. */
  MEMORY_SIZE: [128, 10_240],
  /** The oldest-item alarm: at least a minute, at most the queue's retention. */
  AGE_ALARM_SECONDS: [60, WORK_QUEUE_RETENTION_SECONDS],
} as const satisfies Record<string, readonly [number, number]>;

/** Defaults of the work queue's and its function's settings. */
export const QueueFunctionDefaults = {
  TIMEOUT: 300,
  MEMORY_SIZE: 256,
  BATCH_SIZE: 10,
  MAXIMUM_CONCURRENCY: 10,
  MAX_RECEIVE_COUNT: 10,
  AGE_ALARM_SECONDS: 3_600,
} as const;
