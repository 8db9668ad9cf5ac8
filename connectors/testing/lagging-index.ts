/**
 * A vendor's search (or list) index that lags writes, as the fakes serve it (HubSpot's search,
 * Square's ListCustomers and SearchCustomers): each change becomes visible after `lagMs` of
 * wall-clock time; `flush()` shows all now. Reads by id do not go through it.
 */
export class LaggingIndex<T> {
  private readonly visible = new Map<string, T>();
  private pending: Array<{ dueAt: number; id: string; record: T | undefined }> = [];

  /** `copy`: how a record's state is kept apart from the live record (default: a deep copy). */
  constructor(
    public lagMs: number,
    private readonly copy: (record: T) => T = structuredClone,
  ) {}

  /** Queues the record's state (a copy), or its absence, for the index. */
  record(id: string, record: T | undefined): void {
    this.pending.push({ dueAt: Date.now() + this.lagMs, id, record: record === undefined ? undefined : this.copy(record) });
    if (this.lagMs <= 0) this.flush();
  }

  /** Indexes a record at once (seed: it was there before the hub). */
  seed(id: string, record: T): void {
    this.visible.set(id, this.copy(record));
  }

  /** Forgets everything, shown and queued (before seeding it again). */
  clear(): void {
    this.pending = [];
    this.visible.clear();
  }

  flush(): void {
    this.apply(Number.POSITIVE_INFINITY);
  }

  /** The records the index shows now. */
  list(): T[] {
    this.apply(Date.now());
    return [...this.visible.values()];
  }

  private apply(until: number): void {
    const due = this.pending.filter((entry) => entry.dueAt <= until);
    this.pending = this.pending.filter((entry) => entry.dueAt > until);
    for (const entry of due) {
      if (entry.record === undefined) this.visible.delete(entry.id);
      else this.visible.set(entry.id, entry.record);
    }
  }
}
