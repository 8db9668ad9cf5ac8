import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord, SQSBatchResponse } from 'aws-lambda';
import type { LocalFunction } from './local-function';

/**
 * An SQS queue in front of a function, with the semantics the handlers rely on in AWS:
 * batches of up to `batchSize` as real SQS events, partial batch failures
 * (ReportBatchItemFailures) redelivered after a visibility delay with
 * ApproximateReceiveCount rising, and a dead-letter list after `maxReceiveCount`.
 */
interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  availableAt: number;
  firstSentAt: number;
}

export interface DeadLetter {
  queue: string;
  messageId: string;
  body: string;
  reason: string;
}

/** SQS bills each 64 KB chunk of a request's payload as one request. https://aws.amazon.com/sqs/pricing/ */
const SQS_CHUNK_BYTES = 64 * 1024;
/** ReceiveMessage and DeleteMessageBatch take at most 10 messages per call. */
const SQS_MAX_PER_CALL = 10;

/**
 * How long a failed message stays invisible before its next receive: tripling from
 * `visibilityDelayMs`, at most a minute. In AWS every receive waits the queue's visibility timeout
 * (6 × the function timeout + the batching window, minutes), so ten receives span half an hour:
 * time for what a message waits on to come (a customer's record her sync is still making, behind
 * a vendor's Retry-After of up to a minute). Locally the first retries stay quick (0.1, 0.3, 0.9 s
 * in tests), and ten receives still span minutes (3.6 in tests, 5 in npm start), not the seconds a
 * fixed step gave: a message copy waiting for a Klaviyo profile ran out of receives in the chaos run.
 */
export const MAX_REDELIVERY_DELAY_MS = 60_000;
export function redeliveryDelayMs(visibilityDelayMs: number, receiveCount: number): number {
  return Math.min(MAX_REDELIVERY_DELAY_MS, visibilityDelayMs * 3 ** Math.max(0, receiveCount - 1));
}

export function sqsChunks(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK_BYTES));
}

export class LocalQueue {
  readonly deadLetters: DeadLetter[] = [];
  /**
   * The SQS requests AWS would bill for this queue's traffic, 64 KB chunks included: one
   * SendMessage per event EventBridge delivers, one ReceiveMessage per 10 messages the Lambda
   * poller hands over, one DeleteMessageBatch per 10 messages the function did not report as
   * failed. Empty long polls of an idle queue are not per update and not counted here.
   */
  readonly requests = { send: 0, receive: 0, delete: 0 };
  private messages: Message[] = [];
  private inFlight = 0;
  private batchesInFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly fn: LocalFunction,
    private readonly options: { batchSize: number; maxReceiveCount: number; visibilityDelayMs: number; batchWindowMs: number },
  ) {}

  send(body: string): void {
    this.requests.send += sqsChunks(Buffer.byteLength(body));
    const now = Date.now();
    this.messages.push({ messageId: randomUUID(), body, receiveCount: 0, availableAt: now, firstSentAt: now });
    this.schedule(this.options.batchWindowMs);
  }

  get depth(): number {
    return this.messages.length + this.inFlight;
  }

  /** Resolves when the queue has no message waiting or being processed. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delayMs);
  }

  private pump(): void {
    const now = Date.now();
    while (this.batchesInFlight < this.fn.capacity) {
      const ready = this.messages.filter((m) => m.availableAt <= now).slice(0, this.options.batchSize);
      if (ready.length === 0) break;
      this.messages = this.messages.filter((m) => !ready.includes(m));
      this.inFlight += ready.length;
      this.batchesInFlight++;
      void this.deliver(ready).finally(() => {
        this.inFlight -= ready.length;
        this.batchesInFlight--;
        this.pump();
        this.notifyIfIdle();
      });
    }
    const next = Math.min(...this.messages.map((m) => m.availableAt));
    if (Number.isFinite(next)) this.schedule(Math.max(0, next - Date.now()));
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const m of batch) m.receiveCount++;
    const event: SQSEvent = { Records: batch.map((m) => this.toRecord(m)) };
    for (let i = 0; i < event.Records.length; i += SQS_MAX_PER_CALL) {
      const received = event.Records.slice(i, i + SQS_MAX_PER_CALL);
      this.requests.receive += sqsChunks(received.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0));
    }
    const outcome = await this.fn.invoke(event);
    const failedIds = outcome.error
      ? new Set(batch.map((m) => m.messageId)) // the whole batch failed
      : new Set(((outcome.result as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const reason = outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : 'reported as batch item failure';
    const succeeded = batch.length - failedIds.size;
    this.requests.delete += Math.ceil(succeeded / SQS_MAX_PER_CALL);
    for (const m of batch) {
      if (!failedIds.has(m.messageId)) continue;
      if (m.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push({ queue: this.name, messageId: m.messageId, body: m.body, reason });
      } else {
        m.availableAt = Date.now() + redeliveryDelayMs(this.options.visibilityDelayMs, m.receiveCount);
        this.messages.push(m);
      }
    }
  }

  private toRecord(m: Message): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.firstSentAt),
        SenderId: 'AIDAEVENTBRIDGE',
        ApproximateFirstReceiveTimestamp: String(m.firstSentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${this.name}`,
      awsRegion: 'us-east-1',
    };
  }

  private notifyIfIdle(): void {
    if (this.depth > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
