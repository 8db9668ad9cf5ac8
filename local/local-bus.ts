import { matchesPattern, type EventPattern } from '../core/routing';
import type { LocalQueue } from './local-queue';

/**
 * The event bus, locally: every PutEvents entry is matched against the rules generated from
 * core/routing.ts (the same patterns the CDK stack installs) and sent to each matching
 * rule's queue, as EventBridge → SQS does.
 */
export class LocalBus {
  private rules: Array<{ name: string; pattern: EventPattern; queue: LocalQueue }> = [];
  readonly unmatched: unknown[] = [];
  /** Every event put on the bus, in order (what tests assert on). */
  readonly published: Array<Record<string, unknown>> = [];
  /**
   * What EventBridge bills: each 64 KB chunk of a PutEvents entry is one custom event, the
   * entry sized as AWS sizes it (aws-endpoints.ts putEventsEntrySize). Delivery to the queues is free.
   * https://aws.amazon.com/eventbridge/pricing/
   */
  readonly metered = { entries: 0, entryBytes: 0, billedEvents: 0 };

  addRule(name: string, pattern: EventPattern, queue: LocalQueue): void {
    this.rules.push({ name, pattern, queue });
  }

  put(envelope: Record<string, unknown>, entryBytes = 0): void {
    this.metered.entries++;
    this.metered.entryBytes += entryBytes;
    this.metered.billedEvents += Math.max(1, Math.ceil(entryBytes / (64 * 1024)));
    this.published.push(envelope);
    const matching = this.rules.filter((rule) => matchesPattern(rule.pattern, envelope));
    if (matching.length === 0) this.unmatched.push(envelope);
    for (const rule of matching) rule.queue.send(JSON.stringify(envelope));
  }
}
