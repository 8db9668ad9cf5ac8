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

  addRule(name: string, pattern: EventPattern, queue: LocalQueue): void {
    this.rules.push({ name, pattern, queue });
  }

  put(envelope: Record<string, unknown>): void {
    this.published.push(envelope);
    const matching = this.rules.filter((rule) => matchesPattern(rule.pattern, envelope));
    if (matching.length === 0) this.unmatched.push(envelope);
    for (const rule of matching) rule.queue.send(JSON.stringify(envelope));
  }
}
