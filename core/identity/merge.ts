import type { Customer, FieldName, GoldenFields, HeldField, Link, SourcedValue } from '../model/customer';
import { ADDRESS_PARTS, FIELD_NAMES } from '../model/customer';
import { fieldTime, type Observation } from '../model/observation';
import { isNothing, isParts, sameValue } from '../model/same-value';
import { toMillis, type Timestamp } from '../model/system';
import { datedBackToPendingWrites, pendingValueFor } from './pending-writes';

export interface MergeResult {
  customer: Customer;
  /** Golden fields whose value changed: what CustomerChanged announces. */
  changedFields: FieldName[];
  /** Anything to persist at all (a value, a provenance, what the linked record holds, a new key). */
  dirty: boolean;
  /** Fields whose value in the observed record became unsure (docs/identity.md §2): to be synced again. */
  recheck: FieldName[];
}

/**
 * Applies what one system said about one record to the customer, field by field.
 *
 * Two clocks are compared, both the source system's own:
 *  - per link, `held[field].at`: what that record held and when. An observation older than
 *    that, or as old and with the same value, says nothing new (a late delivery, a repeat, or
 *    the echo of our own write, whose timestamp we recorded when we wrote). Comparing per field, not per
 *    record, is what keeps a Shopify webhook that carries an old first name next to a new
 *    phone from undoing a first-name change that came from HubSpot (no lost update).
 *  - per golden field, `at`: the newest assertion wins. On an exact tie the system that set
 *    the value may change it again (sources with second resolution), others may not.
 */
