import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKlaviyoClient } from '../../../../connectors/klaviyo/client';
import { startKlaviyoFake, type KlaviyoFake } from '../../../../connectors/klaviyo/fake/server';
import { createKlaviyoReader } from '../../../../connectors/klaviyo/reader';
import { ConnectorError } from '../../../../core/errors';
import { RecordChangedSinceRead } from '../../../../core/sync/customer-target';
import type { LogSink } from '../../../../core/log';

/**
 * The Klaviyo connector's client and reader through klaviyo-api against the fake (revision
 * 2026-07-15): what the fake received and holds after each call.
 */
const PRIVATE_KEY = 'pk_client0test0key000000000000';

describe('Klaviyo client and reader (klaviyo-api against the fake)', () => {
  let fake: KlaviyoFake;
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: LogSink = {
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  const options = () => ({ config: { pollMinutes: 5 }, secret: { privateKey: PRIVATE_KEY }, mapping: { defaultCountry: 'US' as const }, baseUrl: fake.baseUrl, log });
  const fast = { backoffBaseMs: 5, maxBackoffMs: 20 };

  beforeAll(async () => {
    fake = await startKlaviyoFake({ apiKey: PRIVATE_KEY, searchLagMs: 0, jobLagMs: 0 });
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(() => {
    lines.length = 0;
  });

  it('creates a profile with the omnihub id as external_id and reports what it holds', async () => {
    // Act
    const created = await createKlaviyoClient(options()).create(
      { email: 'katherine@example.net', phone: '+17575550142', firstName: 'Katherine', lastName: 'Johnson', address: { line1: '1 Langley Blvd', city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' } },
      { customerId: 'cust-katherine' },
    );

    // Assess
    expect(created.kind).toBe('created');
    if (created.kind !== 'created') return;
    const profile = fake.profile(created.externalId);
    expect(profile?.attributes).toMatchObject({ email: 'katherine@example.net', phone_number: '+17575550142', external_id: 'cust-katherine', location: { city: 'Hampton', country: 'US' } });
    expect(created.holds).toEqual({ email: 'katherine@example.net', phone: '+17575550142', firstName: 'Katherine', lastName: 'Johnson', address: { line1: '1 Langley Blvd', line2: null, city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' } });
    expect(Date.parse(created.at)).toBe(Date.parse(String(profile?.attributes.updated)));
  });

  it('answers "exists" with the profile that holds the email, writing nothing to it', async () => {
    // Prepare
    const first = await createKlaviyoClient(options()).create({ email: 'dorothy@example.net', firstName: 'Dorothy' }, { customerId: 'cust-dorothy' });
    const writesBefore = fake.requests.filter((request) => request.method !== 'GET').length;

    // Act
    const again = await createKlaviyoClient(options()).create({ email: 'dorothy@example.net', firstName: 'Someone else' }, { customerId: 'cust-other' });

    // Assess
    expect(first.kind).toBe('created');
    expect(again).toEqual({ kind: 'exists', externalId: first.kind === 'created' ? first.externalId : '', matchedOn: 'email' });
    expect(fake.profile(again.externalId)?.attributes.first_name).toBe('Dorothy');
    expect(fake.requests.filter((request) => request.method !== 'GET').length).toBe(writesBefore + 1);
  });

  it('says "exists" matched on the phone when only the phone is taken, so sync can withhold it', async () => {
    // Prepare
    await createKlaviyoClient(options()).create({ email: 'mother@example.net', phone: '+12125550199' }, { customerId: 'cust-mother' });

    // Act
    const daughter = await createKlaviyoClient(options()).create({ email: 'daughter@example.net', phone: '+12125550199' }, { customerId: 'cust-daughter' });

    // Assess
    expect(daughter).toMatchObject({ kind: 'exists', matchedOn: 'phone' });
  });

  it('updates sparsely, clears with null, and withholds a phone another profile holds', async () => {
    // Prepare
    const client = createKlaviyoClient(options());
    const made = await client.create({ email: 'mary@example.net', firstName: 'Mary', lastName: 'Jackson', address: { line1: '2 Main St', city: 'Hampton', country: 'US' } }, { customerId: 'cust-mary' });
    if (made.kind !== 'created') throw new Error('not created');

    // Act
    const cleared = await client.update(made.externalId, { lastName: null, address: null });
    const withheld = await client.update(made.externalId, { firstName: 'Mary W.', phone: '+12125550199' });

    // Assess
    const profile = fake.profile(made.externalId)!;
    expect(profile.attributes.first_name).toBe('Mary W.');
    expect(profile.attributes.last_name ?? null).toBeNull();
    expect(profile.attributes.phone_number ?? null).toBeNull();
    expect(cleared.holds).toEqual({ lastName: null, address: null });
    expect(withheld.withheld).toEqual({ phone: '+12125550199' });
    expect(withheld.holds).toEqual({ firstName: 'Mary W.' });
  });

  it('reads profiles by id with their consent, leaving out ids Klaviyo does not know', async () => {
    // Prepare
    const made = await createKlaviyoClient(options()).create({ email: 'alan@example.org', firstName: 'Alan' }, { customerId: 'cust-alan' });
    if (made.kind !== 'created') throw new Error('not created');
    fake.unsubscribe(made.externalId, 'email', new Date('2026-11-30T10:00:00Z'));

    // Act
    const read = await createKlaviyoClient(options()).read([made.externalId, '01JZZZZZZZZZZZZZZZZZZZZZZZ']);

    // Assess
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ system: 'klaviyo', externalId: made.externalId, values: { email: 'alan@example.org', firstName: 'Alan', emailConsent: 'unsubscribed' }, fieldTimes: { emailConsent: '2026-11-30T10:00:00.000Z' } });
    // NEVER_SUBSCRIBED (the default) says nothing.
    expect(read[0]!.values.smsConsent).toBeUndefined();
  });

  it('waits out a 429 as Klaviyo asks (Retry-After) and counts it', async () => {
    // Prepare
    fake.forceFailure({ status: 429, retryAfterSeconds: 1 }, 1);
    const started = Date.now();

    // Act
    const read = await createKlaviyoClient(options(), fast).read([]);
    const made = await createKlaviyoClient(options(), fast).create({ email: 'throttled@example.net' }, { customerId: 'cust-throttled' });

    // Assess
    expect(read).toEqual([]);
    expect(made.kind).toBe('created');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(lines.some((line) => line.level === 'warn' && line.message.includes('rate limited'))).toBe(true);
  });

  it('turns a refused key into a ConnectorError that names the secret to fix, and is not retried', async () => {
    // Act
    const failure = await createKlaviyoClient({ ...options(), secret: { privateKey: 'pk_wrong0key000000000000000000' } }, fast)
      .create({ email: 'nobody@example.net' }, { customerId: 'cust-nobody' })
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ConnectorError);
    expect((failure as ConnectorError).status).toBe(401);
    expect((failure as ConnectorError).retryable).toBe(false);
    expect((failure as ConnectorError).message).toContain('omnihub/klaviyo');
  });

  it('pages every profile, then only those updated since an instant, following links.next', async () => {
    // Prepare
    const reader = createKlaviyoReader(options());
    const all: string[] = [];
    let cursor: string | undefined;

    // Act
    do {
      const page = await reader.list(cursor ? { cursor } : {});
      all.push(...page.observations.map((o) => o.externalId));
      expect(page.ceiling).toEqual({ unit: 'requests', perSecond: 12.5, burst: 75 });
      cursor = page.next;
    } while (cursor);
    // Klaviyo's `updated` has whole seconds: a second later, every profile above is older than `since`.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 1).toISOString();
    const [someone] = fake.profiles();
    fake.editProfile(someone!.id, { first_name: 'Edited' });
    const changed: Array<[string, string | null | undefined]> = [];
    const pages: Array<string | undefined> = [];
    let next: string | undefined;
    do {
      const page = await reader.list({ since, ...(next ? { cursor: next } : {}) });
      changed.push(...page.observations.map((o): [string, string | null | undefined] => [o.externalId, o.values.firstName]));
      pages.push(next);
      next = page.next;
    } while (next);

    // Assess
    expect(new Set(all)).toEqual(new Set(fake.profiles().map((profile) => profile.id)));
    expect(changed).toEqual([[someone!.id, 'Edited']]);
    // The profiles updated since, then the consent phase: one page per consent metric the account has.
    expect(pages[0]).toBeUndefined();
    expect(pages.slice(1).every((cursor) => cursor?.startsWith('consent:'))).toBe(true);
    const polls = fake.requests.filter((request) => request.method === 'GET' && request.path === '/api/profiles');
    expect(polls.length).toBeGreaterThanOrEqual(2);
  });

  it('does not send a refused update again over an edit made in Klaviyo during the wait, and sends it when nothing changed', async () => {
    // Prepare
    const client = createKlaviyoClient(options(), fast);
    const made = await client.create({ email: 'race@example.net', firstName: 'First' }, { customerId: 'cust-race' });
    if (made.kind !== 'created') throw new Error('not created');
    const [read] = await client.read([made.externalId]);

    // Act: the PATCH is answered 429 (retry after 1 s); a person edits the name meanwhile.
    fake.forceFailure({ status: 429, retryAfterSeconds: 1 }, 1);
    const refused = client.update(made.externalId, { firstName: 'From sync' }, { read }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    fake.editProfile(made.externalId, { first_name: 'Typed in Klaviyo' });
    const outcome = await refused;
    // The same, with no edit during the wait.
    const [again] = await client.read([made.externalId]);
    fake.forceFailure({ status: 429, retryAfterSeconds: 1 }, 1);
    const written = await client.update(made.externalId, { lastName: 'Written' }, { read: again });

    // Assess
    expect(outcome).toBeInstanceOf(RecordChangedSinceRead);
    expect((outcome as RecordChangedSinceRead).observation.values.firstName).toBe('Typed in Klaviyo');
    expect(written.holds).toEqual({ lastName: 'Written' });
    expect(fake.profile(made.externalId)?.attributes).toMatchObject({ first_name: 'Typed in Klaviyo', last_name: 'Written' });
  });

  it("times a consent write by Klaviyo's clock when it took the job, which the applied job's last_updated is no earlier than", async () => {
    // Prepare: Klaviyo's clock, a minute behind this machine's and stepping a second a call
    let klaviyoNow = Date.now() - 60_000;
    const clock = () => new Date((klaviyoNow += 1000));
    const own = await startKlaviyoFake({ apiKey: PRIVATE_KEY, searchLagMs: 0, jobLagMs: 50, now: clock });
    try {
      const client = createKlaviyoClient({ ...options(), baseUrl: own.baseUrl });
      const made = await client.create({ email: 'grace@example.net', emailConsent: 'subscribed' }, { customerId: 'cust-grace' });
      if (made.kind !== 'created') throw new Error('not created');

      // Act
      const written = await client.update(made.externalId, { emailConsent: 'unsubscribed' });
      await own.idle();

      // Assess
      const email = own.profile(made.externalId)?.attributes.subscriptions?.email?.marketing;
      expect(email?.consent).toBe('UNSUBSCRIBED');
      expect(written.holds).toEqual({ emailConsent: 'unsubscribed' });
      expect(written.fieldTimes?.emailConsent).toBeDefined();
      expect(Date.parse(written.fieldTimes!.emailConsent!)).toBeGreaterThan(Date.parse(made.fieldTimes!.emailConsent!));
      expect(Date.parse(written.fieldTimes!.emailConsent!)).toBeLessThanOrEqual(Date.parse(String(email?.last_updated)));
      expect(Date.parse(written.fieldTimes!.emailConsent!)).toBeLessThan(Date.now() - 30_000);
      expect(written.at).toBe(made.at); // the profile's `updated` did not move
    } finally {
      await own.close();
    }
  });
});
