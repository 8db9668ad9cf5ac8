import { recordKey, type GroundTruth, type Snapshot, type SystemName } from './model';

/**
 * The messages' verdict (docs/identity.md §10, §11): every inbound message a person sent is
 * recorded once under its MessageSid, with the customer the ground truth says owns the phone
 * (the person's customer); copied once to HubSpot (a communication keyed `twilio:<sid>`, on the
 * person's contact) and once to Klaviyo (an event with that unique_id, on the person's profile);
 * and a STOP leaves the person's SMS consent unsubscribed in the golden record, in Shopify and in
 * Klaviyo, whatever defaults came after. A finding names people, sids and records, never bodies.
 */

export type MessageCheckName =
  | 'messagesNotRecorded'
  | 'messagesMisplaced'
  | 'messagesUnexpected'
  | 'messageCopiesMissing'
  | 'messageCopiesDuplicated'
  | 'messageCopiesMisplaced'
  | 'stopsNotHonoured';

export interface MessageFinding {
  check: MessageCheckName;
  detail: string;
}

export interface MessageWorld {
  /** The identity table, as scanned. */
  table: ReadonlyArray<Record<string, unknown>>;
  /** HubSpot's communications: their message key and the contacts they are on. */
  communications: ReadonlyArray<{ id: string; key: string | null; contactIds: readonly string[] }>;
  /** Klaviyo's events (absent when Klaviyo is not in the run). */
  events?: ReadonlyArray<{ uniqueId: string; profileId: string }>;
  /** SMS marketing consent as each system holds it, by record id: Shopify's `sms_marketing_consent.state` (null: none, no phone), Klaviyo's `sms.marketing.consent`. */
  smsConsent: Partial<Record<SystemName, ReadonlyMap<string, string | null>>>;
}