export function applyObservation(customer: Customer, received: Observation, now: Timestamp): MergeResult {
  // Values a crashed sync of ours wrote keep the times of what they copied (docs/identity.md §2).
  const observation = datedBackToPendingWrites(customer, received);
  const next: Customer = structuredClone(customer);
  const changedFields: FieldName[] = [];
  const recheck: FieldName[] = [];
  let dirty = false;

  let link = next.links.find((l) => l.system === observation.system && l.externalId === observation.externalId);
  if (!link) {
    link = { system: observation.system, externalId: observation.externalId, linkedAt: now, held: {}, version: 0 };
    next.links.push(link);
    dirty = true;
  }

  for (const name of FIELD_NAMES) {
    const value = observation.values[name];
    if (value === undefined) continue;
    const at = fieldTime(observation, name);
    /** The record's own clock for this value (before a pending write of ours dated it back). */
    const recordAt = fieldTime(received, name);
    // An address part's own time, where the vendor keeps one (not for a copy of ours dated back).
    const partTimes = name === 'address' && toMillis(at) === toMillis(recordAt) ? observation.partTimes : undefined;

    const held = link.held[name];
    const seen = held?.seenAt ?? held?.at;
    // A write of ours not yet recorded may be what the record holds: a value this field's own clock
    // sets after that write began is judged against it too (§2), and competes against it.
    const pending = pendingValueFor(customer, received, name);
    const heldOrPending = pending === undefined ? held?.value : withHeldParts(held?.value, pending);
    // Absence is not a clear: a record that never held a value and still holds none says nothing…
    // …unless the field's own clock dates that "none" after all we saw of it: a clear (§5).
    // (`ownTime`: timed by the vendor's clock for this very field, not dated back to a copy of ours.)
    const ownTime = received.fieldTimes?.[name] !== undefined && toMillis(at) === toMillis(recordAt);
    const clearedUnseen = ownTime && isNothing(value) && (!held || isNothing(held.value)) && isNewer(recordAt, seen ?? link.linkedAt);
    const systemChangedIt =
      (held ? changes(held.value, value) : !isNothing(value)) || (pending !== undefined && changes(pending, value)) || clearedUnseen;
    // Ordering against what the record was seen holding goes by the record's own clock; `at` (its
    // value's source time, older for a copy of ours) is what competes for the golden record.
    // In the same second as our write (Shopify's resolution), an edit cannot be ordered against
    // it: treated like an edit our write raced, sync then writes the winner again if it must.
    const tiesOurWrite = held?.raceFrom !== undefined && seen !== undefined && !isNewer(recordAt, seen);
    // Another value in the very second the record was last seen in: either may be what it holds now.
    // (Not for one property event among several of one edit: HubSpot times them all alike, to the ms.)
    const sameSecond = seen !== undefined && toMillis(recordAt) === toMillis(seen) && !observation.linkedOnly;
    // Sync's read-back in that second shows what the record holds now: it settles the doubt (§2).
    // (Only while the link is as it was when sync read: else it is one more delivery of that second.)
    const settles = sameSecond && observation.readBack !== undefined && observation.readBack.linkVersion === link.version;
    // A read-back too late to settle answered a stale question: a doubt it leaves asks for another read.
    const askAgain = (unsure: boolean | undefined) => !unsure || (sameSecond && observation.readBack !== undefined && !settles);
    // A state the record is known to have held in this value's second (what a write of ours
    // replaced, what a read showed): its delivery is no edit, unless the record holds it now.
    const knownState = (held?.knownStates ?? []).some((state) => toMillis(state.at) === toMillis(recordAt) && !changes(state.value, value));
    // One property event of an address told part by part, older than the address's last sighting
    // but newer than its own part's: the later edit came first and did not touch this part (§1).
    const partNews = partEventNewerThanItsPart(held, observation, name, value, recordAt);
    if (held && seen && !settles && !partNews && (isOlder(recordAt, seen) || tiesOurWrite)) {
      // Older than what the record was last seen holding: a late delivery, unless it is an edit
      // made between our read and our write (the vendors offer no version condition). The record
      // holds our value now, so the link stays as it is; the edit competes for the golden record.
      // From our read on (inclusive: Shopify's clock is in seconds), and a value the read did not
      // show: what the read showed was merged before we wrote, and a whole-record webhook (Shopify)
      // carries unchanged fields at the record's time, which is not their time.
      const window = raceWindowOf(held, recordAt);
      const raced = systemChangedIt && !knownState && window !== undefined && changes(window.readValue ?? null, value) && !window.echoes(value);
      // In the second of our write it may as well be an edit made after it (even one that sets a
      // part back to what our read showed): unsure, so sync's read-back settles it.
      if (systemChangedIt && sameSecond && askAgain(held.unsure)) markUnsure(name);
      // A raced edit was made to what our read showed, not to what we then wrote.
      if (raced && takeGolden(next, observation.system, name, window.readValue, value, at, partTimes)) {
        changedFields.push(name);
        dirty = true;
      }
      if (raced) keepConsentHow(next, observation, name, at);
      // The same value, said earlier than we knew (a reordered delivery): the value is older than
      // its first sighting made it look (Shopify times every field by the record's updated_at).
      // Only a whole-record clock dates a value back: a property's own time (HubSpot's, from an
      // event or its history: `ownTime`) is when it was said, and it may have changed and come back since (§1).
      // …and no further back than a late state that showed another value (`setAfter`).
      const datesBack = held.raceFrom === undefined && isOlder(at, held.at) && !ownTime && (held.setAfter === undefined || isNewer(at, held.setAfter));
      if (!systemChangedIt && datesBack) {
        link.held[name] = { ...link.held[name]!, at };
        dirty = true;
        if (retimeGolden(next, observation.system, name, value, at)) changedFields.push(name);
      } else if (systemChangedIt && !raced && datesBack && isParts(held.value) && isParts(value)) {
        // Parts of an address the same as the record holds now, said earlier than we knew (a late
        // webhook of an edit of other parts): those parts are older than their first sighting made
        // them look, and a newer edit of them elsewhere wins (§1).
        const heldParts = held.value;
        const unchanged = Object.fromEntries(Object.entries(value).filter(([part, partValue]) => sameValue(heldParts[part] ?? null, partValue ?? null)));
        if (Object.keys(unchanged).length > 0 && retimeGolden(next, observation.system, name, unchanged, at)) {
          changedFields.push(name);
          dirty = true;
        }
        // And the parts it shows otherwise: they changed after it, to what the record holds now,
        // in the state we first saw that in (the link's time): they compete at that time (§1).
        if (takeGolden(next, observation.system, name, value, heldParts, held.at)) {
          if (!changedFields.includes(name)) changedFields.push(name);
          dirty = true;
        }
      } else if (systemChangedIt && !raced && !knownState && !ownTime && held.raceFrom === undefined && isNewer(recordAt, held.at) && isNewer(seen, recordAt)) {
        // Another value in a late state newer than the time we knew the record's value by: the
        // record set its value again after that state, and we saw it since. It competes at that
        // last sighting (an upper bound), and a later delivery of it dates it back, to no earlier
        // than this state (§1).
        link.held[name] = { ...link.held[name]!, at: seen, setAfter: recordAt };
        dirty = true;
        if (takeGolden(next, observation.system, name, value, held.value, seen)) changedFields.push(name);
      } else if (
        systemChangedIt && !raced && !knownState && !ownTime && held.raceFrom !== undefined && isOlder(recordAt, held.raceFrom) &&
        held.readAt !== undefined && isNewer(recordAt, held.readAt) && changes(held.readValue ?? null, value) &&
        !(held.earlierRaces ?? []).some((race) => !changes(race.wrote, held.readValue ?? null))
      ) {
        // The same, for what our read before a write of ours showed (a value the record set, not one
        // an earlier write of ours left there): a late state older than that read, with another
        // value, newer than the time we knew the read's value by. The record set that value after
        // this state: it competes at the read's time (§1), against what we wrote.
        link.held[name] = { ...link.held[name]!, readAt: held.raceFrom };
        dirty = true;
        if (takeGolden(next, observation.system, name, value, held.readValue ?? null, held.raceFrom)) changedFields.push(name);
      }
      continue;
    }
    if (!systemChangedIt) {
      // A repeat, or the echo of our own write (its time is the one we recorded): nothing new.
      // The same value said later moves the record's clock on, so an older delivery stays late.
      // A first "holds nothing" is kept, so sync knows the record lacks the value.
      // A read-back of the same value in its second: the record holds it, the doubt is gone.
      if (!held) link.held[name] = { value, at, seenAt: recordAt };
      else if (isNewer(recordAt, seen!)) {
        // A value we wrote, seen again later: its `seenAt` moves on, and the link keeps when our write landed (§2).
        const moved = { ...held, seenAt: recordAt, ...(held.raceFrom !== undefined && held.wroteAt === undefined && held.seenAt ? { wroteAt: held.seenAt } : {}) };
        link.held[name] = observation.linkedOnly ? moved : withoutPartsSeen(moved);
      }
      else if (settles && held.unsure) link.held[name] = withoutUnsure(held);
      else continue;
      dirty = true;
      continue;
    }
    if (held && sameSecond && !settles && knownState) {
      // A state already known for this second, delivered again: which came last only a read can tell.
      if (askAgain(held.unsure)) markUnsure(name);
      continue;
    }
    // Same time, another value: a second edit within the source's one-second resolution, taken as
    // newer, and left unsure (the deliveries of one second come in any order), so sync checks it;
    // a read-back is the present state, so it is newer and sure. What the record held in that
    // second stays a known state: its late delivery is no edit either. After our write, a
    // read-back keeps what our read showed, against which an edit our write overwrote is judged.
    // A copy of ours landing (dated back to a pending write): what it replaced was the record's
    // state until then, in this same second; its late delivery in that second is no edit (§2).
    const ourCopyLanded = held !== undefined && toMillis(at) !== toMillis(recordAt) && !sameSecond;
    const replaced = ourCopyLanded ? [{ at: recordAt, value: held.value }] : [];
    const knownStates = held && (sameSecond || ourCopyLanded) ? statesKnownIn(held, [recordAt], value, replaced) : [];
    const readOfOurWrite = settles && held?.raceFrom !== undefined ? { raceFrom: held.raceFrom, readValue: held.readValue ?? null } : {};
    const partsSeenAt = observation.linkedOnly && isParts(value) ? partsSeen(held, value, recordAt) : undefined;
    const ownPartTimes = heldPartTimes(held, observation, name, value, at, partTimes);
    link.held[name] = {
      value: withHeldParts(held?.value, value),
      // News about one part, older than the address's last sighting, moves neither clock back.
      at: partNews ? later(held!.at, at) : at,
      seenAt: partNews && seen !== undefined ? later(seen, recordAt) : recordAt,
      ...(partsSeenAt ? { partsSeenAt } : {}),
      ...(ownPartTimes ? { partTimes: ownPartTimes } : {}),
      ...readOfOurWrite,
      ...(held && sameSecond && !settles ? { unsure: true } : {}),
      ...(knownStates.length > 0 ? { knownStates } : {}),
    };
    if (held && sameSecond && !settles) recheck.push(name);
    dirty = true;

    if (takeGolden(next, observation.system, name, heldOrPending, value, at, partTimes)) changedFields.push(name);
    keepConsentHow(next, observation, name, at);
  }

  const unusable = observation.unusable?.length ? [...observation.unusable].sort() : undefined;
  if (!sameValue(link.unusable, unusable)) {
    if (unusable) link.unusable = unusable;
    else delete link.unusable;
    dirty = true;
  }

  dirty = addMatchKeys(next, observation) || dirty;
  if (changedFields.length > 0) next.updatedAt = now;
  return { customer: next, changedFields, dirty, recheck };

  function markUnsure(name: FieldName): void {
    link!.held[name] = { ...link!.held[name]!, unsure: true };
    recheck.push(name);
    dirty = true;
  }
}

