import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeySession, EventsApi, MetricsApi, ProfilesApi, RetryWithExponentialBackoff } from 'klaviyo-api';
import { startKlaviyoFake, type KlaviyoFake, type KlaviyoFakeOptions } from '../../../../connectors/klaviyo/fake/server';

const KEY = 'pk_test0000000000000000000000000000';
const START = new Date('2025-03-01T12:00:00.250Z');
let clock = START;
let fake: KlaviyoFake;
let cleanup: Array<() => void> = [];

async function start(options: Partial<KlaviyoFakeOptions> = {}): Promise<KlaviyoFake> {
  fake = await startKlaviyoFake({ apiKey: KEY, searchLagMs: 0, jobLagMs: 20, now: () => clock, ...options });
  return fake;
}

/** The real SDK pointed at the fake, its own retries off unless asked. */
function sdk(options: { key?: string; retries?: number } = {}) {
  const session = new ApiKeySession(options.key ?? KEY, new RetryWithExponentialBackoff({ numRetries: options.retries ?? 0 }));
  const profiles = new ProfilesApi(session);
  const events = new EventsApi(session);
  const metrics = new MetricsApi(session);
  for (const api of [profiles, events, metrics]) api.basePath = fake.baseUrl;
  return { profiles, events, metrics };
}

