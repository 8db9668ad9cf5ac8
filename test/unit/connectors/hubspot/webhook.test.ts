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
  it('turns the docs sample into referenced contacts with distinct dedupe keys and ignores the deletion', () => {
    // Prepare: the two events of HubSpot's docs sample plus a contact.deletion, as raw bytes.
    const request = delivery(fixtureBytes('webhook-contact-events.json'));

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 1,
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
      ],
    });
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

    // Assess
    expect(result.ok).toBe(true);
    const keys = result.ok ? result.items.map((item) => item.dedupeKey) : [];
    expect(new Set(keys).size).toBe(2);
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

  it('references the surviving contact of a merge', () => {
    // Prepare
    const request = delivery(
      JSON.stringify([
        {
          objectId: 51,
          primaryObjectId: 51,
          mergedObjectIds: [52],
          newObjectId: 60,
          changeSource: 'CRM_UI',
          eventId: 5,
          subscriptionId: 4,
          portalId: 33,
          appId: 1,
          occurredAt: 1700000000000,
          subscriptionType: 'contact.merge',
          attemptNumber: 0,
        },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess
    expect(result).toMatchObject({ ok: true, items: [{ externalId: '60' }] });
  });

  it('counts events about other objects and privacy deletions as ignored', () => {
    // Prepare
    const base = { objectId: 1, changeSource: 'CRM', eventId: 1, subscriptionId: 1, portalId: 33, appId: 1, occurredAt: 1700000000000, attemptNumber: 0 };
    const request = delivery(
      JSON.stringify([
        { ...base, subscriptionType: 'contact.privacyDeletion' },
        { ...base, subscriptionType: 'company.creation' },
        { ...base, subscriptionType: 'deal.propertyChange', propertyName: 'amount', propertyValue: '10' },
      ]),
    );

    // Act
    const result = parse(request);

    // Assess
    expect(result).toEqual({ ok: true, items: [], ignored: 3 });
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

  it('refuses an event whose object id is not a number and names the field, not its value', () => {
    // Prepare
    const request = delivery(JSON.stringify([{ objectId: 'ada@example.com', eventId: 1, subscriptionId: 1, portalId: 1, appId: 1, occurredAt: 1, attemptNumber: 0 }]));

    // Act
    const result = parse(request);

    // Assess
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toContain('0.objectId');
    expect(reason).not.toContain('ada@example.com');
  });

  it('refuses an event that names no subscription type', () => {
    // Prepare
    const request = delivery(JSON.stringify([{ objectId: 1, eventId: 1, subscriptionId: 1, portalId: 1, appId: 1, occurredAt: 1, attemptNumber: 0 }]));

    // Act
    const result = parse(request);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('subscriptionType');
  });
});
