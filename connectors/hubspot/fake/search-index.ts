import { LaggingIndex } from '../../testing/lagging-index';
import type { FakeContact, HubspotFakeState } from './state';

/**
 * What the search endpoint sees: HubSpot's search is an index that lags writes by a few
 * seconds ("changes ... take several seconds to propagate to the search index"), so a record
 * just created or edited may be missing or stale there. Each change becomes visible after
 * `lagMs` of wall-clock time; `flush()` makes everything visible now (tests, chaos run).
 */
export class SearchIndex {
  private readonly index: LaggingIndex<FakeContact>;

  constructor(
    private readonly state: HubspotFakeState,
    lagMs: number,
  ) {
    this.index = new LaggingIndex<FakeContact>(lagMs, (contact) => ({ ...contact, properties: new Map(contact.properties) }));
  }

  /** Queues the record's current state (a copy), or its absence, for the index. */
  record(id: string): void {
    const contact = this.state.contacts.get(id);
    this.index.record(id, contact && !contact.archived ? contact : undefined);
  }

  /** Indexes everything the portal holds now (seed, restart from disk). */
  rebuild(): void {
    this.index.clear();
    for (const contact of this.state.list()) this.index.seed(contact.id, contact);
  }

  flush(): void {
    this.index.flush();
  }

  /** The records search can find now. */
  list(): FakeContact[] {
    return this.index.list();
  }
}