/**
 * A property event of one address part (linkedOnly, its own clock), with no write of ours in the
 * picture, newer than the last time that part was said: whatever came since told other parts.
 */
function partEventNewerThanItsPart(held: HeldField | undefined, observation: Observation, name: FieldName, value: unknown, recordAt: Timestamp): boolean {
  if (!observation.linkedOnly || name !== 'address' || !held?.partsSeenAt || held.raceFrom !== undefined || !isParts(value)) return false;
  const parts = held.partsSeenAt as Record<string, Timestamp | undefined>;
  return Object.keys(value).every((part) => parts[part] !== undefined && isNewer(recordAt, parts[part]!));
}

/** When each part was last said, after this event: the others keep theirs (at first, the address's last sighting). */
function partsSeen(held: HeldField | undefined, value: Record<string, unknown>, recordAt: Timestamp): Record<string, Timestamp> {
  const since = held?.seenAt ?? held?.at;
  const base: Record<string, Timestamp> = held?.partsSeenAt
    ? { ...(held.partsSeenAt as Record<string, Timestamp>) }
    : since
      ? Object.fromEntries(ADDRESS_PARTS.map((part) => [part, since]))
      : {};
  for (const part of Object.keys(value)) base[part] = base[part] !== undefined ? later(base[part]!, recordAt) : recordAt;
  return base;
}

