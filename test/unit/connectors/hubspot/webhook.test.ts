import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { WebhookRequest } from '../../../../connectors/connector';
import { parse, verify } from '../../../../connectors/hubspot/webhook';

const VectorsSchema = z.object({
  clientSecret: z.string(),
  v3: z.object({ method: z.string(), url: z.string(), body: z.string(), timestamp: z.string(), signature: z.string() }),
  v1: z.object({ method: z.string(), url: z.string(), body: z.string(), signature: z.string() }),
});

function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(`../../../fixtures/hubspot/${name}`, import.meta.url));
}

const vectors = VectorsSchema.parse(JSON.parse(fixtureBytes('signature-vectors.json').toString('utf8')));
const secret = { accessToken: 'pat-test', clientSecret: vectors.clientSecret };
const signedAt = Number(vectors.v3.timestamp);
const minute = 60_000;

/** The derived v3 vector as a request, with overrides. */
function v3Request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    method: vectors.v3.method,
    url: vectors.v3.url,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': vectors.v3.signature,
      'x-hubspot-request-timestamp': vectors.v3.timestamp,
    },
    rawBody: Buffer.from(vectors.v3.body, 'utf8'),
    ...overrides,
  };
}

/** A delivery as the webhook receiver hands it over. */
function delivery(rawBody: Buffer | string): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://api.example.com/webhooks/hubspot',
    headers: { 'content-type': 'application/json' },
    rawBody: typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody,
  };
}

