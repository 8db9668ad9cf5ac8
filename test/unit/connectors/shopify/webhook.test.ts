import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MappingContext } from '../../../../connectors/connector';
import { parse, verify } from '../../../../connectors/shopify/webhook';
import { aWebhookRequest, fixtureText } from '../../../support/shopify';

const vector = z
  .object({ secret: z.string(), body: z.string(), headers: z.record(z.string(), z.string()) })
  .parse(JSON.parse(fixtureText('signature-vector.json')));
const now = new Date('2025-01-01T00:00:00Z');
const mapping: MappingContext = { defaultCountry: 'US' };
const secret = { accessToken: 'shpat_test', webhookSecret: 'hush' };

function signed(body: string, headers: Record<string, string> = {}) {
  const signature = createHmac('sha256', secret.webhookSecret).update(body).digest('base64');
  return aWebhookRequest(body, { 'X-Shopify-Hmac-Sha256': signature, ...headers });
}

describe('verify', () => {
  it('accepts the official Shopify test vector', () => {
    // Prepare
    const request = aWebhookRequest(vector.body, vector.headers);

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('rejects a tampered body as bad_signature', () => {
    // Prepare
    const request = aWebhookRequest('{"foo": "baz"}', vector.headers);

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the same JSON re-serialized, because the signature is over the raw bytes', () => {
    // Prepare
    const request = aWebhookRequest(JSON.stringify(JSON.parse(vector.body)), vector.headers);

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a delivery signed with another secret', () => {
    // Prepare
    const request = aWebhookRequest(vector.body, vector.headers);

    // Act
    const result = verify(request, { webhookSecret: 'another_secret' }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports missing_signature when X-Shopify-Hmac-Sha256 is absent', () => {
    // Prepare
    const { 'x-shopify-hmac-sha256': _dropped, ...headers } = vector.headers;
    const request = aWebhookRequest(vector.body, headers);

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('rejects a truncated signature instead of throwing on the length mismatch', () => {
    // Prepare
    const truncated = vector.headers['x-shopify-hmac-sha256']!.slice(0, 24);
    const request = aWebhookRequest(vector.body, { ...vector.headers, 'x-shopify-hmac-sha256': truncated });

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a header that is not base64', () => {
    // Prepare
    const request = aWebhookRequest(vector.body, { ...vector.headers, 'x-shopify-hmac-sha256': 'not base64 at all!' });

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the hex encoding of the right HMAC', () => {
    // Prepare
    const hex = createHmac('sha256', vector.secret).update(vector.body).digest('hex');
    const request = aWebhookRequest(vector.body, { ...vector.headers, 'x-shopify-hmac-sha256': hex });

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('parse', () => {
  const headers = { 'X-Shopify-Topic': 'customers/update', 'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' };

  it('keeps a customer id above 2^53 exact', () => {
    // Prepare
    const body = fixtureText('customers-update.json');
    expect(String(JSON.parse(body).id)).not.toBe('706405506930370084'); // what a plain JSON.parse would do

    // Act
    const result = parse(signed(body, headers), mapping);

    // Assess
    expect(result.ok && result.items[0]?.kind === 'observed' && result.items[0].observation.externalId).toBe('706405506930370084');
  });

  it('turns customers/update into one observation keyed by the webhook id', () => {
    // Prepare
    const body = fixtureText('customers-update.json');

    // Act
    const result = parse(signed(body, headers), mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [
        {
          kind: 'observed',
          dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
          observation: {
            system: 'shopify',
            externalId: '706405506930370084',
            observedAt: '2021-12-31T19:00:00-05:00',
            values: {
              email: 'bob@biller.com',
              phone: null,
              firstName: 'Bob',
              lastName: 'Biller',
              address: { line1: "151 O'Connor Street", line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K2P 2L8', country: 'CA' },
            },
          },
        },
      ],
    });
  });

  it('counts customers/delete as ignored', () => {
    // Prepare
    const request = signed(fixtureText('customers-delete.json'), { ...headers, 'X-Shopify-Topic': 'customers/delete' });

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: true, items: [], ignored: 1 });
  });

  it('refuses a delivery without X-Shopify-Topic', () => {
    // Prepare
    const request = signed(fixtureText('customers-update.json'), { 'X-Shopify-Webhook-Id': 'abc' });

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing X-Shopify-Topic header' });
  });

  it('refuses a delivery without X-Shopify-Webhook-Id', () => {
    // Prepare
    const request = signed(fixtureText('customers-update.json'), { 'X-Shopify-Topic': 'customers/update' });

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing X-Shopify-Webhook-Id header' });
  });

  it('refuses a body that is not JSON', () => {
    // Prepare
    const request = signed('{"id": 7065', headers);

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'customers/update body is not valid JSON' });
  });

  it('refuses a body that is not a customer and names the fields without their values', () => {
    // Prepare
    const request = signed('{"id": "abc", "updated_at": "yesterday", "email": 42, "first_name": "Secret Name"}', headers);

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toMatch(/^customers\/update body is not a Shopify customer/);
    expect(reason).toContain('id');
    expect(reason).toContain('updated_at');
    expect(reason).not.toContain('Secret Name');
    expect(reason).not.toContain('yesterday');
  });
});