/**
 * The part times a link keeps for an address a record told with its own clocks (§1): a read's
 * part times, or a part event's time for its parts (the others keep theirs, at first the address's).
 * None for a whole-record clock (Shopify).
 */
function heldPartTimes(
  held: HeldField | undefined,
  observation: Observation,
  name: FieldName,
  value: unknown,
  at: Timestamp,
  partTimes: Observation['partTimes'],
): Record<string, Timestamp> | undefined {
  if (name !== 'address' || !isParts(value) || observation.fieldTimes?.[name] === undefined) return undefined;
  if (partTimes) return { ...partTimes };
  if (!observation.linkedOnly) return undefined;
  const before = held?.partTimes ?? (held && isParts(held.value) ? Object.fromEntries(Object.keys(held.value).map((part) => [part, held.at])) : {});
  return { ...(before as Record<string, Timestamp>), ...Object.fromEntries(Object.keys(value).map((part) => [part, at])) };
}

function withoutPartsSeen(held: HeldField): HeldField {
  const { partsSeenAt: _parts, ...whole } = held;
  return whole;
}

function withoutUnsure(held: HeldField): HeldField {
  const { unsure: _unsure, ...sure } = held;
  return sure;
}

/** What sync's read of a record showed before a write: its clock, its values, their own times where the vendor has them. */
export interface RecordRead {
  at: Timestamp;
  values: Partial<Record<FieldName, unknown>>;
  fieldTimes?: Partial<Record<FieldName, Timestamp>>;
  /** The address parts' own times, where the vendor keeps one per part (HubSpot). */
  partTimes?: Observation['partTimes'];
}

/**
 * Records what a write of ours left in a linked record, so its echo is recognised and the
 * next sync knows the target already holds these values. Creates the link for a new record.
 * Each value keeps the source time of the golden value it copies (`sourceTimes`), never the
 * time of our write; `at` is the record's own updated time after the write (what its echo carries).
 */
