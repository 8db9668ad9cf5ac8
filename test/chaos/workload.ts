import { between, type Random } from '../../connectors/testing/seeded-random';
import { addressKey, emailKey, phoneKey, textKey, recordKey, SYSTEMS, UNIQUE_PHONES, type AddressParts, type CheckedField, type FieldValue, type GroundTruth, type SystemName, type TruthEdit, type TruthRecord } from './model';
import type { PersonFields, VendorAdapter } from './vendors/adapter';

/**
 * The people of the chaos run: a seeded stream of what people do in the vendors' UIs (create
 * records, some without an address or a phone; edit both systems, the same field in both
 * within seconds; family members sharing a phone with their own email; a phone-only second
 * contact merged into the first; deletions), recording the ground truth as it goes: whose each
 * record is, and every edit with the vendor's own time for it.
 */

interface Person {
  id: string;
  email: string;
  phone: string | null;
  sharedPhone: boolean;
  /** Where the person was first created. */
  origin: SystemName;
  /** The phone changed since creation: a phone-only twin could then match an older number in flight. */
  phoneEdited: boolean;
  /** Real time of this person's last edit in any system: the next edit in a whole-second system (Shopify, Square, Klaviyo) waits for a later second. */
  lastEditMs: number;
  busy: boolean;
  records: Partial<Record<SystemName, string>>;
  /** Systems where the person bought: their record there stays. */
  buysIn: Set<SystemName>;
  /** Real time the person came to be (their first record, or their first message). */
  createdMs: number;
  /** Messaged the shop (Twilio): never a family member's relative after, so the phone stays theirs alone (§3). */
  texted: boolean;
  /** Replied STOP by SMS. */
  stopped: boolean;
}

/** Twilio's people side: a person texting the shop (the fake's `receive`), and the shop's WhatsApp sender. */
export interface Messenger {
  receive(input: { from: string; to?: string; body: string; profileName?: string }): string;
  shopWhatsapp: string;
}

export interface MessageCounts {
  sent: number;
  sms: number;
  whatsapp: number;
  stops: number;
  /** People whose first contact was a message (a phone-only customer first). */
  texters: number;
  /** Their first record: made by them in Shopify (before omnihub made one for the phone), or omnihub's completed with their email (the phone was taken). */
  firstRecordMade: number;
  firstRecordCompleted: number;
  firstRecordFailed: number;
  /** Message steps that found nobody free to text (known everywhere, phone their own). */
  nobodyToText: number;
}

export interface WorkloadCounts {
  people: number;
  creates: number;
  edits: number;
  /** Creates and edits made in each system. */
  bySystem: Partial<Record<SystemName, { creates: number; edits: number }>>;
  sameFieldPairs: number;
  family: number;
  twins: number;
  merges: number;
  deletions: number;
  refusedByVendor: number;
  skipped: { merge: boolean; delete: SystemName[] };
  messages: MessageCounts;
}

const FIRST = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'June', 'Kai', 'Lena'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Novak', 'Reyes', 'Weber'];
const STREETS = ['Main St', 'Oak Ave', 'Pine Rd', 'Elm St', 'Cedar Ln', 'Lake Dr'];
const CITIES = ['Springfield', 'Riverton', 'Fairview', 'Georgetown', 'Salem', 'Franklin'];
const EDITED: readonly CheckedField[] = ['firstName', 'lastName', 'address', 'phone'];
const BODIES = ['Do you have this in blue?', 'Is my order ready?', 'What time do you open on Sunday?', 'Can I return a gift without a receipt?', 'Thanks!', 'Stop by at 5?', 'Do you ship to Canada?'];

