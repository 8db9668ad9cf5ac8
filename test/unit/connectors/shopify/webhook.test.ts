import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MappingContext } from '../../../../connectors/connector';
import { readFileSync } from 'node:fs';
import { SUBSCRIBED_TOPICS, parse, verify } from '../../../../connectors/shopify/webhook';
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
  it('accepts the newer lower-case shopify-hmac-sha256 header (Events deliveries)', () => {
    // Prepare
    const request = aWebhookRequest(vector.body, { 'shopify-hmac-sha256': vector.headers['x-shopify-hmac-sha256']! });

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('checks the shopify-hmac-sha256 header first when a delivery carries both names', () => {
    // Prepare
    const request = aWebhookRequest(vector.body, { ...vector.headers, 'shopify-hmac-sha256': 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7f=' });

    // Act
    const result = verify(request, { webhookSecret: vector.secret }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

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

  it('counts a topic it does not act on as ignored', () => {
    // Prepare
    const request = signed('{"id": 1}', { ...headers, 'X-Shopify-Topic': 'products/update' });

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
    expect(reason).toMatch(/^customers\/update body is not what Shopify sends/);
    expect(reason).toContain('id');
    expect(reason).toContain('updated_at');
    expect(reason).not.toContain('Secret Name');
    expect(reason).not.toContain('yesterday');
  });
});

describe('parse, topics beyond customers/create|update (API 2025-10)', () => {
  const triggeredAt = '2025-07-10T16:15:47.000000Z';
  const delivery = (topic: string) => ({
    'X-Shopify-Topic': topic,
    'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'X-Shopify-Triggered-At': triggeredAt,
  });

  it('reads a genuine 2025-10 customers/create body (no tags, no consent) without saying anything about tags or consent', () => {
    // Prepare
    const request = signed(fixtureText('customers-create.json'), delivery('customers/create'));

    // Act
    const result = parse(request, mapping);

    // Assess
    const item = result.ok ? result.items[0] : undefined;
    expect(item?.kind).toBe('observed');
    const values = item?.kind === 'observed' ? item.observation.values : {};
    expect(values).not.toHaveProperty('tags');
    expect(values).not.toHaveProperty('emailConsent');
    expect(values).not.toHaveProperty('smsConsent');
  });

  it('turns customers_email_marketing_consent/update into an observation of the email consent only', () => {
    // Prepare
    const request = signed(fixtureText('customers-email-marketing-consent-update.json'), delivery('customers_email_marketing_consent/update'));

    // Act
    const result = parse(request, mapping);

    // Assess: the sample carries no consent_updated_at, so the delivery's trigger time times it
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [
        {
          kind: 'observed',
          dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
          observation: { system: 'shopify', externalId: '706405506930370084', observedAt: triggeredAt, values: { emailConsent: 'not_subscribed' } },
        },
      ],
    });
  });

  it('times a consent observation by the consent\'s own update time', () => {
    // Prepare
    const body = '{"customer_id":7065055069303700001,"email_address":"ada@example.com","email_marketing_consent":{"state":"subscribed","opt_in_level":"single_opt_in","consent_updated_at":"2025-03-01T05:00:07-05:00"}}';

    // Act
    const result = parse(signed(body, delivery('customers_email_marketing_consent/update')), mapping);

    // Assess
    const item = result.ok ? result.items[0] : undefined;
    expect(item?.kind === 'observed' && item.observation).toEqual({
      system: 'shopify',
      externalId: '7065055069303700001',
      observedAt: '2025-03-01T05:00:07-05:00',
      values: { emailConsent: 'subscribed' },
    });
  });

  it('reads customers_marketing_consent/update for a customer without a phone as holding no SMS consent', () => {
    // Prepare
    const request = signed(fixtureText('customers-marketing-consent-update.json'), delivery('customers_marketing_consent/update'));

    // Act
    const result = parse(request, mapping);

    // Assess
    const item = result.ok ? result.items[0] : undefined;
    expect(item?.kind === 'observed' && item.observation).toEqual({
      system: 'shopify',
      externalId: '706405506930370084',
      observedAt: triggeredAt,
      values: { smsConsent: null },
    });
  });

  it('reads an SMS consent with its state', () => {
    // Prepare
    const body = '{"id":7065055069303700001,"phone":"+12125550101","sms_marketing_consent":{"state":"unsubscribed","opt_in_level":"single_opt_in","consent_updated_at":"2025-03-01T05:00:07-05:00","consent_collected_from":"OTHER"}}';

    // Act
    const result = parse(signed(body, delivery('customers_marketing_consent/update')), mapping);

    // Assess
    const item = result.ok ? result.items[0] : undefined;
    expect(item?.kind === 'observed' && item.observation.values).toEqual({ smsConsent: 'unsubscribed' });
  });

  it.each(['customer.tags_added', 'customer.tags_removed'])('turns %s (a delta) into a reference to read the customer', (topic) => {
    // Prepare
    const request = signed(fixtureText(topic === 'customer.tags_added' ? 'customer-tags-added.json' : 'customer-tags-removed.json'), delivery(topic));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [{ kind: 'referenced', dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', externalId: '1', occurredAt: '2005-05-05T05:00:00.000Z' }],
    });
  });

  it('turns customers/delete into a removal, timed by the delivery', () => {
    // Prepare
    const request = signed(fixtureText('customers-delete.json'), delivery('customers/delete'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [{ kind: 'removed', dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', externalId: '706405506930370084', reason: 'deleted', occurredAt: triggeredAt }],
    });
  });

  it('turns customers/redact into a redaction', () => {
    // Prepare
    const request = signed(fixtureText('customers-redact.json'), delivery('customers/redact'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [{ kind: 'removed', dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', externalId: '191167', reason: 'redacted', occurredAt: triggeredAt }],
    });
  });

  it('reads a customers/redact that omits the shop, the orders, the email and the phone', () => {
    // Prepare
    const request = signed('{"customer":{"id":191167}}', delivery('customers/redact'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok && result.items[0]).toMatchObject({ kind: 'removed', externalId: '191167', reason: 'redacted' });
  });

  it('refuses a customers/redact without a customer id, naming the path but not the values', () => {
    // Prepare
    const request = signed('{"shop_id":954889,"customer":{"email":"john@example.com"}}', delivery('customers/redact'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toContain('customer.id');
    expect(reason).not.toContain('john@example.com');
  });

  it('turns a completed customers/merge into a merge into the kept customer', () => {
    // Prepare
    const body = '{"admin_graphql_api_customer_kept_id":"gid://shopify/Customer/7065055069303700001","admin_graphql_api_customer_deleted_id":"gid://shopify/Customer/7065055069303700002","admin_graphql_api_job_id":"gid://shopify/Job/ab22429a-ea18-4dad-ac2c-5823288b1e59","status":"completed","errors":[]}';

    // Act
    const result = parse(signed(body, delivery('customers/merge')), mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [
        {
          kind: 'merged',
          dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
          survivorId: '7065055069303700001',
          mergedIds: ['7065055069303700002'],
          occurredAt: triggeredAt,
        },
      ],
    });
  });

  it('ignores a customers/merge that failed (Shopify\'s own sample): both customers still exist', () => {
    // Prepare
    const request = signed(fixtureText('customers-merge.json'), delivery('customers/merge'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: true, items: [], ignored: 1 });
  });

  it('refuses a removal without X-Shopify-Triggered-At, which is its only clock', () => {
    // Prepare
    const { 'X-Shopify-Triggered-At': _dropped, ...headers } = delivery('customers/delete');
    const request = signed(fixtureText('customers-delete.json'), headers);

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'customers/delete delivery has no X-Shopify-Triggered-At header' });
  });

  it('reads the newer lower-case shopify-* header names', () => {
    // Prepare
    const request = signed(fixtureText('customers-delete.json'), {
      'shopify-topic': 'customers/delete',
      'shopify-webhook-id': 'c0ffee00-0000-4000-8000-000000000001',
      'shopify-triggered-at': triggeredAt,
    });

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok && result.items[0]).toMatchObject({ kind: 'removed', dedupeKey: 'c0ffee00-0000-4000-8000-000000000001' });
  });
});

describe('README', () => {
  it('tells users to subscribe every topic the connector acts on', () => {
    // Prepare
    const readme = readFileSync(new URL('../../../../connectors/shopify/README.md', import.meta.url), 'utf8');

    // Act
    const missing = SUBSCRIBED_TOPICS.filter((topic) => !readme.includes(`"${topic}"`));

    // Assess
    expect(missing).toEqual([]);
  });
});