export function recordWrite(
  customer: Customer,
  write: {
    system: string;
    externalId: string;
    at: Timestamp;
    /** Fields the vendor times apart from the record, at the vendor's clock for this write (§10). */
    fieldTimes?: Partial<Record<FieldName, Timestamp>>;
    sourceTimes: Partial<Record<FieldName, Timestamp>>;
    holds: Partial<Record<FieldName, unknown>>;
    /** The record as sync read it before this write (absent for a create): its clock and values. */
    read?: RecordRead;
    /** Fields a read after the write showed otherwise: `at` is that later edit's clock (§2). */
    changedSince?: readonly FieldName[];
  },
  now: Timestamp,
): Customer {
  const next: Customer = structuredClone(customer);
  let link: Link | undefined = next.links.find((l) => l.system === write.system && l.externalId === write.externalId);
  if (!link) {
    link = { system: write.system, externalId: write.externalId, linkedAt: now, held: {}, version: 0 };
    next.links.push(link);
  }
  for (const name of FIELD_NAMES) {
    const value = write.holds[name];
    if (value === undefined) continue;
    const held = link.held[name];
    // The record's clock for this field after the write: its own, where the vendor keeps one apart.
    const writeAt = write.fieldTimes?.[name] ?? write.at;
    if (held && toMillis(held.seenAt ?? held.at) > toMillis(writeAt)) continue; // the record already told us something newer
    // …or the edit made right after our write, whose clock `at` is: our write came before it.
    if (held && write.changedSince?.includes(name) && toMillis(held.seenAt ?? held.at) >= toMillis(writeAt) && changes(held.value, value)) continue;
    const readValue = write.read ? (write.read.values[name] ?? null) : undefined;
    // The read's time for a value it shows unchanged is the time we know for it (a whole-record
    // clock such as Shopify's dates every field by the last change of any).
    const readAt = held && !changes(held.value, readValue) ? held.at : (write.read?.fieldTimes?.[name] ?? write.read?.at);
    // Each part of an address the read timed part by part keeps its own time, no later than readAt (§1).
    const readPartTimes = name === 'address' && readAt !== undefined && isParts(readValue) ? partTimesUpTo(write.read?.partTimes, readValue, readAt) : undefined;
    const read = write.read ? { raceFrom: write.read.at, readValue, readAt, ...(readPartTimes ? { readPartTimes } : {}) } : {};
    // What our read showed lasted until our write landed: in the write's second it is a known state
    // too (another field's edit made in that second, just before our write, carries it; §2).
    const lastedUntilWrite = write.read && changes(readValue ?? null, value) ? [{ at: writeAt, value: readValue ?? null }] : [];
    const knownStates = statesKnownIn(held, [writeAt, ...(write.read ? [write.read.at] : [])], value, lastedUntilWrite);
    const earlierRaces = racesKept(held);
    link.held[name] = {
      value,
      at: write.sourceTimes[name] ?? writeAt,
      seenAt: writeAt,
      ...read,
      ...(knownStates.length > 0 ? { knownStates } : {}),
      ...(earlierRaces.length > 0 ? { earlierRaces } : {}),
    };
  }
  return next;
}

/** The part times a read told for the parts of `value` it shows, each no later than `upTo` (the time we know that value by). */
function partTimesUpTo(partTimes: Observation['partTimes'], value: Record<string, unknown>, upTo: Timestamp): Record<string, Timestamp> | undefined {
  if (!partTimes) return undefined;
  const times = Object.fromEntries(
    Object.keys(value).flatMap((part) => {
      const at = partTimes[part as keyof typeof partTimes];
      return at === undefined ? [] : [[part, isOlder(at, upTo) ? at : upTo]];
    }),
  );
  return Object.keys(times).length > 0 ? times : undefined;
}

/** How many earlier writes' race windows a link keeps (a few: the edits they raced arrive within seconds). */
const EARLIER_RACES_KEPT = 3;

/** The windows of the writes before the one being recorded, newest first. */
function racesKept(held: HeldField | undefined): NonNullable<HeldField['earlierRaces']> {
  if (!held) return [];
  const last =
    held.raceFrom !== undefined && held.seenAt !== undefined
      ? [{ from: held.raceFrom, until: held.seenAt, readValue: held.readValue ?? null, wrote: held.value, ...(held.wroteAt ? { wroteAt: held.wroteAt } : {}) }]
      : [];
  return [...last, ...(held.earlierRaces ?? [])].slice(0, EARLIER_RACES_KEPT);
}

/**
 * The write whose race window holds this record time: the last write (from its read on), or an
 * earlier one (from its read to the write). What its read showed, and whether a value is that
 * write's own echo (what it wrote, at the write's time).
 */
function raceWindowOf(held: HeldField, recordAt: Timestamp): { readValue: unknown; echoes: (value: unknown) => boolean } | undefined {
  if (held.raceFrom !== undefined && !isOlder(recordAt, held.raceFrom)) return { readValue: held.readValue ?? null, echoes: () => false };
  for (const race of held.earlierRaces ?? []) {
    if (isOlder(recordAt, race.from) || isNewer(recordAt, race.until)) continue;
    // Our value from the time it landed to its last sighting: that write's echo (§2).
    const landed = race.wroteAt ?? race.until;
    return { readValue: race.readValue, echoes: (value) => !isOlder(recordAt, landed) && !changes(race.wrote, value) };
  }
  return undefined;
}

