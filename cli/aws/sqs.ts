import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { REDRIVE } from "../constants.js";
import { isAwsErrorNamed, NotFoundError } from "../errors.js";

/** The URL of a queue by name, or null when there is no such queue. */
export async function findQueueUrl(sqs: SQSClient, queueName: string): Promise<string | null> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    return QueueUrl ?? null;
  } catch (error) {
    if (isAwsErrorNamed(error, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")) {
      return null;
    }
    throw error;
  }
}

/** The URL of a queue by name. @throws {NotFoundError} when there is no such queue. */
export async function queueUrl(sqs: SQSClient, queueName: string): Promise<string> {
  const url = await findQueueUrl(sqs, queueName);
  if (url === null) {
    throw new NotFoundError(
      `Queue ${queueName} does not exist in this region (check --name-prefix and --region, or pass --queue-url)`,
    );
  }
  return url;
}

/** Messages in a queue: visible, and received but not yet deleted (in flight). */
export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
}

/** The approximate number of messages in a queue. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * Receives up to `max` (≤ 10) messages and hides them for the redrive's visibility
 * timeout; from a FIFO queue with their message group and deduplication ids.
 */
export async function receiveMessages(
  sqs: SQSClient,
  url: string,
  max: number,
): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: Math.max(1, Math.min(REDRIVE.batchSize, max)),
      VisibilityTimeout: REDRIVE.visibilityTimeoutSeconds,
      WaitTimeSeconds: REDRIVE.waitTimeSeconds,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["MessageGroupId", "MessageDeduplicationId"],
    }),
  );
  return Messages;
}

/** Sends a message to a FIFO queue in a message group, under a deduplication id. */
export async function sendFifoMessage(
  sqs: SQSClient,
  url: string,
  message: { body: string; groupId: string; deduplicationId: string },
): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: message.body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    }),
  );
}

/** Deletes a received message. */
export async function deleteMessage(
  sqs: SQSClient,
  url: string,
  receiptHandle: string,
): Promise<void> {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receiptHandle }));
}

/**
 * Makes received messages visible again at once (visibility timeout 0).
 *
 * @returns the number of messages SQS did not release (they reappear when their timeout ends).
 */
export async function releaseMessages(
  sqs: SQSClient,
  url: string,
  receiptHandles: readonly string[],
): Promise<number> {
  let failed = 0;
  for (let start = 0; start < receiptHandles.length; start += REDRIVE.batchSize) {
    const chunk = receiptHandles.slice(start, start + REDRIVE.batchSize);
    const { Failed = [] } = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((handle, index) => ({
          Id: String(index),
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
    failed += Failed.length;
  }
  return failed;
}

/** The string message attributes of a message. */
export function stringAttributes(message: Message): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue]),
  );
}
