import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFunction } from '../../../../functions/build';
import * as inProcess from './support/bundled-sdk-entry';

/**
 * klaviyo-api as the Klaviyo bundles carry it (functions/prune-klaviyo-sdk.ts: the SDK pruned to
 * the calls the connector makes, axios replaced with functions/lib/shims/axios-fetch.ts) against
 * the whole SDK in-process: the same calls (support/bundled-sdk-entry.ts) against one stub of
 * Klaviyo's API, which records every request and answers with JSON:API bodies as Klaviyo writes
 * them. Both must send the same requests and hand back the same answers and errors.
 */
type Sdk = typeof inProcess;
type Calls = ReturnType<Sdk['klaviyoCalls']>;

const SDK_SHARE_BUDGET = 90_000;

// ---------------------------------------------------------------------------------------------
// A stub of Klaviyo's API (revision 2026-07-15).

interface Recorded {
  method: string;
  /** Path and query as they came on the wire. */
  url: string;
  headers: Record<string, string | undefined>;
  body: string;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const PROFILE_ID = '01JQ8Z6V0E6R4YB3W2Q1N0M9KX';
const KLAVIYO = 'https://a.klaviyo.com';
const NEXT_CURSOR = 'bmV4dDo6aWQ6OjAxSlE4WjZWMEU2UjRZQjNXMlExTjBNOUtY';

const relationship = (id: string, name: string) => ({ links: { self: `${KLAVIYO}/api/profiles/${id}/relationships/${name}/`, related: `${KLAVIYO}/api/profiles/${id}/${name}/` } });

function profile(id: string, email: string, updated = '2025-03-01T12:00:00+00:00') {
  return {
    type: 'profile',
    id,
    attributes: {
      email,
      phone_number: '+15005550006',
      external_id: 'cust_42',
      first_name: 'Ada',
      last_name: 'Lovelace',
      organization: null,
      locale: 'en-GB',
      title: null,
      image: null,
      created: '2025-01-02T10:00:00+00:00',
      updated,
      last_event_date: '2025-02-28T09:30:00+00:00',
      location: { address1: null, address2: null, city: 'London', country: 'GB', latitude: 51.53, longitude: '-0.10', region: null, zip: 'N1 9GU', timezone: 'Europe/London', ip: null },
      properties: { plan: 'pro', signed_up: '2025-01-02' },
      subscriptions: {
        email: {
          marketing: {
            can_receive_email_marketing: true,
            consent: 'SUBSCRIBED',
            consent_timestamp: '2025-03-01T12:00:00+00:00',
            last_updated: '2025-03-01T12:00:00+00:00',
            method: 'API',
            method_detail: 'omnihub',
            custom_method_detail: null,
            double_optin: false,
            suppression: [{ reason: 'HARD_BOUNCE', timestamp: '2024-12-01T00:00:00+00:00' }],
            list_suppressions: [],
          },
        },
        sms: {
          marketing: { can_receive_sms_marketing: false, consent: 'NEVER_SUBSCRIBED', consent_timestamp: null, method: null, method_detail: null, last_updated: null },
          transactional: { can_receive_sms_transactional: false, consent: 'NEVER_SUBSCRIBED', consent_timestamp: null, method: null, method_detail: null, last_updated: null },
        },
        mobile_push: { marketing: { can_receive_push_marketing: false, consent: 'NEVER_SUBSCRIBED', consent_timestamp: null } },
      },
    },
    relationships: { lists: relationship(id, 'lists'), segments: relationship(id, 'segments'), 'push-tokens': relationship(id, 'push-tokens'), conversations: relationship(id, 'conversations') },
    links: { self: `${KLAVIYO}/api/profiles/${id}/` },
  };
}

const segment = {
  type: 'segment',
  id: 'Xy12Ab',
  attributes: {
    name: 'VIPs',
    definition: { condition_groups: [{ conditions: [{ type: 'profile-property', property: 'properties["plan"]', filter: { type: 'string', operator: 'equals', value: 'pro' } }] }] },
    created: '2024-11-01T00:00:00+00:00',
    updated: '2024-11-02T00:00:00+00:00',
    is_active: true,
    is_processing: false,
    is_starred: false,
  },
  links: { self: `${KLAVIYO}/api/segments/Xy12Ab/` },
};

const event = (id: string, datetime: string) => ({
  type: 'event',
  id,
  attributes: { timestamp: Date.parse(datetime) / 1000, event_properties: { order_id: 'ord_1', $value: 19.5 }, datetime, uuid: `uuid-${id}` },
  relationships: { profile: { data: { type: 'profile', id: PROFILE_ID }, links: { self: `${KLAVIYO}/api/events/${id}/relationships/profile/`, related: `${KLAVIYO}/api/events/${id}/profile/` } } },
  links: { self: `${KLAVIYO}/api/events/${id}/` },
});

const duplicateProfile = {
  errors: [
    {
      id: '7b4f1ad0-7d0b-4a0e-9c1b-3f2e1d0c9b8a',
      status: 409,
      code: 'duplicate_profile',
      title: 'Conflict.',
      detail: 'A profile already exists with one of these identifiers.',
      source: { pointer: '/data/attributes/email' },
      links: {},
      meta: { duplicate_profile_id: PROFILE_ID },
    },
  ],
};

const throttled = { errors: [{ id: 'e1', status: 429, code: 'throttled', title: 'Request was throttled.', detail: 'Request was throttled. Expected available in 1 second.', source: { pointer: '/data/' } }] };

/** Klaviyo's answer to one request. */
function route(method: string, url: URL, body: string): Answer {
  const json = (status: number, payload: unknown) => ({ status, body: payload });
  const key = `${method} ${url.pathname}`;
  if (key === 'POST /api/profile-import') {
    const email = (JSON.parse(body) as { data: { attributes: { email: string } } }).data.attributes.email;
    return email === 'taken@example.com' ? json(409, duplicateProfile) : json(201, { data: profile(PROFILE_ID, email), links: { self: `${KLAVIYO}/api/profile-import/` } });
  }
  if (key === 'GET /api/profiles') {
    const first = url.searchParams.get('page[cursor]') === null;
    const next = `${KLAVIYO}/api/profiles/?additional-fields%5Bprofile%5D=subscriptions&page%5Bcursor%5D=${NEXT_CURSOR}&page%5Bsize%5D=2`;
    return first
      ? json(200, { data: [profile(PROFILE_ID, 'ada@example.com'), profile('01JQ8Z6V0E6R4YB3W2Q1N0M9KY', 'grace@example.com', '2025-02-01T08:00:00+00:00')], links: { self: `${KLAVIYO}/api/profiles/`, next, prev: null } })
      : json(200, { data: [profile('01JQ8Z6V0E6R4YB3W2Q1N0M9KZ', 'katherine@example.com')], links: { self: `${KLAVIYO}/api/profiles/`, next: null, prev: `${KLAVIYO}/api/profiles/` } });
  }
  if (method === 'GET' && url.pathname.startsWith('/api/profiles/')) {
    const id = url.pathname.split('/')[3]!;
    if (id === 'GONE') return json(404, { errors: [{ id: 'e404', status: 404, code: 'not_found', title: 'Not found.', detail: 'A profile with id GONE does not exist.', source: { pointer: '/data/' } }] });
    // Sideloads the request never asked for (Klaviyo sends them only for an `include`).
    return json(200, { data: profile(id, 'ada@example.com'), links: { self: `${KLAVIYO}/api/profiles/${id}/` }, ...(id === 'with-sideloads' ? { included: [segment] } : {}) });
  }
  if (['POST /api/profile-subscription-bulk-create-jobs', 'POST /api/profile-subscription-bulk-delete-jobs', 'POST /api/events'].includes(key)) return { status: 202 };
  if (key === 'GET /api/events') return json(200, { data: [event('4vRpBT', '2025-03-01T12:34:56+00:00'), event('4vRpBU', '2025-03-01T08:00:00+00:00')], links: { self: `${KLAVIYO}/api/events/`, next: null, prev: null } });
  if (key === 'GET /api/metrics') {
    return json(200, {
      data: [
        {
          type: 'metric',
          id: 'Y6nRLr',
          attributes: { name: 'Placed Order', created: '2024-01-01T00:00:00+00:00', updated: '2024-01-01T00:00:00+00:00', integration: { object: 'integration', id: '0rG4eQ', name: 'API', category: 'API' } },
          relationships: { 'flow-triggers': { links: { self: `${KLAVIYO}/api/metrics/Y6nRLr/relationships/flow-triggers/`, related: `${KLAVIYO}/api/metrics/Y6nRLr/flow-triggers/` } } },
          links: { self: `${KLAVIYO}/api/metrics/Y6nRLr/` },
        },
      ],
      links: { self: `${KLAVIYO}/api/metrics/`, next: null, prev: null },
    });
  }
  return json(404, { errors: [{ status: 404, code: 'not_found', title: 'Not found.' }] });
}

const RECORDED_HEADERS = ['revision', 'authorization', 'content-type', 'accept', 'user-agent', 'content-length'];

interface Stub {
  baseUrl: string;
  requests: Recorded[];
  /** Answers the next `count` requests with `answer` instead. */
  failNext(count: number, answer: Answer): void;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const requests: Recorded[] = [];
  const failures: Answer[] = [];
  const respond = (res: ServerResponse, { status, headers = {}, body }: Answer) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/vnd.api+json' } : {}), 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method!, url: req.url!, headers: Object.fromEntries(RECORDED_HEADERS.map((name) => [name, req.headers[name] as string | undefined])), body });
      respond(res, failures.shift() ?? route(req.method!, new URL(req.url!, 'http://stub'), body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext: (count, answer) => failures.push(...Array.from({ length: count }, () => answer)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------

let dir: string;
let bundle: Sdk;
let inputs: Record<string, { bytesInOutput: number }>;
let stub: Stub;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omnihub-klaviyo-bundle-'));
  const outfile = path.join(dir, 'klaviyo-sdk.mjs');
  const { metafile } = await buildFunction({ entry: path.resolve(import.meta.dirname, 'support/bundled-sdk-entry.ts'), outfile });
  inputs = Object.values(metafile.outputs).find((output) => output.entryPoint !== undefined)!.inputs;
  bundle = (await import(pathToFileURL(outfile).href)) as Sdk;
  stub = await startStub();
});
afterAll(async () => {
  await stub?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  stub.requests.length = 0;
});

/** What a call hands back, comparable across the two SDKs: the answer (date header apart) and the deserialized body. */
async function outcome(run: () => Promise<{ response: { status: number; statusText: string; headers: unknown; data: unknown }; body?: unknown }>) {
  const { response, body } = await run();
  const { date: _date, ...headers } = { ...(response.headers as Record<string, unknown>) };
  return { status: response.status, statusText: response.statusText, headers, data: response.data, body };
}

/** What a failed call throws, comparable across the two SDKs. */
async function failure(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    const { isAxiosError, name, message, code, status, response } = error as Record<string, unknown> & { response?: { status: number; headers: Record<string, unknown>; data: unknown } };
    return { isAxiosError, name, message, code, status, response: response && { status: response.status, retryAfter: response.headers['retry-after'], data: response.data } };
  }
  throw new Error('expected the call to fail');
}

/** Runs `call` with the whole SDK, then with the bundle, each against the stub: what each sent and got. */
async function both<T>(call: (calls: Calls) => Promise<T>, options?: { numRetries?: number }) {
  stub.requests.length = 0;
  const whole = await call(inProcess.klaviyoCalls(stub.baseUrl, options));
  const wholeRequests = stub.requests.splice(0);
  const bundled = await call(bundle.klaviyoCalls(stub.baseUrl, options));
  const bundledRequests = stub.requests.splice(0);
  return { whole, bundled, wholeRequests, bundledRequests };
}

describe('the bundled Klaviyo SDK', () => {
  it('carries the three Api classes the calls need, no axios, form-data nor mime-db, and fits in 90 KB', () => {
    // Prepare
    const names = Object.keys(inputs);
    const sdkInputs = Object.entries(inputs).filter(([input]) => /node_modules[\\/](klaviyo-api|tslib)[\\/]|^omnihub-klaviyo-|lib[\\/]shims[\\/]axios-fetch\.ts$/.test(input));

    // Act
    const share = sdkInputs.reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
    const byPart = (pattern: RegExp) => sdkInputs.filter(([input]) => pattern.test(input)).reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
    console.log(
      `klaviyo-api share of the bundle: ${share} bytes (Api files ${byPart(/dist[\\/]api[\\/]/)}, models ${byPart(/dist[\\/]model[\\/]|omnihub-klaviyo-models/)},` +
        ` axios shim ${byPart(/axios-fetch/)}, tslib ${byPart(/tslib/)}; ${names.filter((input) => /klaviyo-api[\\/]dist[\\/]model[\\/]/.test(input)).length} model files)`,
    );

    // Assess
    expect(names.filter((input) => /klaviyo-api[\\/]dist[\\/]api[\\/]/.test(input)).map((input) => path.basename(input)).sort()).toEqual(['apis.js', 'eventsApi.js', 'metricsApi.js', 'profilesApi.js']);
    expect(names.filter((input) => /node_modules[\\/](axios|form-data|mime-db|mime-types|follow-redirects)[\\/]/.test(input))).toEqual([]);
    expect(names.filter((input) => /klaviyo-api[\\/]dist[\\/]model[\\/]models\.js$/.test(input))).toEqual([]);
    expect(share).toBeLessThanOrEqual(SDK_SHARE_BUDGET);
  });

  it('sends each call byte for byte as the whole SDK does and hands back the same deserialized answers', async () => {
    const calls: Array<[string, (sdk: Calls) => ReturnType<typeof outcome>]> = [
      ['createOrUpdateProfile', (sdk) => outcome(() => sdk.createOrUpdateProfile('ada@example.com'))],
      ['getProfiles', (sdk) => outcome(() => sdk.getProfiles())],
      ['getProfile', (sdk) => outcome(() => sdk.getProfile(PROFILE_ID))],
      ['bulkSubscribeProfiles', (sdk) => outcome(() => sdk.bulkSubscribeProfiles('ada@example.com'))],
      ['bulkUnsubscribeProfiles', (sdk) => outcome(() => sdk.bulkUnsubscribeProfiles('ada@example.com'))],
      ['createEvent', (sdk) => outcome(() => sdk.createEvent('ada@example.com'))],
      ['getEvents', (sdk) => outcome(() => sdk.getEvents())],
      ['getMetrics', (sdk) => outcome(() => sdk.getMetrics())],
    ];
    for (const [name, call] of calls) {
      // Act
      const { whole, bundled, wholeRequests, bundledRequests } = await both(call);

      // Assess
      expect(bundledRequests, name).toEqual(wholeRequests);
      expect(bundledRequests, name).toHaveLength(1);
      expect(bundled, name).toEqual(whole);
    }
  });

  it('writes the query, the headers and the bodies as Klaviyo reads them, with camelCase answers and Dates', async () => {
    // Act
    const created = await both((sdk) => sdk.createOrUpdateProfile('ada@example.com'));
    const listed = await both((sdk) => sdk.getProfiles());
    const events = await both((sdk) => sdk.createEvent('ada@example.com'));

    // Assess: the requests...
    const [create] = created.bundledRequests;
    expect(create).toMatchObject({
      method: 'POST',
      url: '/api/profile-import?additional-fields%5Bprofile%5D=subscriptions',
      headers: { revision: '2026-07-15', authorization: `Klaviyo-API-Key ${inProcess.API_KEY}`, 'content-type': 'application/json', accept: 'application/vnd.api+json', 'user-agent': 'klaviyo-api-node/23.0.0' },
    });
    expect(JSON.parse(create!.body)).toEqual({
      data: {
        type: 'profile',
        attributes: {
          email: 'ada@example.com',
          first_name: 'Ada',
          last_name: 'Lovelace',
          phone_number: '+15005550006',
          external_id: 'cust_42',
          location: { city: 'London', country: 'GB', zip: 'N1 9GU' },
          properties: { plan: 'pro', signed_up: '2025-01-02' },
        },
      },
    });
    expect(listed.bundledRequests[0]!.url).toBe(
      '/api/profiles?additional-fields%5Bprofile%5D=subscriptions&fields%5Bprofile%5D=email,first_name,updated,subscriptions.email.marketing.consent' +
        '&filter=greater-than(updated,2025-01-01T00:00:00Z)&page%5Bsize%5D=2&sort=-updated',
    );
    expect(JSON.parse(events.bundledRequests[0]!.body).data.attributes).toMatchObject({ time: '2025-03-01T12:34:56.789Z', value_currency: 'GBP', unique_id: 'ord_1' });
    // ...and the answers.
    const profileAnswer = created.bundled.body.data!;
    expect(profileAnswer.attributes.firstName).toBe('Ada');
    expect(profileAnswer.attributes.created).toEqual(new Date('2025-01-02T10:00:00Z'));
    expect(profileAnswer.attributes.subscriptions?.email?.marketing?.consentTimestamp).toEqual(new Date('2025-03-01T12:00:00Z'));
    expect(profileAnswer.attributes.subscriptions?.email?.marketing?.canReceiveEmailMarketing).toBe(true);
    expect(listed.bundled.body.links?.next).toContain(NEXT_CURSOR);
    expect(events.bundled.response.status).toBe(202);
    expect(events.bundled.response.data).toBe(events.whole.response.data);
  });

  it('follows a page cursor (the SDK takes it out of links.next) as the whole SDK does', async () => {
    // Act
    const { whole, bundled, wholeRequests, bundledRequests } = await both(async (sdk) => {
      const first = await sdk.getProfiles();
      const second = await sdk.getProfiles(first.body.links?.next);
      return second.body.data.map((entry) => entry.attributes.email);
    });

    // Assess
    expect(bundled).toEqual(whole);
    expect(bundled).toEqual(['katherine@example.com']);
    expect(bundledRequests).toEqual(wholeRequests);
    expect(bundledRequests[1]!.url).toContain(`page%5Bcursor%5D=${NEXT_CURSOR}`);
  });

  it('surfaces a 409 duplicate_profile, a 404 and a 429 with Retry-After as the whole SDK does', async () => {
    // Act
    const duplicate = await both((sdk) => failure(() => sdk.createOrUpdateProfile('taken@example.com')));
    const missing = await both((sdk) => failure(() => sdk.getProfile('GONE')));
    const limited = await both((sdk) => {
      stub.failNext(1, { status: 429, headers: { 'retry-after': '1' }, body: throttled });
      return failure(() => sdk.getProfiles());
    });

    // Assess
    expect(duplicate.bundled).toEqual(duplicate.whole);
    expect(duplicate.bundled).toMatchObject({ isAxiosError: true, name: 'AxiosError', message: 'Request failed with status code 409', code: 'ERR_BAD_REQUEST', status: 409, response: { status: 409, data: duplicateProfile } });
    expect(missing.bundled).toEqual(missing.whole);
    expect(missing.bundled).toMatchObject({ status: 404, response: { data: { errors: [{ code: 'not_found' }] } } });
    expect(limited.bundled).toEqual(limited.whole);
    expect(limited.bundled).toMatchObject({ status: 429, response: { retryAfter: '1', data: throttled } });
    expect(limited.bundledRequests).toEqual(limited.wholeRequests);
  });

  it("retries a 429 after Retry-After with the SDK's own backoff, as the whole SDK does", async () => {
    // Act
    const { whole, bundled, wholeRequests, bundledRequests } = await both(
      (sdk) => {
        stub.failNext(1, { status: 429, headers: { 'retry-after': '1' }, body: throttled });
        return outcome(() => sdk.getMetrics());
      },
      { numRetries: 2 },
    );

    // Assess
    expect(bundled).toEqual(whole);
    expect(bundledRequests).toEqual(wholeRequests);
    expect(bundledRequests).toHaveLength(2);
  });

  it('fails as axios does when nothing answers', async () => {
    // Prepare: a port nothing listens on.
    const closed = await startStub();
    await closed.close();

    // Act
    const whole = await failure(() => inProcess.klaviyoCalls(closed.baseUrl).getMetrics());
    const bundled = await failure(() => bundle.klaviyoCalls(closed.baseUrl).getMetrics());

    // Assess
    expect(bundled).toEqual(whole);
    expect(bundled).toMatchObject({ isAxiosError: true, code: 'ECONNREFUSED', response: undefined });
  });

  it("sends a ' in the query as %27 where axios writes it plain: the same value once decoded", async () => {
    // Act
    const { wholeRequests, bundledRequests } = await both((sdk) => sdk.getProfiles(undefined, 'equals(email,"o\'brien+test@example.com")'));

    // Assess
    const [whole, bundled] = [wholeRequests[0]!.url, bundledRequests[0]!.url];
    expect(whole).toContain("filter=equals(email,%22o'brien%2Btest%40example.com%22)");
    expect(bundled).toBe(whole.replaceAll("'", '%27'));
    expect(new URL(bundled, 'http://stub').searchParams.get('filter')).toBe(new URL(whole, 'http://stub').searchParams.get('filter'));
    expect({ ...bundledRequests[0], url: '' }).toEqual({ ...wholeRequests[0], url: '' });
  });

  it('fails loudly, naming the plugin, for a method, a sideload or a type the calls never need', async () => {
    // Prepare
    const profilesApi = new bundle.ProfilesApi(new bundle.ApiKeySession(inProcess.API_KEY)) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    profilesApi.basePath = stub.baseUrl as never;
    const thrown = async (reach: () => unknown) => {
      try {
        await reach();
      } catch (error) {
        return String(error);
      }
      throw new Error('expected it to throw');
    };

    // Act
    const method = await thrown(() => profilesApi.getListsForProfile!(PROFILE_ID));
    const alias = await thrown(() => profilesApi.getProfileLists!(PROFILE_ID));
    const sideload = await thrown(() => bundle.klaviyoCalls(stub.baseUrl).getProfile('with-sideloads'));
    const type = await thrown(() => bundle.ObjectSerializer.deserialize({ data: segment }, 'GetSegmentResponseCompoundDocument'));
    const wholeSideload = await inProcess.klaviyoCalls(stub.baseUrl).getProfile('with-sideloads');

    // Assess
    expect(method).toMatch(/klaviyo-api ProfilesApi\.getListsForProfile is left out of omnihub bundles.*functions\/prune-klaviyo-sdk\.ts/);
    expect(alias).toMatch(/klaviyo-api ProfilesApi\.getProfileLists is left out of omnihub bundles/);
    expect(sideload).toMatch(/klaviyo-api type GetProfileResponsePluralConversationsCompoundDocumentIncludedInner \(\w+\) is left out of omnihub bundles.*functions\/prune-klaviyo-sdk\.ts/);
    expect(type).toMatch(/klaviyo-api type GetSegmentResponseCompoundDocument \(\w+\) is left out of omnihub bundles/);
    expect(wholeSideload.body.included?.[0]).toMatchObject({ type: 'segment', attributes: { isActive: true } });
    // The aliases of a called method stay: createProfileImport is createOrUpdateProfile.
    expect(profilesApi.createProfileImport).toBe(profilesApi.createOrUpdateProfile);
    expect(stub.requests.map((request) => request.url)).toEqual(['/api/profiles/with-sideloads?additional-fields%5Bprofile%5D=subscriptions', '/api/profiles/with-sideloads?additional-fields%5Bprofile%5D=subscriptions']);
  });
});
