import type { FakeContact, HubspotFakeState } from './state';

/**
 * What the search endpoint sees: HubSpot's search is an index that lags writes by a few
 * seconds ("changes ... take several seconds to propagate to the search index"), so a record
 * just created or edited may be missing or stale there. Each change becomes visible after
 * `lagMs` of wall-clock time; `flush()` makes everything visible now (tests, chaos run).
 */
export class SearchIndex {
  private readonly visible = new Map<string, FakeContact>();
  private pending: Array<{ dueAt: number; id: string; contact: FakeContact | undefined }> = [];

  constructor(
    private readonly state: HubspotFakeState,
    public lagMs: number,
  ) {}

  /** Queues the record's current state (a copy), or its absence, for the index. */
  record(id: string): void {
    const contact = this.state.contacts.get(id);
    const copy = contact && !contact.archived ? { ...contact, properties: new Map(contact.properties) } : undefined;
    this.pending.push({ dueAt: Date.now() + this.lagMs, id, contact: copy });
    if (this.lagMs <= 0) this.flush();
  }

  /** Indexes everything the portal holds now (seed, restart from disk). */
  rebuild(): void {
    this.pending = [];
    this.visible.clear();
    for (const contact of this.state.list()) this.visible.set(contact.id, { ...contact, properties: new Map(contact.properties) });
  }

  flush(): void {
    this.apply(Number.POSITIVE_INFINITY);
  }

  /** The records search can find now. */
  list(): FakeContact[] {
    this.apply(Date.now());
    return [...this.visible.values()];
  }

  private apply(until: number): void {
    const due = this.pending.filter((entry) => entry.dueAt <= until);
    this.pending = this.pending.filter((entry) => entry.dueAt > until);
    for (const entry of due) {
      if (entry.contact) this.visible.set(entry.id, entry.contact);
      else this.visible.delete(entry.id);
    }
  }
}