/**
 * What the record is known to have held, other than `value`, at the record times of this write
 * and of its read: the link's last value (at its `seenAt`), what the last read showed (at its
 * `raceFrom`), the states already known, and any `also` given. Late deliveries of those states are not edits.
 */
function statesKnownIn(
  held: HeldField | undefined,
  seconds: Timestamp[],
  value: unknown,
  also: Array<{ at: Timestamp; value: unknown }> = [],
): Array<{ at: Timestamp; value: unknown }> {
  const wanted = new Set(seconds.map(toMillis));
  const candidates = [
    ...(held?.knownStates ?? []),
    ...(held?.seenAt ? [{ at: held.seenAt, value: held.value }] : []),
    ...(held?.raceFrom && 'readValue' in held ? [{ at: held.raceFrom, value: held.readValue }] : []),
    ...also,
  ];
  const kept: Array<{ at: Timestamp; value: unknown }> = [];
  for (const state of candidates) {
    if (!wanted.has(toMillis(state.at)) || sameValue(state.value, value)) continue;
    if (!kept.some((k) => toMillis(k.at) === toMillis(state.at) && sameValue(k.value, state.value))) kept.push(state);
  }
  return kept.slice(-8);
}

/**
 * For a value made of parts (the address), only the parts this system changed replace the
 * golden ones: a HubSpot city edit must not clear the second street line Shopify holds, nor
 * undo a newer Shopify change to another part. Other values are replaced whole.
 */
function mergeParts(golden: unknown, held: unknown, observed: unknown): unknown {
  if (!isParts(observed) || !isParts(golden)) return observed;
  const heldParts = isParts(held) ? held : {};
  // Part by part, the same rules as for fields: changed parts only, and "never held, holds nothing" is no clear.
  const changed = Object.entries(observed).filter(
    ([part, value]) => !sameValue(heldParts[part] ?? null, value ?? null) && !(isNothing(value) && isNothing(heldParts[part])),
  );
  return { ...golden, ...Object.fromEntries(changed) };
}

/**
 * Does an observed value change what the record held? For a value made of parts, only the parts
 * it states count: one HubSpot property event states one address part.
 */
function changes(held: unknown, observed: unknown): boolean {
  // No address and an address of empty parts are the same nothing (a HubSpot event clearing one part of none).
  if (isParts(observed) && isNothing(held)) return !isNothing(observed);
  // A clear of the whole address; a part event that clears one part ({ country: null }) is judged part by part.
  if (isParts(held) && isNothing(observed) && !isParts(observed)) return !isNothing(held);
  if (!isParts(held) || !isParts(observed)) return !sameValue(held, observed);
  return Object.entries(observed).some(([part, value]) => !sameValue(held[part] ?? null, value ?? null) && !(isNothing(value) && isNothing(held[part])));
}

/** What the record holds after an observation that states some parts: the other parts stay as they were. */
function withHeldParts(held: unknown, observed: unknown): unknown {
  return isParts(held) && isParts(observed) ? { ...held, ...observed } : observed;
}


/** The newest assertion wins the golden field (parts by parts for an address). True when the golden value changed. */
function takeGolden(
  customer: Customer,
  system: string,
  name: FieldName,
  held: unknown,
  observed: unknown,
  at: Timestamp,
  partTimes?: Observation['partTimes'],
): boolean {
  const golden = customer.fields[name] as SourcedValue | undefined;
  // A record that drops its address clears the parts it held, not the ones it never showed (§5).
  const value = golden && isParts(golden.value) && observed === null && isParts(held) ? clearedParts(held) : observed;
  if (golden && isParts(golden.value) && isParts(value)) return takeGoldenParts(customer, system, name, { ...golden, value: golden.value }, held, value, at, partTimes);
  if (golden && !winsOver(at, system, golden)) return false;
  // A default ("not subscribed", no consent held) never undoes a person's explicit choice (§10).
  if (golden && isConsentField(name) && isExplicitConsent(golden.value) && !isExplicitConsent(value)) return false;
  const merged = mergeParts(golden?.value, held, value);
  if (golden && sameValue(golden.value, merged)) {
    // The value the golden record holds already, said later by this record: restated (§1).
    if (isNewer(at, golden.at)) setGolden(customer.fields, name, { ...golden, source: system, at });
    return false;
  }
  const parts = partTimes && isParts(merged) ? partsTimedBy(merged, system, partTimes) : undefined;
  setGolden(customer.fields, name, { value: merged, source: system, at, ...(parts ? { parts } : {}) });
  return true;
}

