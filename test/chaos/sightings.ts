import type { RecordedRequest } from '../../connectors/testing/fake-http';
import type { WebhookDeliveryRecord } from '../../connectors/testing/webhook-sender';
import { ADDRESS_KEY_PARTS, addressKeyPart, type CheckedField, type TruthEdit } from './model';

/** One committed change of a Shopify customer, as the fake's state made it (a person's edit or an API write). */
export interface ShopifyChange {
  externalId: string;
  /** When it was committed (ms, the machine's clock). */
  at: number;
  /** The customer's updated_at after it (ms, whole seconds). */
  updatedAt: number;
  fields: CheckedField[];
  /** The address parts it changed, by their place in the checker's address key (line1|city|zip|country). */
  addressParts: number[];
}

/** What the drop phase needs to know about Shopify to tell which edits anyone could have seen. */
export interface ShopifyTrail {
  changes: readonly ShopifyChange[];
  requests: readonly RecordedRequest[];
  deliveries: readonly WebhookDeliveryRecord[];
}

/**
 * The edits as an observer of Shopify could know them, for the drop phase (webhooks dropped,
 * reconciliation on). Shopify keeps no history and times a customer by its last change, in
 * seconds (docs/identity.md §1 and §2). So a Shopify edit whose webhooks were all dropped is known
 * only by the first sighting of the record after it: a read of it, or a webhook delivered for a
 * later change of it. That sighting dates it by the record's updated_at then, which is later
 * than the edit when the record changed again in between. An edit overwritten before any sighting
 * (a write of ours that raced it, or the person's own next edit of that field) left no trace: no
 * observer could know it, so it is no lost update. Every other edit is as made.
 */
export function asObservable(edits: readonly TruthEdit[], trail: ShopifyTrail | undefined): TruthEdit[] {
  if (!trail || !edits.some((edit) => edit.unseen && edit.system === 'shopify')) return [...edits];
  const observable: TruthEdit[] = [];
  for (const edit of edits) {
    if (!edit.unseen || edit.system !== 'shopify' || edit.externalId === undefined || edit.madeAt === undefined) {
      observable.push(edit);
      continue;
    }
    const sighting = firstSighting(edit as TruthEdit & { externalId: string; madeAt: number }, trail);
    if (sighting) observable.push(sighting);
  }
  return observable;
}

/**
 * The edit as its first sighting shows it: timed by the record's updated_at then, and without
 * what was overwritten before it (for an address, part by part: an edit of the street since
 * leaves the city it set in view). Undefined when nothing of it was left to see.
 */
function firstSighting(edit: TruthEdit & { externalId: string; madeAt: number }, trail: ShopifyTrail): TruthEdit | undefined {
  const changes = trail.changes.filter((change) => change.externalId === edit.externalId && change.at >= edit.madeAt);
  // The changes the edit's own call committed (a customer and its address are committed apart).
  const until = edit.madeUntil ?? edit.madeAt;
  const made = changes.filter((change) => change.at <= until);
  const own = made.at(-1);
  if (!own) return undefined;
  const later = changes.filter((change) => change.at > until);
  const gid = `gid://shopify/Customer/${edit.externalId}`;
  const reads = trail.requests
    .filter((request) => request.at > own.at && request.status === 200 && readsCustomer(request.body, gid))
    .map((request) => ({ at: request.at, updatedAt: updatedAtBy(own, later, request.at) }));
  const webhooks = trail.deliveries
    .filter((delivery) => delivery.at > own.at && delivery.status === 200 && delivery.body.includes(`"id":${edit.externalId},`))
    .map((delivery) => ({ at: delivery.at, updatedAt: Date.parse(/"updated_at":"([^"]+)"/.exec(delivery.body)?.[1] ?? '') }))
    .filter((sighting) => sighting.updatedAt >= own.updatedAt);
  const sighting = [...reads, ...webhooks].sort((a, b) => a.at - b.at)[0];
  if (!sighting) return undefined;
  const before = later.filter((change) => change.at < sighting.at);
  const at = Math.max(edit.at, sighting.updatedAt);
  if (edit.field !== 'address') return before.some((change) => change.fields.includes(edit.field)) ? undefined : { ...edit, at };
  // An address part overwritten before the sighting is shown as unchanged by this edit.
  const overwritten = new Set(before.flatMap((change) => change.addressParts));
  const indexes = [...ADDRESS_KEY_PARTS.keys()];
  const valuePart = (index: number) => addressKeyPart(edit.value, index);
  const wasPart = (index: number) => addressKeyPart(edit.before, index);
  const changed = indexes.filter((index) => (edit.before === undefined ? valuePart(index) !== '' : wasPart(index) !== valuePart(index)));
  const visible = changed.filter((index) => !overwritten.has(index));
  if (visible.length === 0) return undefined;
  if (visible.length === changed.length) return { ...edit, at };
  const shownBefore = indexes.map((index) => (visible.includes(index) ? wasPart(index) : valuePart(index)));
  return { ...edit, at, before: shownBefore.join('|') };
}

/** The customer's updated_at at `at`: its last change by then. */
function updatedAtBy(own: ShopifyChange, later: readonly ShopifyChange[], at: number): number {
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
