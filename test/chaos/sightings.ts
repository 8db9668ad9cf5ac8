import type { RecordedRequest } from '../../connectors/testing/fake-http';
import type { WebhookDeliveryRecord } from '../../connectors/testing/webhook-sender';
import { ADDRESS_KEY_PARTS, addressKeyPart, type CheckedField, type SystemName, type TruthEdit } from './model';

/** One committed change of a record, as the fake's state made it (a person's edit or an API write). */
export interface RecordChange {
  externalId: string;
  /** When it was committed (ms, the machine's clock). */
  at: number;
  /** The record's whole-second clock after it (Shopify's updated_at, Klaviyo's updated), in ms. */
  updatedAt: number;
  fields: CheckedField[];
  /** The address parts it changed, by their place in the checker's address key (line1|city|zip|country). */
  addressParts: number[];
  /** Who made it, when the trail knows: `person`, or the hub's invocation that wrote it. */
  by?: string;
}

/** One committed change of a Shopify customer. */
export type ShopifyChange = RecordChange;

/** What the drop phase needs to know about Shopify to tell which edits anyone could have seen. */
export interface ShopifyTrail {
  changes: readonly ShopifyChange[];
  requests: readonly RecordedRequest[];
  deliveries: readonly WebhookDeliveryRecord[];
}

/**
 * A moment something outside the vendor saw a record: `at`, the instant whose state it showed
 * (ms, the machine's clock: a read by id shows the record as it is, a list served from a lagging
 * index as it was `lag` earlier); `updatedAt`, the record's clock it showed, when the sighting
 * carries it itself (a webhook). Without it, the record's clock at `at` is taken from the changes.
 */
export interface Sighting {
  at: number;
  updatedAt?: number;
  /** The hub's invocation that read it, when the trail knows. */
  by?: string;
  /**
   * Not a read that was made, but one the hub owed (docs/identity.md §2: before the SDK sends a
   * refused write again, the connector reads the record again, because the wait is long enough
   * for an edit): what it was owed for. An edit made during that wait is judged as if it was read
   * then, so a retry that writes over it without that read is a lost update, not an unknowable edit.
   */
  owed?: string;
}

/**
 * What the checker knows of a system whose edits can go unseen: its committed changes, and its
 * sightings. Shopify in the drop phase (its webhooks dropped), and a polled system (Klaviyo sends
 * no webhooks: every edit made there is known only by the first read of the record after it).
 */
export interface SightingTrail {
  changes: readonly RecordChange[];
  /** The sightings of the record after `after` (ms) that can show a state as new as `updatedAt` or newer. */
  sightings(externalId: string, after: number, updatedAt: number): Sighting[];
}