/** Per-part provenance for the parts that have their own time (the others take the address's). */
function partsTimedBy(value: Record<string, unknown>, system: string, partTimes: NonNullable<Observation['partTimes']>): Record<string, { source: string; at: Timestamp }> | undefined {
  const parts = Object.fromEntries(
    Object.keys(value).flatMap((part) => {
      const at = partTimes[part as keyof typeof partTimes];
      return at ? [[part, { source: system, at }]] : [];
    }),
  );
  return Object.keys(parts).length > 0 ? parts : undefined;
}

/**
 * A golden value from `system` turned out older: another linked record holding a different value
 * that is newer than that now wins the field (absence never does: a record that never held a
 * value is not a candidate). True when the golden value changed.
 */
function retimeGolden(customer: Customer, system: string, name: FieldName, value: unknown, at: Timestamp): boolean {
  const golden = customer.fields[name] as SourcedValue | undefined;
  if (golden?.parts && isParts(golden.value) && isParts(value)) return retimeGoldenParts(customer, system, name, { ...golden, value: golden.value, parts: golden.parts }, value, at);
  if (golden?.parts && isParts(golden.value) && value === null) {
    // "Holds nothing", said earlier than we knew: the parts its clear left empty are older (§1).
    const goldenParts = golden.value;
    const cleared = Object.fromEntries(
      Object.entries(golden.parts).flatMap(([part, time]) => (time.source === system && isNothing(goldenParts[part]) ? [[part, null]] : [])),
    );
    return Object.keys(cleared).length > 0 && retimeGoldenParts(customer, system, name, { ...golden, value: goldenParts, parts: golden.parts }, cleared, at);
  }
  if (!golden || golden.source !== system || !sameValue(golden.value, value) || !isNewer(golden.at, at)) return false;
  let winner: SourcedValue = { ...golden, at };
  for (const link of customer.links) {
    if (link.system === system) continue;
    for (const candidate of candidatesOf(link.held[name])) {
      if (sameValue(candidate.value, value) || isNothing(candidate.value)) continue;
      if (isNewer(candidate.at, winner.at)) winner = { value: candidate.value, source: link.system, at: candidate.at };
    }
  }
  setGolden(customer.fields, name, winner);
  return !sameValue(winner.value, golden.value);
}

/**
 * What a linked record is known to have held, with its time: what it holds, and what the read
 * before our last write showed (that write overwrote it, on the strength of the golden value then).
 * Each with its parts' own times where the record told them (§1).
 */
function candidatesOf(held: HeldField | undefined): Array<{ value: unknown; at: Timestamp; partTimes?: Record<string, Timestamp> }> {
  if (!held) return [];
  const overwritten =
    held.readAt !== undefined && 'readValue' in held
      ? [{ value: held.readValue, at: held.readAt, ...(held.readPartTimes ? { partTimes: held.readPartTimes as Record<string, Timestamp> } : {}) }]
      : [];
  return [{ value: held.value, at: held.at, ...(held.partTimes ? { partTimes: held.partTimes as Record<string, Timestamp> } : {}) }, ...overwritten];
}

function retimeGoldenParts(
  customer: Customer,
  system: string,
  name: FieldName,
  golden: SourcedValue & { value: Record<string, unknown>; parts: Record<string, { source: string; at: string }> },
  observed: Record<string, unknown>,
  at: Timestamp,
): boolean {
  const value = { ...golden.value };
  const parts = { ...golden.parts };
  let changed = false;
  for (const [part, partValue] of Object.entries(observed)) {
    const time = parts[part];
    if (!time || time.source !== system || !sameValue(value[part] ?? null, partValue ?? null) || !isNewer(time.at, at)) continue;
    let winner = { value: partValue, source: system, at };
    for (const link of customer.links) {
      if (link.system === system) continue;
      for (const candidate of candidatesOf(link.held[name])) {
        const candidatePart = isParts(candidate.value) ? candidate.value[part] : undefined;
        if (candidatePart === undefined || isNothing(candidatePart) || sameValue(candidatePart, partValue)) continue;
        // A part with its own time competes with it, not with the address's (§1).
        const candidateAt = candidate.partTimes?.[part] ?? candidate.at;
        if (isNewer(candidateAt, winner.at)) winner = { value: candidatePart, source: link.system, at: candidateAt };
      }
    }
    parts[part] = { source: winner.source, at: winner.at };
    if (!sameValue(winner.value ?? null, value[part] ?? null)) {
      value[part] = winner.value;
      changed = true;
    }
  }
  setGolden(customer.fields, name, { ...golden, value, parts });
  return changed;
}