/** What the SDK throws for an HTTP failure: an axios error. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; body: any; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers: Record<string, string> } }).response;
    if (!response) throw error;
    return { status: response.status, body: response.data, headers: response.headers };
  }
  throw new Error('expected the call to fail');
}

function raw(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return fetch(`${fake.baseUrl}${path}`, { ...init, headers: { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/json', ...init.headers } });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  clock = START;
  await fake?.close();
  for (const each of cleanup) each();
  cleanup = [];
});

describe('profiles', () => {
  it('creates with the import (201), then updates the same profile (200) matching the email without case (kept lower-cased), with Klaviyo clocks', async () => {
    // Prepare
    await start();

    // Act
    const created = await sdk().profiles.createOrUpdateProfile({ data: { type: 'profile', attributes: { email: 'Ada@Example.com', firstName: 'Ada', externalId: 'cust_1' } } });
    clock = new Date('2025-03-01T12:05:00Z');
    const updated = await sdk().profiles.createOrUpdateProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com', lastName: 'Lovelace' } } });

    // Assess
    expect(created.response.status).toBe(201);
    expect(updated.response.status).toBe(200);
    expect(updated.body.data.id).toBe(created.body.data.id);
    expect(created.body.data.id).toMatch(/^01[0-9A-HJKMNP-TV-Z]{24}$/);
    expect(created.response.headers['content-type']).toContain('application/vnd.api+json');
    expect(updated.body.data.attributes).toMatchObject({ email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', externalId: 'cust_1' });
    expect(updated.body.data.attributes.created).toEqual(new Date('2025-03-01T12:00:00Z'));
    expect(updated.body.data.attributes.updated).toEqual(new Date('2025-03-01T12:05:00Z'));
    expect(updated.body.data.attributes.subscriptions).toBeUndefined();
    expect(fake.profiles()).toHaveLength(1);
    expect(fake.profile(created.body.data.id!)?.attributes).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', created: '2025-03-01T12:00:00+00:00', updated: '2025-03-01T12:05:00+00:00' });
  });

  it('clears a field set to null and leaves an omitted one; merges location and properties key by key', async () => {
    // Prepare
    await start();
    const id = (
      await sdk().profiles.createOrUpdateProfile({
        data: { type: 'profile', attributes: { email: 'grace@example.org', firstName: 'Grace', title: 'RADM', location: { city: 'Arlington', country: 'US' }, properties: { tier: 'gold', visits: 3 } } },
      })
    ).body.data.id!;

    // Act
    const answer = await sdk().profiles.createOrUpdateProfile(
      { data: { type: 'profile', attributes: { email: 'grace@example.org', title: null, location: { city: null, zip: '22201' }, properties: { visits: 4 } } } },
      { additionalFieldsProfile: ['subscriptions'] },
    );

    // Assess
    expect(fake.profile(id)?.attributes).toMatchObject({ first_name: 'Grace', title: null, location: { city: null, country: 'US', zip: '22201' }, properties: { tier: 'gold', visits: 4 } });
    expect(answer.body.data.attributes.subscriptions?.email?.marketing).toMatchObject({ consent: 'NEVER_SUBSCRIBED', canReceiveEmailMarketing: true, suppression: [] });
    expect(answer.body.data.attributes.subscriptions?.sms?.marketing).toMatchObject({ consent: 'NEVER_SUBSCRIBED', canReceiveSmsMarketing: false, consentTimestamp: null });
  });

  it('refuses a create whose email another profile holds: 409 duplicate_profile with the holder\'s id, as the SDK surfaces it', async () => {
    // Prepare
    await start();
    const holder = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } })).body.data.id;

    // Act
    const refused = await failure(sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ADA@example.com', firstName: 'Other' } } }));

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      {
        id: expect.any(String),
        status: 409,
        code: 'duplicate_profile',
        title: 'Conflict.',
        detail: 'A profile already exists with one of these identifiers.',
        source: { pointer: '/data/attributes' },
        meta: { duplicate_profile_id: holder },
      },
    ]);
    expect(fake.profiles()).toHaveLength(1);
  });

  it('refuses an import whose email and external_id belong to two profiles (409), and an update onto another\'s phone', async () => {
    // Prepare
    await start();
    const ada = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } })).body.data.id!;
    const byron = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { externalId: 'cust_2', phoneNumber: '+12125550102' } } })).body.data.id!;

    // Act
    const imported = await failure(sdk().profiles.createOrUpdateProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com', externalId: 'cust_2', firstName: 'X' } } }));
    const patched = await failure(sdk().profiles.updateProfile(ada, { data: { type: 'profile', id: ada, attributes: { phoneNumber: '+12125550102' } } }));
    const missing = await failure(sdk().profiles.updateProfile('01AAAAAAAAAAAAAAAAAAAAAAAA', { data: { type: 'profile', id: '01AAAAAAAAAAAAAAAAAAAAAAAA', attributes: { firstName: 'Nobody' } } }));

    // Assess
    expect(imported).toMatchObject({ status: 409, body: { errors: [{ code: 'duplicate_profile', meta: { duplicate_profile_id: byron } }] } });
    expect(patched).toMatchObject({ status: 409, body: { errors: [{ code: 'duplicate_profile', meta: { duplicate_profile_id: byron } }] } });
    expect(missing).toMatchObject({ status: 404, body: { errors: [{ code: 'not_found', title: 'Not found.' }] } });
    expect(fake.profile(ada)?.attributes.first_name).toBeNull();
  });

  it('takes phone numbers in E.164 only: anything else is a 400 on phone_number', async () => {
    // Prepare
    await start();

    // Act
    const refused = await failure(sdk().profiles.createOrUpdateProfile({ data: { type: 'profile', attributes: { email: 'k@example.com', phoneNumber: '(212) 555-0104' } } }));

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({
      code: 'invalid',
      title: 'Invalid input.',
      detail: 'Invalid phone number format (Example of a valid phone number format: +12345678901)',
      source: { pointer: '/data/attributes/phone_number' },
    });
    expect(fake.profiles()).toEqual([]);
  });

  it('refuses camelCase keys sent raw, as Klaviyo does (the SDK turns them into snake_case)', async () => {
    // Prepare
    await start();

    // Act
    const response = await raw('/api/profiles', { method: 'POST', body: JSON.stringify({ data: { type: 'profile', attributes: { email: 'a@example.com', firstName: 'A' } } }) });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ detail: "'firstName' is not a valid field for the resource 'profile'.", source: { pointer: '/data/attributes/firstName' } }] });
  });
});

describe('auth and headers', () => {
  it('answers a request without `revision` with a 400', async () => {
    // Prepare
    await start();

    // Act
    const response = await fetch(`${fake.baseUrl}/api/profiles`, { headers: { authorization: `Klaviyo-API-Key ${KEY}` } });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(await response.json()).toMatchObject({ errors: [{ status: 400, code: 'invalid', source: { parameter: 'revision' } }] });
  });

  it('answers a wrong key with 401 authentication_failed and a missing one with 401 not_authenticated', async () => {
    // Prepare
    await start();

    // Act
    const wrong = await failure(sdk({ key: 'pk_wrong' }).profiles.getProfiles());
    const missing = await fetch(`${fake.baseUrl}/api/profiles`, { headers: { revision: '2026-07-15' } });

    // Assess
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0]).toMatchObject({ code: 'authentication_failed', title: 'Incorrect authentication credentials.' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ errors: [{ code: 'not_authenticated', title: 'Authentication credentials were not provided.' }] });
  });

  it('answers an unknown route with a JSON:API 404', async () => {
    // Prepare
    await start();

    // Act
    const response = await raw('/api/nothing-here');

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errors: [{ status: 404, code: 'not_found' }] });
  });
});

describe('get profiles', () => {
  async function fiveProfiles(): Promise<string[]> {
    const ids: string[] = [];
    for (const [index, minute] of [0, 10, 20, 30, 40].entries()) {
      clock = new Date(Date.UTC(2025, 2, 1, 12, minute));
      ids.push((await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: `p${index}@example.com` } } })).body.data.id!);
    }
    return ids;
  }

  it('finds profiles updated since an instant, sorted by updated, two a page, following links.next through pageCursor', async () => {
    // Prepare
    await start();
    const ids = await fiveProfiles();
    clock = new Date('2025-03-01T13:00:00Z');
    await sdk().profiles.updateProfile(ids[0]!, { data: { type: 'profile', id: ids[0]!, attributes: { firstName: 'Edited' } } });
    const filter = 'greater-than(updated,2025-03-01T12:15:00Z)';

    // Act
    const seen: string[] = [];
    const links: Array<{ next?: string | null; prev?: string | null }> = [];
    let cursor: string | undefined;
    do {
      const page = await sdk().profiles.getProfiles({ filter, sort: 'updated', pageSize: 2, ...(cursor ? { pageCursor: cursor } : {}) });
      seen.push(...page.body.data.map((profile) => profile.id!));
      links.push(page.body.links ?? {});
      cursor = page.body.links?.next ?? undefined;
    } while (cursor);

    // Assess
    expect(seen).toEqual([ids[2], ids[3], ids[4], ids[0]]);
    expect(links[0]?.next).toMatch(new RegExp(`^${fake.baseUrl}/api/profiles/\\?page%5Bcursor%5D=`));
    expect(links[0]?.prev).toBeNull();
    expect(links[1]?.prev).toEqual(expect.any(String));
    expect(links[1]?.next).toBeNull();
  });

  it('refuses an operator the field does not take, an unknown sort, a page over 100, and a malformed filter with Klaviyo\'s words', async () => {
    // Prepare
    await start();

    // Act
    const operator = await failure(sdk().profiles.getProfiles({ filter: 'equals(updated,2025-03-01T00:00:00Z)' }));
    const quoted = await failure(sdk().profiles.getProfiles({ filter: 'greater-than(updated,"2025-03-01T00:00:00Z")' }));
    const sort = await raw('/api/profiles?sort=first_name');
    const size = await failure(sdk().profiles.getProfiles({ pageSize: 101 }));
    const malformed = await failure(sdk().profiles.getProfiles({ filter: 'equals(email,"a@b.co"' }));

    // Assess
    expect(operator).toMatchObject({ status: 400, body: { errors: [{ code: 'invalid', source: { parameter: 'filter' } }] } });
    expect(quoted).toMatchObject({ status: 400, body: { errors: [{ source: { parameter: 'filter' } }] } });
    expect(sort.status).toBe(400);
    expect(await sort.json()).toMatchObject({ errors: [{ source: { parameter: 'sort' } }] });
    expect(size).toMatchObject({ status: 400, body: { errors: [{ source: { parameter: 'page[size]' } }] } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toMatchObject({ status: 400, code: 'invalid', title: 'Invalid input.', detail: 'Invalid filter provided. Verify your parentheses match.', source: { parameter: 'filter' } });
  });

  it('filters by any(email,[…]) without case and by equals(external_id,…); sorts by id (ULIDs: creation order) by default', async () => {
    // Prepare
    await start();
    const ids = await fiveProfiles();
    await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { externalId: 'pos-7' } } });

    // Act
    const all = await sdk().profiles.getProfiles();
    const byEmail = await sdk().profiles.getProfiles({ filter: 'any(email,["P1@example.com","p3@example.com"])', sort: 'email' });
    const byExternal = await sdk().profiles.getProfiles({ filter: 'equals(external_id,"pos-7")' });

    // Assess
    expect(all.body.data.map((profile) => profile.id).slice(0, 5)).toEqual(ids);
    expect(byEmail.body.data.map((profile) => profile.attributes.email)).toEqual(['p1@example.com', 'p3@example.com']);
    expect(byExternal.body.data).toHaveLength(1);
  });

  it('lists a fresh write only after the index lag, while the profile is readable by id at once', async () => {
    // Prepare
    await start({ searchLagMs: 300 });
    const id = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'late@example.com' } } })).body.data.id!;

    // Act
    const listedAtOnce = await sdk().profiles.getProfiles({ filter: 'equals(email,"late@example.com")' });
    const byId = await sdk().profiles.getProfile(id);
    await wait(350);
    const listedLater = await sdk().profiles.getProfiles({ filter: 'equals(email,"late@example.com")' });

    // Assess
    expect(listedAtOnce.body.data).toEqual([]);
    expect(byId.body.data.attributes.email).toBe('late@example.com');
    expect(listedLater.body.data.map((profile) => profile.id)).toEqual([id]);
  });
});

describe('consent', () => {
  it('accepts a bulk subscribe with 202 and no body, and applies it only later, without bumping updated', async () => {
    // Prepare
    await start({ jobLagMs: 100 });
    const id = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com', phoneNumber: '+12125550101' } } })).body.data.id!;
    clock = new Date('2025-03-01T12:30:00Z');

    // Act
    const answer = await sdk().profiles.bulkSubscribeProfiles({
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: {
          customSource: 'POS',
          profiles: {
            data: [
              { type: 'profile', attributes: { email: 'ada@example.com', phoneNumber: '+12125550101', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } }, sms: { marketing: { consent: 'SUBSCRIBED' } } } } },
              { type: 'profile', attributes: { email: 'new@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } },
            ],
          },
        },
      },
    });
    const before = fake.profile(id)?.attributes.subscriptions.email.marketing.consent;
    await fake.idle();
    const after = await sdk().profiles.getProfile(id, { additionalFieldsProfile: ['subscriptions'] });

    // Assess
    expect(answer.response.status).toBe(202);
    expect(answer.response.data).toBe('');
    expect(before).toBe('NEVER_SUBSCRIBED');
    expect(after.body.data.attributes.subscriptions?.email?.marketing).toMatchObject({
      consent: 'SUBSCRIBED',
      canReceiveEmailMarketing: true,
      method: 'API',
      customMethodDetail: 'POS',
      consentTimestamp: new Date('2025-03-01T12:30:00Z'),
    });
    expect(after.body.data.attributes.subscriptions?.sms?.marketing).toMatchObject({ consent: 'SUBSCRIBED', canReceiveSmsMarketing: true });
    expect(after.body.data.attributes.updated).toEqual(new Date('2025-03-01T12:00:00Z'));
    expect(fake.profiles().map((profile) => profile.attributes.email)).toEqual(['ada@example.com', 'new@example.com']);
    expect(fake.events().map((event) => event.metric)).toEqual(['Subscribed to Email Marketing', 'Subscribed to SMS Marketing', 'Subscribed to Email Marketing']);
  });

  it('refuses historical_import without consented_at, consented_at without the flag, a future consented_at, and SMS without a phone', async () => {
    // Prepare
    await start();
    const job = (attributes: Record<string, unknown>, subscriptions: Record<string, unknown>, profile: Record<string, unknown> = { email: 'ada@example.com' }) =>
      failure(
        sdk().profiles.bulkSubscribeProfiles({
          data: { type: 'profile-subscription-bulk-create-job', attributes: { ...attributes, profiles: { data: [{ type: 'profile', attributes: { ...profile, subscriptions } }] } } },
        } as never),
      );

    // Act
    const withoutDate = await job({ historicalImport: true }, { email: { marketing: { consent: 'SUBSCRIBED' } } });
    const withoutFlag = await job({}, { email: { marketing: { consent: 'SUBSCRIBED', consentedAt: new Date('2024-01-01T00:00:00Z') } } });
    const future = await job({ historicalImport: true }, { email: { marketing: { consent: 'SUBSCRIBED', consentedAt: new Date('2030-01-01T00:00:00Z') } } });
    const smsWithoutPhone = await job({}, { sms: { marketing: { consent: 'SUBSCRIBED' } } });
    // snake_case given to the SDK is dropped: the phone never arrives.
    const snakePhone = await job({}, { sms: { marketing: { consent: 'SUBSCRIBED' } } }, { email: 'ada@example.com', phone_number: '+12125550101' });

    // Assess
    expect(withoutDate).toMatchObject({ status: 400, body: { errors: [{ source: { pointer: '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at' } }] } });
    expect(withoutFlag.status).toBe(400);
    expect(future.status).toBe(400);
    expect(smsWithoutPhone.body.errors[0]).toMatchObject({ detail: "'phone_number' must not be empty when the sms channel is included in 'subscriptions'." });
    expect(snakePhone.status).toBe(400);
    await fake.idle();
    expect(fake.profiles()).toEqual([]);
  });

  it('takes a historical import with consented_at in the past as the consent timestamp', async () => {
    // Prepare
    await start();

    // Act
    await sdk().profiles.bulkSubscribeProfiles({
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: { historicalImport: true, profiles: { data: [{ type: 'profile', attributes: { email: 'old@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED', consentedAt: new Date('2024-06-01T08:00:00Z') } } } } }] } },
      },
    });
    await fake.idle();

    // Assess
    expect(fake.profiles()[0]?.attributes.subscriptions.email.marketing).toMatchObject({ consent: 'SUBSCRIBED', consent_timestamp: '2024-06-01T08:00:00+00:00', last_updated: '2025-03-01T12:00:00+00:00' });
  });

  it('unsubscribes globally when the list named is not one the profile is on, and only from the list when it is', async () => {
    // Prepare
    await start();
    const subscribe = (email: string, listId?: string) =>
      sdk().profiles.bulkSubscribeProfiles({
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: { profiles: { data: [{ type: 'profile', attributes: { email, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } }] } },
          ...(listId ? { relationships: { list: { data: { type: 'list', id: listId } } } } : {}),
        },
      });
    const unsubscribe = (email: string, listId: string) =>
      sdk().profiles.bulkUnsubscribeProfiles({
        data: {
          type: 'profile-subscription-bulk-delete-job',
          attributes: { profiles: { data: [{ type: 'profile', attributes: { email, subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } } }] } },
          relationships: { list: { data: { type: 'list', id: listId } } },
        },
      });
    await subscribe('offlist@example.com');
    await subscribe('onlist@example.com', 'LIST01');
    await fake.idle();

    // Act
    const answer = await unsubscribe('offlist@example.com', 'LIST01');
    await unsubscribe('onlist@example.com', 'LIST01');
    await fake.idle();

    // Assess
    const [offList, onList] = fake.profiles();
    expect(answer.response.status).toBe(202);
    expect(offList?.attributes.subscriptions.email.marketing).toMatchObject({
      consent: 'UNSUBSCRIBED',
      can_receive_email_marketing: false,
      suppression: [{ reason: 'UNSUBSCRIBE', timestamp: '2025-03-01T12:00:00+00:00' }],
    });
    expect(onList?.attributes.subscriptions.email.marketing).toMatchObject({
      consent: 'SUBSCRIBED',
      can_receive_email_marketing: true,
      list_suppressions: [{ list_id: 'LIST01', reason: 'UNSUBSCRIBE' }],
    });
  });

  it('plays an unsubscribe on the preference page: consent changes, `updated` does not, and the consent event can be polled', async () => {
    // Prepare
    await start();
    const id = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } })).body.data.id!;
    clock = new Date('2025-03-02T09:00:00Z');

    // Act
    fake.unsubscribe(id, 'email');
    const profile = await sdk().profiles.getProfile(id, { additionalFieldsProfile: ['subscriptions'] });
    const metrics = await sdk().metrics.getMetrics();
    const metricId = metrics.body.data.find((metric) => metric.attributes.name === 'Unsubscribed from Email Marketing')?.id;
    const polled = await sdk().events.getEvents({ filter: `and(equals(metric_id,"${metricId}"),greater-than(datetime,2025-03-02T00:00:00Z))` });

    // Assess
    expect(profile.body.data.attributes.updated).toEqual(new Date('2025-03-01T12:00:00Z'));
    expect(profile.body.data.attributes.subscriptions?.email?.marketing).toMatchObject({
      consent: 'UNSUBSCRIBED',
      method: 'PREFERENCE_PAGE',
      lastUpdated: new Date('2025-03-02T09:00:00Z'),
      canReceiveEmailMarketing: false,
    });
    expect(polled.body.data).toHaveLength(1);
    expect(polled.body.data[0]?.relationships?.profile?.data?.id).toBe(id);
    expect(polled.body.data[0]?.attributes.datetime).toEqual(new Date('2025-03-02T09:00:00Z'));
  });
});

describe('events', () => {
  const event = (uniqueId: string | undefined, time: Date, value = 12.5) => ({
    data: {
      type: 'event' as const,
      attributes: {
        properties: { OrderId: '1001' },
        time,
        value,
        valueCurrency: 'USD',
        ...(uniqueId ? { uniqueId } : {}),
        metric: { data: { type: 'metric' as const, attributes: { name: 'Placed Order' } } },
        profile: { data: { type: 'profile' as const, attributes: { email: 'buyer@example.com', firstName: 'Bea' } } },
      },
    },
  });

  it('records one event for two POSTs with the same unique_id (both 202), making the metric and the profile', async () => {
    // Prepare
    await start();

    // Act
    const first = await sdk().events.createEvent(event('shopify-1001', new Date('2025-02-28T10:00:00.600Z')));
    const second = await sdk().events.createEvent(event('shopify-1001', new Date('2025-02-28T11:00:00Z'), 99));
    await fake.idle();
    const listed = await sdk().events.getEvents({ filter: 'equals(profile_id,"' + fake.profiles()[0]!.id + '")', include: ['profile'] });

    // Assess
    expect([first.response.status, second.response.status]).toEqual([202, 202]);
    expect(fake.events()).toHaveLength(1);
    expect(fake.events()[0]).toMatchObject({ metric: 'Placed Order', uniqueId: 'shopify-1001', time: '2025-02-28T10:00:00.000Z', value: 12.5, valueCurrency: 'USD', properties: { OrderId: '1001' } });
    expect(fake.profiles()[0]?.attributes).toMatchObject({ email: 'buyer@example.com', first_name: 'Bea', last_event_date: '2025-02-28T10:00:00+00:00' });
    expect(listed.body.data[0]?.attributes).toMatchObject({ eventProperties: { OrderId: '1001', $event_id: 'shopify-1001', $value: 12.5 }, timestamp: Date.UTC(2025, 1, 28, 10) / 1000 });
    expect(listed.body.included?.[0]).toMatchObject({ type: 'profile', id: fake.profiles()[0]!.id });
  });

  it('dedupes events without unique_id on the time to the second', async () => {
    // Prepare
    await start();

    // Act
    await sdk().events.createEvent(event(undefined, new Date('2025-02-28T10:00:00.100Z')));
    await sdk().events.createEvent(event(undefined, new Date('2025-02-28T10:00:00.900Z')));
    await sdk().events.createEvent(event(undefined, new Date('2025-02-28T10:00:01Z')));
    await fake.idle();

    // Assess
    expect(fake.events().map((each) => each.uniqueId)).toEqual(['2025-02-28T10:00:00+00:00', '2025-02-28T10:00:01+00:00']);
  });

  it('refuses a time in 1980 or more than a year ahead with a 400, and records nothing', async () => {
    // Prepare
    await start();

    // Act
    const old = await failure(sdk().events.createEvent(event('old', new Date('1980-01-01T00:00:00Z'))));
    const ahead = await failure(sdk().events.createEvent(event('ahead', new Date('2026-06-01T00:00:00Z'))));
    await fake.idle();

    // Assess
    expect(old).toMatchObject({ status: 400, body: { errors: [{ code: 'invalid', source: { pointer: '/data/attributes/time' } }] } });
    expect(ahead.status).toBe(400);
    expect(fake.events()).toEqual([]);
  });

  it('lists events only after the jobs and the index lag, newest first with sort=-datetime', async () => {
    // Prepare
    await start({ searchLagMs: 200 });
    await sdk().events.createEvent(event('a', new Date('2025-02-28T10:00:00Z')));
    await sdk().events.createEvent(event('b', new Date('2025-02-28T11:00:00Z')));
    await fake.idle();

    // Act
    const atOnce = await sdk().events.getEvents();
    await wait(250);
    const later = await sdk().events.getEvents({ sort: '-datetime' });

    // Assess
    expect(atOnce.body.data).toEqual([]);
    expect(later.body.data.map((each) => each.attributes.eventProperties)).toMatchObject([{ $event_id: 'b' }, { $event_id: 'a' }]);
  });
});

describe('rate limits and faults', () => {
  it('answers over the burst window with 429 throttled and Retry-After, and carries RateLimit-* headers otherwise', async () => {
    // Prepare
    await start({ rateLimits: { scale: 0.05 } });
    const id = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } })).body.data.id!;
    // getProfile: 75/s × 0.05 = 3 a second; wait for a fresh second so all four land in one window.
    await wait(1000 - (Date.now() % 1000) + 5);

    // Act
    const answers = [];
    for (let each = 0; each < 3; each += 1) answers.push(await sdk().profiles.getProfile(id));
    const throttled = await failure(sdk().profiles.getProfile(id));

    // Assess
    expect(answers[0]?.response.headers).toMatchObject({ 'ratelimit-limit': '37', 'ratelimit-remaining': '36', 'ratelimit-reset': expect.stringMatching(/^\d+$/) });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.body.errors[0]).toMatchObject({ status: 429, code: 'throttled', detail: 'Request was throttled. Expected available in 1 second.' });
  });

  it('is retried by the SDK itself after a forced 429 (Retry-After) and a 503', async () => {
    // Prepare
    await start();
    fake.forceFailure({ status: 429, retryAfterSeconds: 1 });
    fake.forceFailure({ status: 503 });

    // Act
    const answer = await sdk({ retries: 3 }).profiles.createOrUpdateProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } });

    // Assess
    expect(answer.response.status).toBe(201);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 503, 201]);
  });
});

describe('sandbox and persistence', () => {
  it('plays a person editing a profile through /_sandbox (updated bumped) and lists the requests', async () => {
    // Prepare
    await start({ seed: true });
    const [ada] = fake.profiles();
    clock = new Date('2025-03-05T00:00:00Z');

    // Act
    const edit = await fetch(`${fake.baseUrl}/_sandbox/profiles/${ada!.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ first_name: 'Augusta', title: null }) });
    const stop = await fetch(`${fake.baseUrl}/_sandbox/profiles/${ada!.id}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'sms' }) });
    const requests = (await (await fetch(`${fake.baseUrl}/_sandbox/requests`)).json()) as { requests: Array<{ path: string; status: number }> };

    // Assess
    expect(edit.status).toBe(200);
    expect(stop.status).toBe(200);
    expect(fake.profile(ada!.id)?.attributes).toMatchObject({ first_name: 'Augusta', updated: '2025-03-05T00:00:00+00:00' });
    expect(fake.profile(ada!.id)?.attributes.subscriptions.sms.marketing).toMatchObject({ consent: 'UNSUBSCRIBED', method: 'TEXT' });
    expect(fake.events().map((each) => each.metric)).toEqual(['Unsubscribed from SMS Marketing']);
    expect(requests.requests.map((request) => request.status)).toEqual([200, 200]);
    expect(() => fake.editProfile(ada!.id, { phone_number: '212-555-0101' })).toThrow(/Invalid phone number format/);
  });

  it('keeps profiles, consent, events, the dedupe and pending jobs across a restart; new ids continue the stream', async () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'klaviyo-fake-'));
    cleanup.push(() => rmSync(directory, { recursive: true, force: true }));
    const persistPath = join(directory, 'klaviyo.json');
    await start({ persistPath });
    const id = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } })).body.data.id!;
    fake.unsubscribe(id, 'email');
    await sdk().events.createEvent({
      data: {
        type: 'event',
        attributes: {
          properties: {},
          uniqueId: 'order-1',
          metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
          profile: { data: { type: 'profile', attributes: { email: 'ada@example.com' } } },
        },
      },
    });
    await fake.close();

    // Act
    await start({ persistPath });
    await fake.idle();
    await sdk().events.createEvent({
      data: {
        type: 'event',
        attributes: {
          properties: {},
          uniqueId: 'order-1',
          metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
          profile: { data: { type: 'profile', attributes: { email: 'ada@example.com' } } },
        },
      },
    });
    const other = (await sdk().profiles.createProfile({ data: { type: 'profile', attributes: { email: 'grace@example.org' } } })).body.data.id!;
    await fake.idle();
    const listed = await sdk().profiles.getProfiles({ additionalFieldsProfile: ['subscriptions'] });

    // Assess
    expect(listed.body.data.map((profile) => profile.id)).toEqual(expect.arrayContaining([id, other]));
    expect(other).not.toBe(id);
    expect(fake.profile(id)?.attributes.subscriptions.email.marketing.consent).toBe('UNSUBSCRIBED');
    expect(fake.events().map((each) => `${each.metric}:${each.uniqueId.length > 20 ? 'uuid' : each.uniqueId}`)).toEqual(['Unsubscribed from Email Marketing:uuid', 'Placed Order:order-1']);
  });
});