export function checkMessages(truth: GroundTruth, snapshot: Snapshot, world: MessageWorld): { counts: Record<MessageCheckName, number>; findings: MessageFinding[] } {
  const counts: Record<MessageCheckName, number> = {
    messagesNotRecorded: 0,
    messagesMisplaced: 0,
    messagesUnexpected: 0,
    messageCopiesMissing: 0,
    messageCopiesDuplicated: 0,
    messageCopiesMisplaced: 0,
    stopsNotHonoured: 0,
  };
  const findings: MessageFinding[] = [];
  const found = (name: MessageCheckName, detail: string) => {
    counts[name] += 1;
    findings.push({ check: name, detail });
  };
  const messages = truth.messages ?? [];

  // Whose record is this (as checker.ts): the one the workload made or learned of, else by the email it carries.
  const known = new Map(truth.records.map((record) => [recordKey(record.system, record.externalId), record]));
  const personByEmail = new Map(truth.people.map((person) => [person.email.toLowerCase(), person.id]));
  const snapshotByKey = new Map(snapshot.records.map((record) => [recordKey(record.system, record.externalId), record]));
  const ownerOf = (system: SystemName, externalId: string): string | undefined => {
    const key = recordKey(system, externalId);
    const record = known.get(key);
    if (record) return record.person;
    const email = snapshotByKey.get(key)?.values.email;
    return email ? personByEmail.get(email) : undefined;
  };
  const customersOf = new Map<string, Set<string>>();
  for (const customer of snapshot.customers) {
    const people = new Set(customer.links.map((link) => ownerOf(link.system, link.externalId)).filter((owner): owner is string => owner !== undefined));
    if (people.size === 0 && customer.values.email) {
      const owner = personByEmail.get(customer.values.email);
      if (owner) people.add(owner);
    }
    for (const person of people) customersOf.set(person, new Set([...(customersOf.get(person) ?? []), customer.id]));
  }
  const liveRecordsOf = (person: string, system: SystemName) =>
    snapshot.records.filter((record) => record.system === system && ownerOf(system, record.externalId) === person && !known.get(recordKey(system, record.externalId))?.gone);

  // Recorded once (a key is one item), with the phone's owner.
  const items = new Map<string, Record<string, unknown>>();
  for (const item of world.table) {
    if (item.sk !== 'MESSAGE' || typeof item.pk !== 'string' || !item.pk.startsWith('MSG#twilio#')) continue;
    items.set(item.pk.slice('MSG#twilio#'.length), item);
  }
  const sent = new Set(messages.map((message) => message.sid));
  for (const [sid, item] of items) {
    const direction = (item.message as { direction?: unknown } | undefined)?.direction;
    if (!sent.has(sid) && direction !== 'outbound') found('messagesUnexpected', `message ${sid} is recorded, and nobody of the workload sent it`);
  }
  for (const message of messages) {
    const item = items.get(message.sid);
    if (!item) {
      found('messagesNotRecorded', `${message.person}'s ${message.channel} message ${message.sid}${message.beforeAnyRecord ? ' (before any record of theirs)' : ''} is not recorded`);
      continue;
    }
    const theirs = customersOf.get(message.person) ?? new Set<string>();
    if (typeof item.customerId !== 'string' || !theirs.has(item.customerId)) {
      const holder = snapshot.customers.find((customer) => customer.id === item.customerId);
      const holders = holder ? [...new Set(holder.links.map((link) => ownerOf(link.system, link.externalId)).filter(Boolean))].join(', ') || 'nobody of the workload' : 'no customer';
      found('messagesMisplaced', `${message.person}'s message ${message.sid} is with customer ${String(item.customerId)} (${holders}), not with theirs (${[...theirs].join(', ') || 'none'})`);
    }
  }

  // One copy in each system, on the person's own record there.
  const key = (sid: string) => `twilio:${sid}`;
  const deletedIn = (person: string, system: SystemName) => truth.records.some((record) => record.person === person && record.system === system && record.deleted);
  for (const message of messages) {
    const communications = world.communications.filter((communication) => communication.key === key(message.sid));
    if (communications.length === 0) found('messageCopiesMissing', `${message.person}'s message ${message.sid}: no HubSpot communication`);
    if (communications.length > 1) found('messageCopiesDuplicated', `${message.person}'s message ${message.sid}: ${communications.length} HubSpot communications (${communications.map((c) => c.id).join(', ')})`);
    for (const communication of communications) {
      const others = communication.contactIds.filter((id) => ownerOf('hubspot', id) !== message.person);
      // A contact the person deleted took its timeline with it (docs/identity.md §7): the copy may be on no contact now.
      if (others.length > 0 || (communication.contactIds.length === 0 && !deletedIn(message.person, 'hubspot'))) {
        found('messageCopiesMisplaced', `${message.person}'s message ${message.sid}: HubSpot communication ${communication.id} is on ${communication.contactIds.length === 0 ? 'no contact' : others.map((id) => `contact ${id} (${ownerOf('hubspot', id) ?? 'nobody of the workload'})`).join(', ')}`);
      }
    }
    if (!world.events) continue;
    const events = world.events.filter((event) => event.uniqueId === key(message.sid));
    if (events.length === 0) found('messageCopiesMissing', `${message.person}'s message ${message.sid}: no Klaviyo event`);
    if (events.length > 1) found('messageCopiesDuplicated', `${message.person}'s message ${message.sid}: ${events.length} Klaviyo events`);
    for (const event of events) {
      const owner = ownerOf('klaviyo', event.profileId);
      if (owner !== message.person) found('messageCopiesMisplaced', `${message.person}'s message ${message.sid}: Klaviyo event on profile ${event.profileId} (${owner ?? 'nobody of the workload'})`);
    }
  }

  // A STOP: unsubscribed in the golden record, and in every system that holds SMS consent, whatever defaults came after.
  const golden = new Map<string, unknown>();
  for (const item of world.table) {
    if (item.sk !== 'CUSTOMER' || typeof item.pk !== 'string' || !item.pk.startsWith('CUST#')) continue;
    const fields = ((item.customer as { fields?: Record<string, { value?: unknown } | undefined> } | undefined)?.fields ?? (item.fields as Record<string, { value?: unknown } | undefined> | undefined)) ?? {};
    golden.set(item.pk.slice('CUST#'.length), fields.smsConsent?.value);
  }
  const expected: Partial<Record<SystemName, string>> = { shopify: 'unsubscribed', klaviyo: 'UNSUBSCRIBED' };
  for (const person of new Set(messages.filter((message) => message.stop).map((message) => message.person))) {
    const wrong: string[] = [];
    for (const customer of customersOf.get(person) ?? []) if (golden.get(customer) !== 'unsubscribed') wrong.push(`golden ${customer} (${String(golden.get(customer) ?? 'none')})`);
    for (const system of ['shopify', 'klaviyo'] as const) {
      const consent = world.smsConsent[system];
      if (!consent) continue;
      for (const record of liveRecordsOf(person, system)) {
        // SMS consent lives on the phone: a record without one holds none.
        if (!record.values.phone) continue;
        const held = consent.get(record.externalId) ?? null;
        if (held !== expected[system]) wrong.push(`${system} ${record.externalId} (${String(held)})`);
      }
    }
    if (wrong.length > 0) found('stopsNotHonoured', `${person} replied STOP; SMS consent is not unsubscribed in ${wrong.join(', ')}`);
  }
  return { counts, findings };
}