/** Shopify's trail: its reads (a read of the customer by id, a page of all customers) and its delivered webhooks. */
export function shopifySightings(trail: ShopifyTrail): SightingTrail {
  return {
    changes: trail.changes,
    sightings(externalId, after, updatedAt) {
      const gid = `gid://shopify/Customer/${externalId}`;
      const reads = trail.requests.filter((request) => request.at > after && request.status === 200 && readsCustomer(request.body, gid)).map((request) => ({ at: request.at }));
      const webhooks = trail.deliveries
        .filter((delivery) => delivery.at > after && delivery.status === 200 && delivery.body.includes(`"id":${externalId},`))
        .map((delivery) => ({ at: delivery.at, updatedAt: Date.parse(/"updated_at":"([^"]+)"/.exec(delivery.body)?.[1] ?? '') }))
        .filter((sighting) => sighting.updatedAt >= updatedAt);
      return [...reads, ...webhooks];
    },
  };
}

/**
 * The edits as an observer could know them. For the drop phase (webhooks dropped,
 * reconciliation on): Shopify keeps no history and times a customer by its last change, in
 * seconds (docs/identity.md §1 and §2). So a Shopify edit whose webhooks were all dropped is known
 * only by the first sighting of the record after it: a read of it, or a webhook delivered for a
 * later change of it. That sighting dates it by the record's updated_at then, which is later
 * than the edit when the record changed again in between. An edit overwritten before any sighting
 * (a write of ours that raced it, or the person's own next edit of that field) left no trace: no
 * observer could know it, so it is no lost update. Every other edit is as made.
 *
 * A polled system (`polled`: Klaviyo) is the same throughout: it sends nothing, so every edit made
 * there is unseen, known by the first read of the profile after it (a read by id, or a poll page
 * served from its lagging index), timed by the profile's `updated` then.
 */
export function asObservable(edits: readonly TruthEdit[], trail: ShopifyTrail | undefined, polled: Partial<Record<SystemName, SightingTrail>> = {}): TruthEdit[] {
  return observableEdits(edits, trail, polled).edits;
}

/** An unseen edit nothing was left of to see, and the change that overwrote it before any sighting (undefined: none came, or none was committed). */
export interface Unobservable {
  edit: TruthEdit;
  overwrittenBy?: RecordChange;
  /** When the invocation that overwrote it had last read the record (ms): before the edit, the edit raced that read and its write. */
  overwriterReadAt?: number;
}

/** asObservable, and the unseen edits nothing was left of to see (what the report counts, by who overwrote them). */
export function observableEdits(
  edits: readonly TruthEdit[],
  trail: ShopifyTrail | undefined,
  polled: Partial<Record<SystemName, SightingTrail>> = {},
): { edits: TruthEdit[]; unobservable: Unobservable[] } {
  const trails: Partial<Record<SystemName, SightingTrail>> = { ...(trail ? { shopify: shopifySightings(trail) } : {}), ...polled };
  const observable: TruthEdit[] = [];
  const unobservable: Unobservable[] = [];
  for (const edit of edits) {
    const of = trails[edit.system];
    if (!edit.unseen || !of || edit.externalId === undefined || edit.madeAt === undefined) {
      observable.push(edit);
      continue;
    }
    const sighting = firstSighting(edit as TruthEdit & { externalId: string; madeAt: number }, of);
    if ('edit' in sighting) {
      observable.push(sighting.edit);
      continue;
    }
    const { overwrittenBy } = sighting;
    const readAt = overwrittenBy?.by
      ? Math.max(...of.sightings(edit.externalId, 0, 0).filter((seen) => seen.by === overwrittenBy.by && !seen.owed && seen.at < overwrittenBy.at).map((seen) => seen.at))
      : Number.NEGATIVE_INFINITY;
    unobservable.push({ edit, ...(overwrittenBy ? { overwrittenBy } : {}), ...(Number.isFinite(readAt) ? { overwriterReadAt: readAt } : {}) });
  }
  return { edits: observable, unobservable };
}

/**
 * The edit as its first sighting shows it: timed by the record's updated_at then, and without
 * what was overwritten before it (for an address, part by part: an edit of the street since
 * leaves the city it set in view). When nothing of it was left to see: the change that overwrote
 * it first, if one did before any sighting (none: no read came after it at all).
 */
function firstSighting(edit: TruthEdit & { externalId: string; madeAt: number }, trail: SightingTrail): { edit: TruthEdit } | { overwrittenBy?: RecordChange } {
  const changes = trail.changes.filter((change) => change.externalId === edit.externalId && change.at >= edit.madeAt);
  // The changes the edit's own call committed (a customer and its address are committed apart).
  const until = edit.madeUntil ?? edit.madeAt;
  const made = changes.filter((change) => change.at <= until);
  const own = made.at(-1);
  if (!own) return {};
  const later = changes.filter((change) => change.at > until);
  const sighting = trail
    .sightings(edit.externalId, own.at, own.updatedAt)
    .map((seen) => ({ at: seen.at, updatedAt: seen.updatedAt ?? updatedAtBy(own, later, seen.at), ...(seen.owed ? { owed: seen.owed } : {}) }))
    .sort((a, b) => a.at - b.at)[0];
  const before = sighting ? later.filter((change) => change.at < sighting.at) : later;
  if (edit.field !== 'address') {
    const overwrittenBy = before.find((change) => change.fields.includes(edit.field));
    if (!sighting || overwrittenBy) return overwrittenBy ? { overwrittenBy } : {};
    return { edit: { ...edit, at: Math.max(edit.at, sighting.updatedAt), ...(sighting.owed ? { owedRead: sighting.owed } : {}) } };
  }
  // An address part overwritten before the sighting is shown as unchanged by this edit.
  const overwritten = new Set(before.flatMap((change) => change.addressParts));
  const indexes = [...ADDRESS_KEY_PARTS.keys()];
  const valuePart = (index: number) => addressKeyPart(edit.value, index);
  const wasPart = (index: number) => addressKeyPart(edit.before, index);
  const changed = indexes.filter((index) => (edit.before === undefined ? valuePart(index) !== '' : wasPart(index) !== valuePart(index)));
  const visible = changed.filter((index) => !overwritten.has(index));
  if (!sighting || visible.length === 0) {
    const overwrittenBy = before.find((change) => change.addressParts.some((index) => changed.includes(index)));
    return overwrittenBy ? { overwrittenBy } : {};
  }
  const at = Math.max(edit.at, sighting.updatedAt);
  const owed = sighting.owed ? { owedRead: sighting.owed } : {};
  if (visible.length === changed.length) return { edit: { ...edit, at, ...owed } };
  const shownBefore = indexes.map((index) => (visible.includes(index) ? wasPart(index) : valuePart(index)));
  return { edit: { ...edit, at, before: shownBefore.join('|'), ...owed } };
}

/** The record's updated_at at `at`: its last change by then. */
function updatedAtBy(own: RecordChange, later: readonly RecordChange[], at: number): number {
  return later.filter((change) => change.at <= at).reduce((latest, change) => Math.max(latest, change.updatedAt), own.updatedAt);
}

/** A GraphQL query that reads this customer: by its id (sync's read), or a page of all customers (reconciliation). */
function readsCustomer(body: unknown, gid: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { query, variables } = body as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string' || !/^\s*query\b/.test(query)) return false;
  if (/OmnihubListCustomers/.test(query)) return true;
  return /OmnihubReadCustomer/.test(query) && JSON.stringify(variables ?? {}).includes(`"${gid}"`);
}