/** How long a person leaves a record alone before deleting it or adding a twin to merge into it. */
const QUIET_BEFORE_MS = 8_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Workload {
  readonly truth: GroundTruth = { people: [], records: [], edits: [], unholdable: [], forgedValues: [], messages: [] };
  readonly counts: WorkloadCounts;
  readonly forgedStatuses: number[] = [];
  private people: Person[] = [];
  private byKey = new Map<string, TruthRecord>();
  private seq = 0;
  private counter = 0;
  private background = new Set<Promise<void>>();
  /** The systems driven, in SYSTEMS order: those the run has a vendor for. */
  private readonly systems: SystemName[];

  constructor(
    private readonly random: Random,
    private readonly vendors: Record<SystemName, VendorAdapter>,
    private readonly options: {
      seed: number;
      maxPeople: number;
      webhookUrl(system: SystemName): string;
      /** Twilio in the run: people text the shop (message()); its own seeded stream, so the other draws stay as they were. */
      messenger?: Messenger;
      messageRandom?: Random;
    },
  ) {
    this.systems = SYSTEMS.filter((system) => vendors[system] !== undefined);
    const deleteMissing = this.systems.filter((system) => !vendors[system].remove);
    this.counts = {
      people: 0,
      creates: 0,
      edits: 0,
      bySystem: Object.fromEntries(this.systems.map((system) => [system, { creates: 0, edits: 0 }])),
      sameFieldPairs: 0,
      family: 0,
      twins: 0,
      merges: 0,
      deletions: 0,
      refusedByVendor: 0,
      skipped: { merge: !vendors.hubspot.merge, delete: deleteMissing },
      messages: { sent: 0, sms: 0, whatsapp: 0, stops: 0, texters: 0, firstRecordMade: 0, firstRecordCompleted: 0, firstRecordFailed: 0, nobodyToText: 0 },
    };
  }

  /** One step of the stream: what a person does next. */
  async step(): Promise<void> {
    const r = this.random();
    const free = this.people.filter((person) => !person.busy);
    if (this.people.length < this.options.maxPeople && (this.people.length < 10 || r < 0.22)) {
      // Never someone who texted the shop: the message placed her by the phone, which must stay hers alone (§3, §11).
      const relative = this.pick(free.filter((person) => person.phone !== null && !person.sharedPhone && !person.texted));
      if (relative && this.random() < 0.12) await this.guard(() => this.createPerson('hubspot', relative));
      else await this.guard(() => this.createPerson(this.system()));
      return;
    }
    const person = this.pick(free);
    if (!person) return;
    // People act in parallel: one person's wait for the next Shopify second holds up nobody else.
    while (this.background.size >= 12) await Promise.race([...this.background]);
    const s = this.random();
    if (s < 0.2) this.track(this.sameFieldPair(person));
    else if (s < 0.23 && this.vendors.hubspot.merge) this.track(this.twinAndMerge(person));
    else if (s < 0.25) await this.guard(() => this.remove(person, this.system()));
    else this.track(this.alone(person, () => this.edit(person, this.system(), this.field())));
  }

  private async alone(person: Person, action: () => Promise<unknown>): Promise<void> {
    person.busy = true;
    try {
      await this.guard(action);
    } finally {
      person.busy = false;
    }
  }

  /** A delivery signed with a wrong secret, straight to the receiver: must get 401 and change nothing. */
  async forge(): Promise<void> {
    // A polled vendor sends no webhooks: there is nothing of it to forge.
    const system = this.pick(this.systems.filter((candidate) => this.vendors[candidate].forge));
    const forge = system && this.vendors[system].forge;
    if (!system || !forge) return;
    const person = this.pick(this.people.filter((candidate) => candidate.records[system] !== undefined));
    const id = person?.records[system];
    if (!id) return;
    const marker = `Forged${this.next()}`;
    this.truth.forgedValues.push(marker);
    this.forgedStatuses.push(await forge(this.options.webhookUrl(system), id, marker));
  }

  /**
   * A person free to act who has a live record in `system`, to buy there (test/chaos/orders.ts).
   * Their record there is not deleted after: a deleted buyer record an order still names is
   * not something the order can wait for (docs/identity.md §9), and Shopify refuses to delete
   * a customer with orders.
   */
  shopper(system: 'shopify' | 'square'): { person: string; email: string; externalId: string } | undefined {
    const free = this.people.filter((candidate) => !candidate.busy && Date.now() - candidate.lastEditMs >= 2_000);
    for (let tries = 0; tries < 5; tries++) {
      const person = this.pick(free);
      const externalId = person && this.recordOf(person, system);
      if (!person || !externalId) continue;
      person.buysIn.add(system);
      return { person: person.id, email: person.email, externalId };
    }
    return undefined;
  }

  /** Resolves when every scheduled second edit and merge has been made. */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  // --- what people do ------------------------------------------------------------------------

  private async createPerson(system: SystemName, relative?: Person): Promise<void> {
    const n = this.next();
    const email = `person${n}.s${this.options.seed}@chaos.example.com`;
    const phone = relative ? relative.phone : this.random() < 0.75 ? this.freshPhone() : null;
    const address = this.random() < 0.7 ? this.freshAddress() : undefined;
    const fields: PersonFields = { email, firstName: this.firstName(), lastName: this.lastName(), ...(phone ? { phone } : {}), ...(address ? { address } : {}) };
    const madeAt = Date.now();
    const written = await this.vendors[system].create(fields);
    // A polled vendor tells nobody of the new record: it is known by the first read of it (test/chaos/sightings.ts).
    const where = this.vendors[system].polled ? { externalId: written.externalId, madeAt, madeUntil: Date.now(), unseen: true as const } : {};
    const person: Person = {
      id: `p${n}`,
      email,
      phone,
      sharedPhone: relative !== undefined,
      origin: system,
      phoneEdited: false,
      lastEditMs: Date.now(),
      busy: false,
      records: { [system]: written.externalId },
      buysIn: new Set(),
      createdMs: madeAt,
      texted: false,
      stopped: false,
    };
    this.people.push(person);
    this.truth.people.push({ id: person.id, email });
    this.register({ system, externalId: written.externalId, person: person.id, gone: false, deliberateDuplicate: false });
    for (const [field, value] of Object.entries(canonical(fields)) as Array<[CheckedField, FieldValue]>) this.recordEdit(person, system, field, value, written.at, undefined, where);
    this.counts.people += 1;
    this.counts.creates += 1;
    this.counts.bySystem[system]!.creates += 1;
    if (relative) {
      // Shopify and Klaviyo keep a phone to one record: whoever of the family gets there second cannot hold it.
      this.counts.family += 1;
      relative.sharedPhone = true;
      person.sharedPhone = true;
      for (const unique of UNIQUE_PHONES.filter((candidate) => this.systems.includes(candidate))) {
        this.truth.unholdable.push({ person: person.id, system: unique, field: 'phone' });
        if (relative.origin !== unique) this.truth.unholdable.push({ person: relative.id, system: unique, field: 'phone' });
      }
    }
  }

  private async edit(person: Person, system: SystemName, field: CheckedField): Promise<boolean> {
    const id = this.recordOf(person, system);
    if (!id) return false;
    await this.respectClock(person, system);
    const current = this.vendors[system].read(id);
    if (!current) return false;
    const change = this.change(person, field);
    // An edit that changes nothing in the vendor fires nothing: it is no edit.
    if (!change || (current.values[field] ?? null) === change.value) return false;
    const vendor = this.vendors[system];
    const sender = vendor.sender?.stats;
    const [triggered, dropped] = [sender?.triggered ?? 0, sender?.dropped ?? 0];
    const madeAt = Date.now();
    const written = vendor.update(id, change.fields);
    const madeUntil = Date.now();
    // Unseen: every webhook it caused was dropped, or its vendor sends none (polled: known by the first read after it).
    const unseen = vendor.polled !== undefined || (sender !== undefined && sender.triggered > triggered && sender.dropped - dropped === sender.triggered - triggered);
    this.recordEdit(person, system, field, change.value, written.at, current.values[field] ?? null, { externalId: id, madeAt, madeUntil, ...(unseen ? { unseen: true as const } : {}) });
    if (field === 'phone') {
      person.phone = change.value;
      person.phoneEdited = true;
    }
    this.counts.edits += 1;
    this.counts.bySystem[system]!.edits += 1;
    return true;
  }

  /** The same field edited in both systems within seconds. */
  private async sameFieldPair(person: Person): Promise<void> {
    person.busy = true;
    try {
      const first = this.system();
      const field = this.field();
      const made = await this.guard(() => this.edit(person, first, field));
      if (!made) return;
      await sleep(between(this.random, [150, 2500]));
      if (await this.guard(() => this.edit(person, this.otherSystem(first), field))) this.counts.sameFieldPairs += 1;
    } finally {
      person.busy = false;
    }
  }

  /**
   * A second HubSpot contact of the same person with only their phone (no email: joined by the
   * phone hint), merged into the first a moment later.
   */
  private async twinAndMerge(person: Person): Promise<void> {
    const merge = this.vendors.hubspot.merge;
    const main = this.recordOf(person, 'hubspot');
    // Only once the person is surely known by the phone, so the twin can only join them.
    if (!merge || !main || !person.phone || person.sharedPhone || person.phoneEdited || Date.now() - person.lastEditMs < QUIET_BEFORE_MS) return;
    person.busy = true;
    try {
      const twin = await this.guard(() => this.vendors.hubspot.create({ phone: person.phone }));
      if (!twin) return;
      this.counts.twins += 1;
      this.register({ system: 'hubspot', externalId: twin.externalId, person: person.id, gone: false, deliberateDuplicate: true });
      await sleep(between(this.random, [500, 3000]));
      const survivor = await this.guard(() => merge(main, twin.externalId));
      if (!survivor) return;
      this.counts.merges += 1;
      this.gone('hubspot', main);
      this.gone('hubspot', twin.externalId);
      this.register({ system: 'hubspot', externalId: survivor.externalId, person: person.id, gone: false, deliberateDuplicate: false });
      person.records.hubspot = survivor.externalId;
    } finally {
      person.busy = false;
    }
  }

  private remove(person: Person, system: SystemName): void {
    const remove = this.vendors[system].remove;
    // Only a record whose edits had time to arrive: an edit of a record deleted before anyone could
    // read it is not an edit any system can keep (HubSpot's hydrate finds the contact gone).
    if (!remove || Date.now() - person.lastEditMs < QUIET_BEFORE_MS || person.buysIn.has(system)) return;
    const id = this.recordOf(person, system);
    if (!id) return;
    if (!remove(id)) return;
    this.gone(system, id, true);
    delete person.records[system];
    this.counts.deletions += 1;
  }

  // --- messages (Twilio) ----------------------------------------------------------------------

  /**
   * A message step: a new person texting the shop before any record of theirs exists (a
   * phone-only customer; their first record follows, in the web shop, with that phone and their
   * email: docs/identity.md §3's exception), or someone the hub surely knows by their own phone
   * texting it (SMS or WhatsApp), a few of them replying STOP. Never from a family's shared phone
   * or a phone that changed: what the rules say of those (§3: the phone's owner gets the message)
   * is not modelled here.
   */
  async message(): Promise<void> {
    const messenger = this.options.messenger;
    const random = this.options.messageRandom;
    if (!messenger || !random) return;
    if (this.people.length < this.options.maxPeople && random() < 0.3) {
      this.track(this.texter(messenger, random));
      return;
    }
    const candidates = this.people.filter((person) => !person.busy && person.phone !== null && !person.sharedPhone && !person.phoneEdited && Date.now() - person.createdMs >= QUIET_BEFORE_MS && this.knownEverywhere(person));
    const person = candidates.length === 0 ? undefined : candidates[Math.floor(random() * candidates.length)];
    if (!person) {
      this.counts.messages.nobodyToText += 1;
      return;
    }
    const stop = !person.stopped && random() < 0.06;
    const channel = stop || random() < 0.6 ? 'sms' : 'whatsapp';
    this.send(messenger, person, channel, stop ? 'STOP' : BODIES[Math.floor(random() * BODIES.length)]!, false);
  }

  /** Whether every system of the run holds a record of the person (omnihub copied them everywhere: the hub knows them, with their phone). */
  private knownEverywhere(person: Person): boolean {
    return this.systems.every((system) => {
      const id = this.vendors[system].findByEmail(person.email);
      return id !== undefined && this.vendors[system].read(id)?.values.phone === person.phone;
    });
  }

  private send(messenger: Messenger, person: Person, channel: 'sms' | 'whatsapp', body: string, beforeAnyRecord: boolean): void {
    const phone = person.phone!;
    const sid =
      channel === 'whatsapp'
        ? messenger.receive({ from: `whatsapp:${phone}`, to: `whatsapp:${messenger.shopWhatsapp}`, body, profileName: person.id })
        : messenger.receive({ from: phone, body });
    const stop = channel === 'sms' && body === 'STOP';
    person.texted = true;
    if (stop) person.stopped = true;
    this.truth.messages!.push({ sid, person: person.id, phone, channel, stop, beforeAnyRecord, at: Date.now() });
    this.counts.messages.sent += 1;
    this.counts.messages[channel] += 1;
    if (stop) this.counts.messages.stops += 1;
  }

  /** A new person whose first contact is a message; their first record comes after, in the web shop. */
  private async texter(messenger: Messenger, random: Random): Promise<void> {
    const n = this.next();
    const email = `person${n}.s${this.options.seed}@chaos.example.com`;
    const person: Person = {
      id: `p${n}`,
      email,
      phone: this.freshPhone(),
      sharedPhone: false,
      origin: 'shopify',
      phoneEdited: false,
      lastEditMs: Date.now(),
      busy: true,
      records: {},
      buysIn: new Set(),
      createdMs: Date.now(),
      texted: true,
      stopped: false,
    };
    this.people.push(person);
    this.truth.people.push({ id: person.id, email });
    this.counts.people += 1;
    this.counts.messages.texters += 1;
    try {
      const count = random() < 0.4 ? 2 : 1;
      for (let index = 0; index < count; index++) {
        const channel = random() < 0.6 ? 'sms' : 'whatsapp';
        const stop = channel === 'sms' && !person.stopped && random() < 0.1;
        this.send(messenger, person, channel, stop ? 'STOP' : BODIES[Math.floor(random() * BODIES.length)]!, true);
        await sleep(between(random, [100, 1500]));
      }
      // Soon after (racing the phone-only customer's copies) or once the hub made her records everywhere.
      await sleep(between(random, [0, 6000]));
      await this.firstRecord(person, random);
    } finally {
      person.lastEditMs = Math.max(person.lastEditMs, Date.now());
      person.busy = false;
    }
  }

  /**
   * Her first record with her phone and email, in the web shop. Shopify keeps phones unique: when
   * omnihub already made the customer of her phone there, her sign-up is refused, and she completes
   * that customer instead (signs in by the phone and adds her email and name, as
   * test/integration/messages-flow.test.ts does).
   */
  private async firstRecord(person: Person, random: Random): Promise<void> {
    const vendor = this.vendors.shopify;
    const address = random() < 0.7 ? this.freshAddress() : undefined;
    const fields: PersonFields = { email: person.email, phone: person.phone, firstName: this.firstName(), lastName: this.lastName(), ...(address ? { address } : {}) };
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.respectClock(person, 'shopify');
      try {
        const written = await vendor.create(fields);
        person.records.shopify = written.externalId;
        this.register({ system: 'shopify', externalId: written.externalId, person: person.id, gone: false, deliberateDuplicate: false });
        for (const [field, value] of Object.entries(canonical(fields)) as Array<[CheckedField, FieldValue]>) this.recordEdit(person, 'shopify', field, value, written.at);
        this.counts.creates += 1;
        this.counts.bySystem.shopify!.creates += 1;
        this.counts.messages.firstRecordMade += 1;
        return;
      } catch {
        // Refused: the phone is taken, by the customer omnihub made for it.
      }
      const held = vendor.list().find((record) => record.values.phone === person.phone);
      if (held && !held.values.email && !this.byKey.has(recordKey('shopify', held.externalId))) {
        const { phone: _phone, ...rest } = fields;
        const current = vendor.read(held.externalId)!;
        const sender = vendor.sender?.stats;
        const [triggered, dropped] = [sender?.triggered ?? 0, sender?.dropped ?? 0];
        const madeAt = Date.now();
        const written = vendor.update(held.externalId, rest);
        const madeUntil = Date.now();
        const unseen = sender !== undefined && sender.triggered > triggered && sender.dropped - dropped === sender.triggered - triggered;
        person.records.shopify = held.externalId;
        this.register({ system: 'shopify', externalId: held.externalId, person: person.id, gone: false, deliberateDuplicate: false });
        for (const [field, value] of Object.entries(canonical(rest)) as Array<[CheckedField, FieldValue]>) {
          if ((current.values[field] ?? null) === value) continue;
          this.recordEdit(person, 'shopify', field, value, written.at, current.values[field] ?? null, { externalId: held.externalId, madeAt, madeUntil, ...(unseen ? { unseen: true as const } : {}) });
        }
        this.counts.edits += 1;
        this.counts.bySystem.shopify!.edits += 1;
        this.counts.messages.firstRecordCompleted += 1;
        return;
      }
      await sleep(500);
    }
    this.counts.messages.firstRecordFailed += 1;
  }

  // --- ground truth ----------------------------------------------------------------------------

  private recordEdit(
    person: Person,
    system: SystemName,
    field: CheckedField,
    value: FieldValue,
    at: number,
    before?: FieldValue,
    where: Pick<TruthEdit, 'externalId' | 'madeAt' | 'madeUntil' | 'unseen'> = {},
  ): void {
    this.truth.edits.push({ person: person.id, system, field, value, at, seq: ++this.seq, ...(before !== undefined ? { before } : {}), ...where });
    person.lastEditMs = Math.max(person.lastEditMs, Date.now());
  }

  private register(record: TruthRecord): void {
    this.truth.records.push(record);
    this.byKey.set(recordKey(record.system, record.externalId), record);
  }

  private gone(system: SystemName, externalId: string, deleted = false): void {
    const record = this.byKey.get(recordKey(system, externalId));
    if (record) record.gone = true;
    if (record && deleted) record.deleted = true;
  }

  /** The person's live record in a system: the one we know, or the one omnihub made (found by their email). */
  private recordOf(person: Person, system: SystemName): string | undefined {
    const known = person.records[system];
    if (known && !this.byKey.get(recordKey(system, known))?.gone && this.vendors[system].read(known)) return known;
    const found = this.vendors[system].findByEmail(person.email);
    if (!found) return undefined;
    const owner = this.byKey.get(recordKey(system, found));
    // A record we know as someone else's that now carries this email is a wrong merge for the checker, not ours to edit.
    if (owner && owner.person !== person.id) return undefined;
    if (!owner) this.register({ system, externalId: found, person: person.id, gone: false, deliberateDuplicate: false });
    person.records[system] = found;
    return found;
  }

  /**
   * Shopify, Square and Klaviyo time a record by the second (updated_at, updated): an edit there waits for a second
   * later than the person's last edit anywhere, so no two edits of one field ever tie by source
   * time. HubSpot's clock has milliseconds: a later millisecond is enough.
   */
  private async respectClock(person: Person, system: SystemName): Promise<void> {
    const tick = this.vendors[system].clockResolutionMs;
    if (tick > 1) {
      const next = (Math.floor(person.lastEditMs / tick) + 1) * tick;
      if (Date.now() < next) await sleep(next - Date.now() + 5);
    } else if (Date.now() <= person.lastEditMs) {
      await sleep(2);
    }
  }

  private change(person: Person, field: CheckedField): { fields: PersonFields; value: FieldValue } | undefined {
    switch (field) {
      case 'firstName': {
        const firstName = this.firstName();
        return { fields: { firstName }, value: textKey(firstName) };
      }
      case 'lastName': {
        const lastName = this.lastName();
        return { fields: { lastName }, value: textKey(lastName) };
      }
      case 'address': {
        if (this.random() < 0.08) return { fields: { address: null }, value: null };
        const address = this.freshAddress();
        return { fields: { address }, value: addressKey(address) };
      }
      case 'phone': {
        // A family's shared phone stays as it is; a phone moves only to a number nobody has.
        if (person.sharedPhone) return undefined;
        const phone = this.freshPhone();
        return { fields: { phone }, value: phoneKey(phone) };
      }
      case 'email':
        return undefined;
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** A person's action the vendor refused (e.g. a value it will not take) is counted, not fatal. */
  private async guard<T>(action: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch {
      this.counts.refusedByVendor += 1;
      return undefined;
    }
  }

  private track(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  private system(): SystemName {
    return this.systems[Math.min(this.systems.length - 1, Math.floor(this.random() * this.systems.length))]!;
  }

  /** Another system than `system`: the second edit of a same-field pair. */
  private otherSystem(system: SystemName): SystemName {
    const others = this.systems.filter((candidate) => candidate !== system);
    return others.length === 1 ? others[0]! : others[Math.floor(this.random() * others.length)]!;
  }

  private field(): CheckedField {
    const r = this.random();
    return r < 0.35 ? 'firstName' : r < 0.6 ? 'lastName' : r < 0.9 ? 'address' : EDITED[3]!;
  }

  private next(): number {
    this.counter += 1;
    return this.counter;
  }

  private firstName(): string {
    return `${FIRST[Math.floor(this.random() * FIRST.length)]}${this.next()}`;
  }

  private lastName(): string {
    return `${LAST[Math.floor(this.random() * LAST.length)]}${this.next()}`;
  }

  private freshPhone(): string {
    // +1 212 NXX XXXX, N = 2-9: a valid New York number, unique per run.
    return `+1212${2_000_000 + ((this.next() * 7_919 + this.options.seed) % 8_000_000)}`;
  }

  private freshAddress(): AddressParts {
    const n = this.next();
    return {
      line1: `${n} ${STREETS[Math.floor(this.random() * STREETS.length)]}`,
      city: CITIES[Math.floor(this.random() * CITIES.length)]!,
      postalCode: String(10_000 + ((n * 37) % 89_999)),
      country: 'US',
    };
  }
}

/** The values of a person's fields as the checker compares them. */
function canonical(fields: PersonFields): Partial<Record<CheckedField, FieldValue>> {
  const values: Partial<Record<CheckedField, FieldValue>> = {};
  if (fields.email !== undefined) values.email = emailKey(fields.email);
  if (fields.phone !== undefined) values.phone = phoneKey(fields.phone);
  if (fields.firstName !== undefined) values.firstName = textKey(fields.firstName);
  if (fields.lastName !== undefined) values.lastName = textKey(fields.lastName);
  if (fields.address !== undefined) values.address = addressKey(fields.address);
  return values;
}
