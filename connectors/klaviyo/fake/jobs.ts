import type { ProfileInput } from './profiles-state';

/**
 * Work Klaviyo accepts with a 202 and an empty body, then does later: Bulk Subscribe / Bulk
 * Unsubscribe jobs and Create Event ("Successful response indicates that the event was validated
 * and submitted for processing, but does not guarantee that processing is complete",
 * eventsApi.d.ts; the subscribe job "is asynchronous: the profile/consent may not be readable
 * immediately", orders-messages-facts.md §4.3). Only what can be checked synchronously is refused
 * with a 400; whatever fails later (an unknown profile id, an identifier held by another profile)
 * is dropped silently, as a job's errors never reach the caller. Jobs are plain JSON, applied in
 * the order accepted, `lagMs` after acceptance, and kept across a restart (persist.ts).
 */
export interface SubscribeProfile {
  id?: string;
  email?: string;
  phone_number?: string;
  /** Channels to subscribe, each with its `consented_at` when a historical import gave one. */
  email_marketing?: { consented_at?: string };
  sms_marketing?: { consented_at?: string };
  sms_transactional?: { consented_at?: string };
}

export interface UnsubscribeProfile {
  email?: string;
  phone_number?: string;
  email_marketing: boolean;
  sms_marketing: boolean;
  sms_transactional: boolean;
}

export type Job =
  | { kind: 'subscribe'; customSource: string | null; historical: boolean; listId: string | null; profiles: SubscribeProfile[] }
  | { kind: 'unsubscribe'; listId: string | null; profiles: UnsubscribeProfile[] }
  | {
      kind: 'event';
      metric: string;
      profile: { id?: string; input: ProfileInput };
      time: string;
      uniqueId?: string;
      value?: number;
      valueCurrency?: string;
      properties: Record<string, unknown>;
    };

export interface QueuedJob {
  /** Wall-clock ms when it is applied. */
  dueAt: number;
  job: Job;
}

export class JobQueue {
  private queue: QueuedJob[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private listeners: Array<() => void> = [];
  private stopped = false;

  constructor(
    public lagMs: number,
    private readonly apply: (job: Job) => void,
  ) {}

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  accept(job: Job): void {
    this.queue.push({ dueAt: Date.now() + this.lagMs, job: structuredClone(job) });
    this.changed();
    this.schedule();
  }

  /** Jobs saved before a restart: applied when they were due (at once if overdue). */
  restore(jobs: QueuedJob[]): void {
    this.queue.push(...structuredClone(jobs));
    this.queue.sort((a, b) => a.dueAt - b.dueAt);
    this.schedule();
  }

  pending(): QueuedJob[] {
    return structuredClone(this.queue);
  }

  /** Resolves when every accepted job has been applied. */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.release();
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.queue.length === 0) return;
    const first = this.queue[0]!;
    this.timer = setTimeout(() => this.run(), Math.max(0, first.dueAt - Date.now()));
  }

  private run(): void {
    this.timer = undefined;
    const now = Date.now();
    while (!this.stopped && this.queue.length > 0 && this.queue[0]!.dueAt <= now) {
      const { job } = this.queue.shift()!;
      try {
        this.apply(job);
      } catch (error) {
        // A job's failure is Klaviyo's to log, never the caller's to see.
        console.warn(`Klaviyo fake: a ${job.kind} job failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.changed();
    if (this.queue.length === 0) this.release();
    else this.schedule();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
