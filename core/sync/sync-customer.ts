import type { Address, FieldName } from '../model/customer';
import type { IdentityStore, MatchKey } from '../identity/identity-store';
import { recordWrite } from '../identity/merge';
import { planSync } from './plan-sync';

/** The write side of a connector, as sync needs it (connectors/connector.ts CustomerTarget fits). */
export interface SyncTarget {
  create(values: Record<string, unknown>): Promise<WriteResult>;
  update(externalId: string, values: Record<string, unknown>): Promise<WriteResult>;
}
interface WriteResult {
  externalId: string;
  at: string;
  holds: Partial<Record<FieldName, unknown>>;
  linkedExisting: boolean;
}

export type SyncOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'missing' }
  | { outcome: 'created' | 'updated' | 'linked-existing'; externalId: string; fields: FieldName[] }
  | { outcome: 'link-conflict'; externalId: string; ownerId: string };

const MAX_RECORD_ATTEMPTS = 8;

/**
 * Brings one target system in line with one customer's golden record: plan, write through
 * the connector, then record what the target now holds (and the link, for a record we
 * created or found). Recording retries on version conflicts, so a concurrent merge is kept.
 */
export async function syncCustomer(
  store: IdentityStore,
  target: SyncTarget,
  args: {
    customerId: string;
    system: string;
    writableFields: readonly FieldName[];
    addressParts?: readonly (keyof Address)[];
    now?: () => Date;
  },
): Promise<SyncOutcome> {
  const now = args.now ?? (() => new Date());
  const customer = await store.getCustomer(args.customerId);
  if (!customer) return { outcome: 'missing' };

  const plan = planSync(customer, args.system, args.writableFields, args.addressParts);
  if (plan.action === 'skip') return { outcome: 'skipped', reason: plan.reason };

  const written =
    plan.action === 'create' ? await target.create(plan.values) : await target.update(plan.externalId, plan.values);
  const fields = Object.keys(plan.values) as FieldName[];

  const linkKey: MatchKey = { kind: 'link', system: args.system, externalId: written.externalId };
  for (let attempt = 1; attempt <= MAX_RECORD_ATTEMPTS; attempt++) {
    const current = await store.getCustomer(args.customerId);
    if (!current) return { outcome: 'missing' };
    const isNewLink = !current.links.some((l) => l.system === args.system && l.externalId === written.externalId);
    if (isNewLink) {
      // A create that found the person already there may find a record linked to someone else.
      const owner = await store.findOwner(linkKey);
      if (owner && owner !== current.id) return { outcome: 'link-conflict', externalId: written.externalId, ownerId: owner };
    }
    const next = recordWrite(current, { system: args.system, ...written }, now().toISOString());
    next.version = current.version + 1;
    const saved = await store.save({ customer: next, expectedVersion: current.version, claims: isNewLink ? [linkKey] : [] });
    if (saved.ok) {
      const outcome = plan.action === 'update' ? 'updated' : written.linkedExisting ? 'linked-existing' : 'created';
      return { outcome, externalId: written.externalId, fields };
    }
  }
  throw new Error(`Could not record the write to ${args.system} after ${MAX_RECORD_ATTEMPTS} attempts`);
}
