import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MappingContext, WebhookRequest } from '../../../../connectors/connector';
import { parse, verify } from '../../../../connectors/square/webhook';
import { NOTIFICATION_URL, SIGNATURE_KEY, aSquareDelivery, fixtureText } from './support';

const VectorsSchema = z.object({
  valid: z.array(z.object({ name: z.string(), signatureKey: z.string(), notificationUrl: z.string(), body: z.string(), signature: z.string() })),
  invalid: z.object({ otherUrl: z.string(), otherKey: z.string(), otherSignature: z.string(), otherBody: z.string() }),
});
const vectors = VectorsSchema.parse(JSON.parse(fixtureText('signature-vectors.json')));
const official = vectors.valid[0]!;
const now = new Date('2025-01-01T00:00:00Z');
const mapping: MappingContext = { defaultCountry: 'US' };
const secret = { signatureKey: SIGNATURE_KEY, notificationUrl: NOTIFICATION_URL };

function requestOf(body: string, signature: string | undefined, url = 'https://internal.example/webhooks/square'): WebhookRequest {
  return {
    method: 'POST',
    url,
    headers: signature === undefined ? {} : { 'x-square-hmacsha256-signature': signature },
    rawBody: Buffer.from(body),
  };
}

describe('verify', () => {
  it.each(vectors.valid.map((vector) => [vector.name, vector] as const))('accepts the official Square SDK vector "%s"', (_name, vector) => {
    // Prepare
    const request = requestOf(vector.body, vector.signature);

    // Act
    const result = verify(request, { signatureKey: vector.signatureKey, notificationUrl: vector.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('signs the configured notification URL, not the URL the request reached us at (a proxy in between)', () => {
    // Prepare: the receiver sees an internal URL; Square signed the subscription's URL.
    const request = requestOf(official.body, official.signature, 'http://10.0.0.12:8080/webhooks/square?stage=prod');

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('rejects the official vector checked against another notification URL', () => {
    // Prepare
    const request = requestOf(official.body, official.signature);

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: vectors.invalid.otherUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the official vector checked with another signature key', () => {
    // Prepare
    const request = requestOf(official.body, official.signature);

    // Act
    const result = verify(request, { signatureKey: vectors.invalid.otherKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a tampered body (another created_at) under the original signature', () => {
    // Prepare
    const request = requestOf(vectors.invalid.otherBody, official.signature);

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the same JSON pretty-printed, because the signature is over the raw bytes', () => {
    // Prepare
    const request = requestOf(JSON.stringify(JSON.parse(official.body), null, 2), official.signature);

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the SDK test suite\'s short (SHA-1 sized) signature instead of throwing on the length mismatch', () => {
    // Prepare
    const request = requestOf(official.body, vectors.invalid.otherSignature);

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports missing_signature when x-square-hmacsha256-signature is absent', () => {
    // Prepare
    const request = requestOf(official.body, undefined);

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('rejects a signature header that is not base64', () => {
    // Prepare
    const request = requestOf(official.body, 'not base64 at all!');

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('does not accept the legacy v1 x-square-signature (HMAC-SHA1) in place of the v2 header', () => {
    // Prepare
    const request: WebhookRequest = { ...requestOf(official.body, undefined), headers: { 'x-square-signature': official.signature } };

    // Act
    const result = verify(request, { signatureKey: official.signatureKey, notificationUrl: official.notificationUrl }, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('parse', () => {
  it('turns customer.updated (Square\'s sample payload) into an observation keyed by event_id and timed by updated_at', () => {
    // Prepare
    const request = aSquareDelivery(fixtureText('customer-updated.json'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [
        {
          kind: 'observed',
          dedupeKey: 'b4ce4698-00de-4b5d-a771-4941b3913b34',
          observation: {
            system: 'square',
            externalId: 'A0AP25A6SCVTH8JES9BX01GXM4',
            observedAt: '2022-11-09T21:38:30Z',
            values: { email: 'jenkins.smorly@example.com', phone: '+13477947111', firstName: 'Jenkins', lastName: 'Smorly', address: null },
          },
        },
      ],
    });
  });

  it('maps customer.created with the docs\' sample customer, its formatted phone in E.164 and its address part by part', () => {
    // Prepare
    const request = aSquareDelivery(fixtureText('customer-created.json'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok && result.items[0]).toEqual({
      kind: 'observed',
      dedupeKey: '5c1a0a8e-5b8f-4b2f-9d0e-2c3c8b7f0a11',
      observation: {
        system: 'square',
        externalId: 'JDKYHBWT1D4F8MFH63DBMEN8Y4',
        observedAt: '2024-01-01T00:00:00Z',
        values: {
          email: 'amelia.earhart@example.com',
          phone: '+12125554240',
          firstName: 'Amelia',
          lastName: 'Earhart',
          address: { line1: '500 Electric Ave', line2: 'Suite 600', city: 'New York', region: 'NY', postalCode: '10003', country: 'US' },
        },
      },
    });
  });

  it('turns customer.deleted into a removal timed by the event', () => {
    // Prepare
    const request = aSquareDelivery(fixtureText('customer-deleted.json'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({
      ok: true,
      ignored: 0,
      items: [{ kind: 'removed', dedupeKey: '9e1c7e3a-1b3c-4e8e-8f0a-77d3b0f6c2aa', externalId: 'JDKYHBWT1D4F8MFH63DBMEN8Y4', reason: 'deleted', occurredAt: '2024-01-02T10:00:05Z' }],
    });
  });

  it('turns a customer.deleted caused by a merge into a merge into the new profile, not a deletion', () => {
    // Prepare
    const request = aSquareDelivery(fixtureText('customer-deleted-by-merge.json'));

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok && result.items).toEqual([
      {
        kind: 'merged',
        dedupeKey: '0b6f3e1c-6a0e-4d53-9a40-3fd1f0a0c7e2',
        survivorId: '2GYD7WNXF7BJZW1PMGNXZ3Y8M8',
        mergedIds: ['N18CPRVXR5214XPBBA6BZQWF3C', '8DDA5NZVBZFGAX0V3HPF81HHE0'],
        occurredAt: '2024-01-03T12:00:00Z',
      },
    ]);
  });

  it('ignores the dashboard\'s test notification and a loyalty event', () => {
    // Prepare
    const test = aSquareDelivery(official.body);
    const loyalty = aSquareDelivery(JSON.stringify({ merchant_id: 'M', type: 'loyalty.account.updated', event_id: 'e-1', created_at: '2025-01-01T00:00:00Z', data: { type: 'loyalty_account', id: 'A', object: {} } }));

    // Act
    const results = [parse(test, mapping), parse(loyalty, mapping)];

    // Assess
    expect(results).toEqual([
      { ok: true, items: [], ignored: 1 },
      { ok: true, items: [], ignored: 1 },
    ]);
  });

  it.each([
    ['order-created.json', 'Q0TlbtnnJJ698XcQNHOdRC5MT5JZY'],
    ['order-updated.json', 'CAISEHnKqP1XbTQw0n6Rr3Vb2aA5'],
    ['order-fulfillment-updated.json', 'CAISEHnKqP1XbTQw0n6Rr3Vb2aA5'],
    ['payment-updated.json', 'CAISEMgc8M2Ow1WnEVuR1xCnXxwZY'],
    ['refund-created.json', 'RTRNrdmFm5yLj2zW4Qb3fHk8v9MZY'],
  ])('reads %s as a reference to the order it names, keyed by event_id', (fixture, orderId) => {
    // Prepare
    const body = fixtureText(fixture);
    const event = JSON.parse(body) as { event_id: string; created_at: string };

    // Act
    const result = parse(aSquareDelivery(body), mapping);

    // Assess
    expect(result).toEqual({ ok: true, ignored: 0, items: [{ kind: 'order-referenced', externalId: orderId, occurredAt: event.created_at, dedupeKey: event.event_id }] });
  });

  it('keys on the event type and the object inside data.object, whatever data.type says', () => {
    // Prepare: the forum's order.created says data.type "order"; the SDK says "order_created"; a third spelling too.
    const event = JSON.parse(fixtureText('order-created.json')) as { data: { type: string } };
    const spellings = ['order', 'order_created', 'something_else'].map((type) => aSquareDelivery(JSON.stringify({ ...event, data: { ...event.data, type } })));

    // Act
    const results = spellings.map((request) => parse(request, mapping));

    // Assess
    expect(results.map((result) => result.ok && result.items.map((item) => item.kind === 'order-referenced' && item.externalId))).toEqual([
      ['Q0TlbtnnJJ698XcQNHOdRC5MT5JZY'],
      ['Q0TlbtnnJJ698XcQNHOdRC5MT5JZY'],
      ['Q0TlbtnnJJ698XcQNHOdRC5MT5JZY'],
    ]);
  });

  it('skips a payment, and a refund, that names no order (made without the Orders API)', () => {
    // Prepare
    const payment = JSON.parse(fixtureText('payment-updated.json')) as { data: { object: { payment: Record<string, unknown> } } };
    delete payment.data.object.payment.order_id;
    const refund = JSON.parse(fixtureText('refund-created.json')) as { data: { object: { refund: Record<string, unknown> } } };
    refund.data.object.refund.order_id = null;

    // Act
    const results = [payment, refund].map((body) => parse(aSquareDelivery(JSON.stringify(body)), mapping));

    // Assess
    expect(results).toEqual([
      { ok: true, items: [], ignored: 1 },
      { ok: true, items: [], ignored: 1 },
    ]);
  });

  it('parks an order event whose object is not where its type says, naming the path and never a value', () => {
    // Prepare: an order.updated carrying its summary under order_created, and one with a bad order id.
    const event = JSON.parse(fixtureText('order-updated.json')) as { data: { object: Record<string, { order_id: string }> } };
    const misplaced = structuredClone(event);
    misplaced.data.object = { order_created: event.data.object.order_updated! };
    const badId = structuredClone(event);
    badId.data.object.order_updated!.order_id = 'secret value!';

    // Act
    const results = [misplaced, badId].map((body) => parse(aSquareDelivery(JSON.stringify(body)), mapping));

    // Assess
    const reasons = results.map((result) => (result.ok ? result.unusable?.[0]?.reason : undefined));
    expect(results.map((result) => result.ok && result.items)).toEqual([[], []]);
    expect(reasons[0]).toBe('Square order.updated event does not match the expected shape (data.object.order_updated: invalid_type)');
    expect(reasons[1]).toBe('Square order.updated event does not match the expected shape (data.object.order_updated.order_id: invalid_format)');
    expect(reasons.join(' ')).not.toContain('secret value');
    expect(results[0]?.ok && results[0].unusable?.[0]?.eventRef).toBe('5d0f4c8e-2a7b-4f1e-9c61-3b8e2f0a9d11');
  });

  it('reads each delivery on its own: a malformed customer event among good ones is unusable, naming paths and never values', () => {
    // Prepare: Square sends one event per request; the second lost its customer's updated_at and holds an odd id.
    const good = JSON.parse(fixtureText('customer-updated.json')) as { data: { object: { customer: Record<string, unknown> } } };
    const bad = structuredClone(good) as typeof good & { event_id: string };
    bad.event_id = 'c0ffee00-0000-4000-8000-000000000001';
    delete bad.data.object.customer.updated_at;
    bad.data.object.customer.id = 'secret value!';
    const deliveries = [fixtureText('customer-created.json'), JSON.stringify(bad), fixtureText('customer-deleted.json')].map((body) => aSquareDelivery(body));

    // Act
    const results = deliveries.map((delivery) => parse(delivery, mapping));

    // Assess
    expect(results.map((result) => result.ok && result.items.map((item) => item.kind))).toEqual([['observed'], [], ['removed']]);
    const unusable = results[1]?.ok ? results[1].unusable : undefined;
    expect(unusable).toHaveLength(1);
    expect(unusable?.[0]?.eventRef).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(unusable?.[0]?.reason).toContain('data.object.customer.updated_at: invalid_type');
    expect(unusable?.[0]?.reason).toContain('data.object.customer.id: invalid_format');
    expect(unusable?.[0]?.reason).not.toContain('secret value');
    expect(unusable?.[0]?.reason).not.toContain('Jenkins');
  });

  it('parks an event without an envelope (no event_id) instead of refusing the delivery Square would retry for days', () => {
    // Prepare
    const request = aSquareDelivery('{"type":"customer.updated","data":{}}');

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result.ok).toBe(true);
    expect(result.ok && result.items).toEqual([]);
    expect(result.ok && result.unusable?.[0]?.reason).toMatch(/^Square notification is not an event envelope \(.*event_id: invalid_type/);
  });

  it('refuses a body that is not JSON at all', () => {
    // Prepare
    const request = aSquareDelivery('not json');

    // Act
    const result = parse(request, mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'Square notification body is not JSON' });
  });

  it('names an unusable phone by field only, keeping the rest of the customer', () => {
    // Prepare
    const event = JSON.parse(fixtureText('customer-updated.json')) as { data: { object: { customer: Record<string, unknown> } } };
    event.data.object.customer.phone_number = '12';
    const request = aSquareDelivery(JSON.stringify(event));

    // Act
    const result = parse(request, mapping);

    // Assess
    const item = result.ok ? result.items[0] : undefined;
    expect(item?.kind === 'observed' && item.observation.unusable).toEqual(['phone']);
    expect(item?.kind === 'observed' && item.observation.values).toEqual({ email: 'jenkins.smorly@example.com', firstName: 'Jenkins', lastName: 'Smorly', address: null });
  });
});
