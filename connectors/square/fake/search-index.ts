/**
 * What ListCustomers and SearchCustomers see: Square serves both from an index that lags writes
 * ("newly created or updated customer profiles become available for the listing operation in well
 * under 30 seconds. Occasionally ... closer to one minute or longer", square SDK docs of list and
 * search). Each change becomes visible after `lagMs` of wall-clock time; `flush()` shows all now.
 * Reads by id (RetrieveCustomer, BulkRetrieveCustomers) do not go through it.
 */
export class LaggingIndex<T> {
  private readonly visible = new Map<string, T>();
  private pending: Array<{ dueAt: number; id: string; record: T | undefined }> = [];

  constructor(public lagMs: number) {}

  /** Queues the record's state (a copy), or its absence, for the index. */
  record(id: string, record: T | undefined): void {
    this.pending.push({ dueAt: Date.now() + this.lagMs, id, record: record === undefined ? undefined : structuredClone(record) });
    if (this.lagMs <= 0) this.flush();
  }

  /** Indexes a record at once (seed: it was there before the hub). */
  seed(id: string, record: T): void {
    this.visible.set(id, structuredClone(record));
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
