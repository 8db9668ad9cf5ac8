import { FIELD_NAMES, type Customer, type FieldName, type PendingWrite } from '../model/customer';
import { fieldTime, type Observation } from '../model/observation';
import { isNothing, isParts, sameValue } from '../model/same-value';
import { toMillis, type Timestamp } from '../model/system';
import { MAX_FUTURE_SKEW_MS } from './clock';

/** How long after a write started the vendor can have timed the values it applied (docs/identity.md §2). */
export const PENDING_WRITE_WINDOW_MS = 5 * 60_000;
/** A pending write older than this is dropped when the next one is added. */
export const PENDING_WRITE_KEEP_MS = 10 * 60_000;

/**
 * A sync that died after the vendor applied its write, and before the link recorded it, leaves
 * values in the vendor timed by the vendor's clock. Those values are our copy of older edits:
 * an observation of them takes the source times we copied (docs/identity.md §2), so they never
 * win over a newer edit made elsewhere. Only ever dates values back, never forward.
 */
export function datedBackToPendingWrites(customer: Pick<Customer, 'pendingWrites' | 'links'>, observation: Observation): Observation {
  if (!(customer.pendingWrites ?? []).some((write) => write.system === observation.system)) return observation;
  const fieldTimes: Partial<Record<FieldName, Timestamp>> = { ...observation.fieldTimes };
  let changed = false;
  for (const name of FIELD_NAMES) {
    const value = observation.values[name];
    if (value === undefined) continue;
    const at = toMillis(fieldTime(observation, name));
    for (const write of pendingWritesFor(customer, observation, name, at)) {
      const source = write.sourceTimes[name];
      if (source === undefined) continue;
      if (!isOurValue(write.values[name], value)) continue;
      if (toMillis(source) < toMillis(fieldTimes[name] ?? fieldTime(observation, name))) {
        fieldTimes[name] = source;
        changed = true;
      }
    }
  }
  return changed ? { ...observation, fieldTimes } : observation;
}

/**
 * What a write of ours still pending on this record is writing to `name`, for a value the vendor
 * times by that field's own clock (a HubSpot property change or history) at or after the write
 * began (docs/identity.md §2): the record may hold it already, so the value is judged against it
 * too. Undefined for a whole-record clock (Shopify's updated_at), or with no such write.
 */
export function pendingValueFor(customer: Pick<Customer, 'pendingWrites' | 'links'>, observation: Observation, name: FieldName): unknown {
  const fieldAt = observation.fieldTimes?.[name];
  if (fieldAt === undefined) return undefined;
  const at = toMillis(fieldAt);
  const covering = pendingWritesFor(customer, observation, name, at).filter((write) => write.externalId !== undefined && toMillis(write.startedAt) <= at);
  const latest = covering.sort((a, b) => toMillis(b.startedAt) - toMillis(a.startedAt))[0];
  return latest?.values[name];
}

/**
 * The pending writes that may explain this field of this record at record time `at`: of its system
 * and record (any record of it for a create), covering the field, within the write's window, and
 * not left behind: once the link saw the field hold another value, timed from the write's start
 * on, the record has moved past our write, and a value from then on is no copy of ours (docs/identity.md §2).
 */
function pendingWritesFor(customer: Pick<Customer, 'pendingWrites' | 'links'>, observation: Observation, name: FieldName, at: number): PendingWrite[] {
  const held = customer.links.find((link) => link.system === observation.system && link.externalId === observation.externalId)?.held[name];
  const seenAt = held?.seenAt === undefined ? undefined : toMillis(held.seenAt);
  return (customer.pendingWrites ?? []).filter((write) => {
    if (write.system !== observation.system || (write.externalId !== undefined && write.externalId !== observation.externalId)) return false;
    if (!(name in write.values) || !withinWindow(write, at)) return false;
    const movedPast = held !== undefined && seenAt !== undefined && seenAt >= toMillis(write.startedAt) && at >= seenAt && !isOurValue(write.values[name], held.value);
    return !movedPast;
  });
}

/** The pending writes of one system still worth keeping next to a new one. */
export function pendingWritesToKeep(customer: Pick<Customer, 'pendingWrites'>, system: string, now: Date): PendingWrite[] {
  return (customer.pendingWrites ?? []).filter(
    (write) => write.system === system && now.getTime() - toMillis(write.startedAt) <= PENDING_WRITE_KEEP_MS,
  );
}

/** Dated from the write's start (give or take clock skew) to the window's end. */
function withinWindow(write: PendingWrite, at: number): boolean {
  const start = toMillis(write.startedAt);
  return at >= start - MAX_FUTURE_SKEW_MS && at <= start + PENDING_WRITE_WINDOW_MS;
}

/**
 * The observed value is what we wrote. For an address, every part it states is the part we
 * wrote (or nothing, where we wrote none): a part someone else changed makes the address not ours.
 * A clear we wrote part by part reads back as no address at all (Klaviyo's empty location): ours too.
 */
function isOurValue(written: unknown, observed: unknown): boolean {
  if (isNothing(written) && isNothing(observed)) return true;
  if (!isParts(written) || !isParts(observed)) return sameValue(written, observed);
  const stated = Object.entries(observed);
  return stated.length > 0 && stated.every(([part, value]) => sameValue(written[part] ?? null, value ?? null));
}