/**
 * Part by part: each part the record changed competes with that part's own time, so an older
 * edit of the city still wins over a newer edit of the street made elsewhere.
 */
function takeGoldenParts(
  customer: Customer,
  system: string,
  name: FieldName,
  golden: SourcedValue & { value: Record<string, unknown> },
  held: unknown,
  observed: Record<string, unknown>,
  at: Timestamp,
  partTimes?: Observation['partTimes'],
): boolean {
  const heldParts = isParts(held) ? held : {};
  const value = { ...golden.value };
  // Until a part has its own time, it has the whole address's (from before this change).
  const parts = { ...Object.fromEntries(Object.keys(golden.value).map((part) => [part, { source: golden.source, at: golden.at }])), ...golden.parts };
  let changed = false;
  let restated = false;
  for (const [part, partValue] of Object.entries(observed)) {
    if (sameValue(heldParts[part] ?? null, partValue ?? null) || (isNothing(partValue) && isNothing(heldParts[part]))) continue;
    // A part the golden address never stated (not even as nothing) has no time to defend (§5).
    const current = parts[part] ?? (Object.hasOwn(golden.value, part) ? { source: golden.source, at: golden.at } : undefined);
    const partAt = partTimes?.[part as keyof typeof partTimes] ?? at;
    if (current && !winsOver(partAt, system, current)) continue;
    parts[part] = { source: system, at: partAt };
    // The value the golden part holds already: restated at this newer time, nothing to write (§1).
    if (sameValue(value[part] ?? null, partValue ?? null)) restated = true;
    else {
      value[part] = partValue;
      changed = true;
    }
  }
  if (!changed && !restated) return false;
  const newest = isNewer(at, golden.at) ? { source: system, at } : { source: golden.source, at: golden.at };
  setGolden(customer.fields, name, { value, ...newest, parts });
  return changed;
}

/** Each part a value held, cleared. */
function clearedParts(held: Record<string, unknown>): Record<string, null> {
  return Object.fromEntries(Object.entries(held).flatMap(([part, value]) => (isNothing(value) ? [] : [[part, null]])));
}

function isConsentField(name: FieldName): boolean {
  return name === 'emailConsent' || name === 'smsConsent';
}

/** `subscribed` and `unsubscribed` are choices a person made; `not_subscribed` and null are defaults (§10). */
function isExplicitConsent(value: unknown): boolean {
  return value === 'subscribed' || value === 'unsubscribed';
}

function isNewer(candidate: Timestamp, than: Timestamp): boolean {
  return toMillis(candidate) > toMillis(than);
}

/** The later of two times (the second on a tie). */
function later(a: Timestamp, b: Timestamp): Timestamp {
  return isNewer(a, b) ? a : b;
}

function isOlder(candidate: Timestamp, than: Timestamp): boolean {
  return toMillis(candidate) < toMillis(than);
}

function winsOver(at: Timestamp, system: string, golden: { source: string; at: Timestamp }): boolean {
  const diff = toMillis(at) - toMillis(golden.at);
  return diff > 0 || (diff === 0 && system === golden.source);
}

/**
 * A consent golden value that is this statement's (its system, its time) keeps how that system
 * says the choice was made, or none when it says none (docs/identity.md §10).
 */
function keepConsentHow(customer: Customer, observation: Observation, name: FieldName, at: Timestamp): void {
  if (name !== 'emailConsent' && name !== 'smsConsent') return;
  const golden = customer.fields[name];
  if (!golden || golden.source !== observation.system || toMillis(golden.at) !== toMillis(at)) return;
  const how = observation.consentHow?.[name];
  if (how) golden.how = how;
  else delete golden.how;
}

function setGolden(fields: GoldenFields, name: FieldName, sourced: SourcedValue): void {
  (fields as Record<FieldName, SourcedValue>)[name] = sourced;
}

function addMatchKeys(customer: Customer, observation: Observation): boolean {
  let added = false;
  const { email, phone } = observation.values;
  if (email && !customer.emails.includes(email)) {
    customer.emails.push(email);
    added = true;
  }
  if (phone && !customer.phones.includes(phone)) {
    customer.phones.push(phone);
    added = true;
  }
  return added;
}