describe('verify (X-HubSpot-Signature-v3)', () => {
  it('accepts the v3 vector one minute after it was signed', () => {
    // Prepare
    const request = v3Request();

    // Act
    const result = verify(request, secret, new Date(signedAt + minute));

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('accepts a request exactly five minutes old', () => {
    // Prepare
    const request = v3Request();

    // Act
    const result = verify(request, secret, new Date(signedAt + 5 * minute));

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('rejects a request more than five minutes old as stale', () => {
    // Prepare
    const request = v3Request();

    // Act
    const result = verify(request, secret, new Date(signedAt + 5 * minute + 1));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('rejects a timestamp more than five minutes in the future as stale', () => {
    // Prepare
    const request = v3Request();

    // Act
    const result = verify(request, secret, new Date(signedAt - 5 * minute - 1));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('does not accept a v1-signed delivery (no v3 header) as v3', () => {
    // Prepare
    const request: WebhookRequest = {
      method: vectors.v1.method,
      url: vectors.v1.url,
      headers: { 'x-hubspot-signature': vectors.v1.signature, 'x-hubspot-signature-version': 'v1' },
      rawBody: Buffer.from(vectors.v1.body, 'utf8'),
    };

    // Act
    const result = verify(request, secret, new Date(1564113600000));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('rejects a v1 signature presented in the v3 header', () => {
    // Prepare
    const request = v3Request({
      rawBody: Buffer.from(vectors.v1.body, 'utf8'),
      headers: { 'x-hubspot-signature-v3': vectors.v1.signature, 'x-hubspot-request-timestamp': vectors.v3.timestamp },
    });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a tampered body', () => {
    // Prepare
    const request = v3Request({ rawBody: Buffer.from('{"example_field":"example_valuE"}', 'utf8') });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a body that differs only in whitespace (the raw bytes are signed)', () => {
    // Prepare
    const request = v3Request({ rawBody: Buffer.from('{"example_field": "example_value"}', 'utf8') });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a signature made with another secret', () => {
    // Prepare
    const request = v3Request();

    // Act
    const result = verify(request, { ...secret, clientSecret: 'another-app-secret' }, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a delivery signed for another URL', () => {
    // Prepare
    const request = v3Request({ url: 'https://www.example.com/other_uri' });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a truncated signature without throwing', () => {
    // Prepare
    const request = v3Request({
      headers: { 'x-hubspot-signature-v3': vectors.v3.signature.slice(0, 20), 'x-hubspot-request-timestamp': vectors.v3.timestamp },
    });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports a missing signature header', () => {
    // Prepare
    const request = v3Request({ headers: { 'x-hubspot-request-timestamp': vectors.v3.timestamp } });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('reports a missing or non-numeric timestamp header', () => {
    // Prepare
    const missing = v3Request({ headers: { 'x-hubspot-signature-v3': vectors.v3.signature } });
    const garbled = v3Request({ headers: { 'x-hubspot-signature-v3': vectors.v3.signature, 'x-hubspot-request-timestamp': 'yesterday' } });

    // Act
    const results = [verify(missing, secret, new Date(signedAt)), verify(garbled, secret, new Date(signedAt))];

    // Assess
    expect(results).toEqual([
      { ok: false, reason: 'missing_headers' },
      { ok: false, reason: 'missing_headers' },
    ]);
  });

  it('decodes the URL-encoded characters HubSpot lists before checking the URI', () => {
    // Prepare: HubSpot signs the decoded URI; the receiver sees the encoded one.
    const decodedUrl = "https://api.example.com/webhooks/hubspot?next=a:b/c@d!$'()*,;";
    const encodedUrl = 'https://api.example.com/webhooks/hubspot?next=a%3Ab%2Fc%40d%21%24%27%28%29%2A%2C%3B';
    const signature = createHmac('sha256', secret.clientSecret)
      .update(`POST${decodedUrl}${vectors.v3.body}${vectors.v3.timestamp}`)
      .digest('base64');
    const request = v3Request({
      url: encodedUrl,
      headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': vectors.v3.timestamp },
    });

    // Act
    const result = verify(request, secret, new Date(signedAt));

    // Assess
    expect(result).toEqual({ ok: true });
  });
});

describe('parse', () => {
  it('turns the docs sample into referenced contacts with distinct dedupe keys and the deletion into a removed record', () => {
    // Prepare: the two events of HubSpot's docs sample plus a contact.deletion, as raw bytes.
    const request = delivery(fixtureBytes('webhook-contact-events.json'));

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      unusable: [],
      items: [
        {
          kind: 'referenced',
          dedupeKey: 'hubspot:25:3816279340:1462216307945:1246965',
          externalId: '1246965',
          occurredAt: '2016-05-02T19:11:47.945Z',
        },
        {
          kind: 'referenced',
          dedupeKey: 'hubspot:22:3816279480:1462216307945:1246978',
          externalId: '1246978',
          occurredAt: '2016-05-02T19:11:47.945Z',
        },
        {
          kind: 'removed',
          dedupeKey: 'hubspot:23:3816279481:1462216308001:1246990',
          externalId: '1246990',
          reason: 'deleted',
          occurredAt: '2016-05-02T19:11:48.001Z',
        },
      ],
    });
  });

  it('reads a HubSpot merge and a deletion: the merge names the new id as survivor, a privacy deletion redacts', () => {
    // Prepare: contact.merge (51 and 52 merged into the new 60), contact.deletion of 53, and the
    // GDPR pair HubSpot sends for 54 (privacyDeletion, then the normal deletion).
    const request = delivery(fixtureBytes('webhook-merge-and-deletion.json'));

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      unusable: [],
      items: [
        { kind: 'merged', dedupeKey: 'hubspot:2881780:1940183251:1740830400000:60', survivorId: '60', mergedIds: ['51', '52'], occurredAt: '2025-03-01T12:00:00.000Z' },
        { kind: 'removed', dedupeKey: 'hubspot:2881781:1940183252:1740830460000:53', externalId: '53', reason: 'deleted', occurredAt: '2025-03-01T12:01:00.000Z' },
        { kind: 'removed', dedupeKey: 'hubspot:2881782:1940183253:1740830520000:54', externalId: '54', reason: 'redacted', occurredAt: '2025-03-01T12:02:00.000Z' },
        { kind: 'removed', dedupeKey: 'hubspot:2881781:1940183254:1740830520000:54', externalId: '54', reason: 'deleted', occurredAt: '2025-03-01T12:02:00.000Z' },
      ],
    });
  });

  it('reads the generic object.* events of contacts (objectTypeId 0-1) and counts other object types as ignored', () => {
    // Prepare
    const request = delivery(fixtureBytes('webhook-generic-events.json'));

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 1,
      unusable: [],
      items: [
        { kind: 'referenced', dedupeKey: 'hubspot:3001001:3999224593:1740830400000:61', externalId: '61', occurredAt: '2025-03-01T12:00:00.000Z' },
        {
          kind: 'observed',
          dedupeKey: 'hubspot:3001002:3999224594:1740830401000:61:value',
          observation: expect.objectContaining({ system: 'hubspot', externalId: '61', observedAt: '2025-03-01T12:00:01.000Z', fieldTimes: { lastName: '2025-03-01T12:00:01.000Z' } }),
        },
        { kind: 'merged', dedupeKey: 'hubspot:3001003:3999224595:1740830402000:62', survivorId: '62', mergedIds: ['61', '53'], occurredAt: '2025-03-01T12:00:02.000Z' },
        { kind: 'removed', dedupeKey: 'hubspot:3001004:3999224596:1740830403000:62', externalId: '62', reason: 'deleted', occurredAt: '2025-03-01T12:00:03.000Z' },
        { kind: 'referenced', dedupeKey: 'hubspot:3001005:3999224597:1740830404000:62', externalId: '62', occurredAt: '2025-03-01T12:00:04.000Z' },
      ],
    });
  });

  it('accepts a batch with one unusable event: the rest is read, the bad one is reported with its reason and kept raw', () => {
    // Prepare: a good propertyChange, an event whose objectId is an email (values must not leak), a good creation.
    const base = { changeSource: 'CRM_UI', portalId: 62515, appId: 54321, occurredAt: 1740830400000, attemptNumber: 0 };
    const bad = { ...base, eventId: 2, subscriptionId: 11, subscriptionType: 'contact.propertyChange', objectId: 'ada@example.com', propertyName: 'email', propertyValue: 'ada@example.com' };
    const request = delivery(
      JSON.stringify([
        { ...base, eventId: 1, subscriptionId: 11, subscriptionType: 'contact.propertyChange', objectId: 51, propertyName: 'lastname', propertyValue: 'King' },
        bad,
        { ...base, eventId: 3, subscriptionId: 12, subscriptionType: 'contact.creation', objectId: 55, changeFlag: 'NEW' },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess
    expect(result).toMatchObject({
      ok: true,
      ignored: 0,
      items: [
        { kind: 'observed', observation: { externalId: '51', values: { lastName: 'King' } } },
        { kind: 'referenced', externalId: '55' },
      ],
      unusable: [{ eventRef: '2', raw: bad }],
    });
    const reason = result.ok ? (result.unusable?.[0]?.reason ?? '') : '';
    expect(reason).toContain('objectId');
    expect(reason).not.toContain('ada@example.com');
  });

  it('reports an event that is not an object, or names no subscription type, as unusable and keeps the others', () => {
    // Prepare
    const good = { objectId: 7, changeSource: 'CRM', eventId: 9, subscriptionId: 1, portalId: 33, appId: 1, occurredAt: 1700000000000, subscriptionType: 'contact.creation', attemptNumber: 0 };
    const untyped = { objectId: 1, eventId: 1, subscriptionId: 1, portalId: 1, appId: 1, occurredAt: 1, attemptNumber: 0 };
    const request = delivery(JSON.stringify([42, untyped, good]));

    // Act
    const result = parse(request);

    // Assess
    expect(result).toMatchObject({
      ok: true,
      items: [{ kind: 'referenced', externalId: '7' }],
      unusable: [
        { raw: 42, reason: expect.stringContaining('not an object') },
        { raw: untyped, eventRef: '1', reason: expect.stringContaining('subscriptionType') },
      ],
    });
  });

  it('reports a contact object.* event without objectTypeId, and a merge that names no survivor, as unusable', () => {
    // Prepare
    const base = { objectId: 7, changeSource: 'CRM', subscriptionId: 1, portalId: 33, appId: 1, occurredAt: 1700000000000, attemptNumber: 0 };
    const request = delivery(
      JSON.stringify([
        { ...base, eventId: 1, subscriptionType: 'object.creation' },
        { ...base, eventId: 2, subscriptionType: 'contact.merge', mergedObjectIds: [8] },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess
    expect(result).toMatchObject({ ok: true, items: [], ignored: 0 });
    const reasons = result.ok ? (result.unusable ?? []).map((event) => event.reason) : [];
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain('objectTypeId');
    expect(reasons[1]).toContain('newObjectId');
  });

  it('keys two events that share an eventId apart (eventId is not unique)', () => {
    // Prepare
    const base = { objectId: 7, changeSource: 'CRM', eventId: 99, portalId: 33, appId: 1, occurredAt: 1700000000000, attemptNumber: 0 };
    const request = delivery(
      JSON.stringify([
        { ...base, subscriptionId: 1, subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'x' },
        { ...base, subscriptionId: 2, subscriptionType: 'contact.propertyChange', propertyName: 'phone', propertyValue: 'y' },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess: one edit (one contact, one occurredAt, one source), keyed by both events
    expect(result.ok).toBe(true);
    const items = result.ok ? result.items : [];
    expect(items).toHaveLength(1);
    const [first, second] = items[0]!.dedupeKey.split('+');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(first).not.toBe(second);
  });

  it('turns a propertyChange of a whole field into an observation of that field, timed by the event', () => {
    // Prepare: the edit's own value and time; by the time the contact is read it may hold another
    const base = { objectId: 51, changeSource: 'CRM_UI', eventId: 5, subscriptionId: 1, portalId: 33, appId: 1, occurredAt: 1740830400123, attemptNumber: 0 };
    const request = delivery(
      JSON.stringify([
        { ...base, subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: 'Augusta' },
        { ...base, eventId: 6, subscriptionType: 'contact.propertyChange', propertyName: 'phone', propertyValue: 'not a phone' },
        { ...base, eventId: 7, subscriptionType: 'contact.propertyChange', propertyName: 'city', propertyValue: 'London' },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess: one edit: a first name; an unusable phone named, not its value; a city as the one address part it is
    const observed = result.ok ? result.items.flatMap((item) => (item.kind === 'observed' ? [item.observation] : [])) : [];
    const at = '2025-03-01T12:00:00.123Z';
    expect(observed).toEqual([
      {
        system: 'hubspot',
        externalId: '51',
        observedAt: at,
        values: { firstName: 'Augusta', address: { city: 'London' } },
        fieldTimes: { firstName: at, address: at },
        unusable: ['phone'],
        linkedOnly: true,
      },
    ]);
  });

  it('takes the property events of one edit as one observation, and keeps other edits apart (docs/identity.md §1)', () => {
    // Prepare: an address cleared in one edit (four events, interleaved with another contact's),
    // a street set 41 ms later, and an integration's write in the same millisecond as the clear
    const base = { changeSource: 'CRM_UI', subscriptionId: 1, portalId: 33, appId: 1, attemptNumber: 0, subscriptionType: 'contact.propertyChange' };
    const cleared = { ...base, objectId: 190, occurredAt: 1740830400000 };
    const request = delivery(
      JSON.stringify([
        { ...cleared, eventId: 1, propertyName: 'address', propertyValue: '' },
        { ...cleared, eventId: 2, propertyName: 'city', propertyValue: '' },
        { ...base, objectId: 191, occurredAt: 1740830400000, eventId: 3, propertyName: 'city', propertyValue: 'Leeds' },
        { ...cleared, eventId: 4, propertyName: 'zip', propertyValue: '' },
        { ...cleared, eventId: 5, propertyName: 'country', propertyValue: '' },
        { ...cleared, eventId: 6, occurredAt: 1740830400041, propertyName: 'address', propertyValue: '1 Pine Rd' },
        { ...cleared, eventId: 7, changeSource: 'INTEGRATION', propertyName: 'lastname', propertyValue: 'Weber' },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess: one observation per edit; the clear states its four parts together
    const observed = result.ok ? result.items.flatMap((item) => (item.kind === 'observed' ? [item.observation] : [])) : [];
    const at = new Date(1740830400000).toISOString();
    expect(observed).toEqual([
      { system: 'hubspot', externalId: '190', observedAt: at, values: { address: { line1: null, city: null, postalCode: null, country: null } }, fieldTimes: { address: at }, linkedOnly: true },
      { system: 'hubspot', externalId: '191', observedAt: at, values: { address: { city: 'Leeds' } }, fieldTimes: { address: at }, linkedOnly: true },
      expect.objectContaining({ externalId: '190', observedAt: new Date(1740830400041).toISOString(), values: { address: { line1: '1 Pine Rd' } } }),
      expect.objectContaining({ externalId: '190', observedAt: at, values: { lastName: 'Weber' } }),
    ]);
    // Each item is keyed by its events: HubSpot's retry of this delivery is a duplicate of each
    const keys = result.ok ? result.items.map((item) => item.dedupeKey.split('+').length) : [];
    expect(keys).toEqual([4, 1, 1, 1]);
  });

  it('accepts events that name their type eventType', () => {
    // Prepare
    const request = delivery(
      JSON.stringify([
        { objectId: 12, changeSource: 'API', eventId: 1, subscriptionId: 3, portalId: 33, appId: 1, occurredAt: 1700000000000, eventType: 'contact.creation', attemptNumber: 0 },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess
    expect(result).toMatchObject({ ok: true, ignored: 0, items: [{ kind: 'referenced', externalId: '12' }] });
  });

  it('counts events about other objects and association changes as ignored', () => {
    // Prepare
    const base = { objectId: 1, changeSource: 'CRM', eventId: 1, subscriptionId: 1, portalId: 33, appId: 1, occurredAt: 1700000000000, attemptNumber: 0 };
    const request = delivery(
      JSON.stringify([
        { ...base, subscriptionType: 'company.creation' },
        { ...base, subscriptionType: 'deal.propertyChange', propertyName: 'amount', propertyValue: '10' },
        { ...base, subscriptionType: 'contact.associationChange', fromObjectId: 1, toObjectId: 2, associationType: 'CONTACT_TO_COMPANY' },
        { ...base, subscriptionType: 'object.propertyChange', objectTypeId: '0-2', propertyName: 'name', propertyValue: 'Acme' },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({ ok: true, items: [], ignored: 4, unusable: [] });
  });

  it('refuses a body that is a single object instead of an array', () => {
    // Prepare
    const request = delivery('{"objectId":1,"subscriptionType":"contact.creation"}');

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'HubSpot webhook body is not a JSON array of events' });
  });

  it('refuses a body that is not JSON', () => {
    // Prepare
    const request = delivery('eventId=1&objectId=2');

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'HubSpot webhook body is not JSON' });
  });
});

describe('a propertyChange event of a property omnihub maps', () => {
  it('is its own observation and asks for no read of the contact; one of a property it does not map asks for the read', () => {
    // Prepare
    const base = { changeSource: 'CRM_UI', portalId: 62515, appId: 54321, occurredAt: 1740830400000, attemptNumber: 0, subscriptionType: 'contact.propertyChange', objectId: 51 };
    const request = delivery(
      JSON.stringify([
        { ...base, eventId: 1, subscriptionId: 11, propertyName: 'firstname', propertyValue: 'Ada' },
        { ...base, eventId: 2, subscriptionId: 12, propertyName: 'hs_email_optout', propertyValue: 'true' },
      ]),
    );
    // Act
    const result = parse(request);
    // Assess
    expect(result).toMatchObject({ ok: true, items: [{ kind: 'observed', observation: { externalId: '51', values: { firstName: 'Ada' }, linkedOnly: true } }, { kind: 'referenced', externalId: '51' }] });
    expect(result.ok && result.items).toHaveLength(2);
  });
});
