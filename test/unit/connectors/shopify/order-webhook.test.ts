import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MappingContext } from '../../../../connectors/connector';
import { parse } from '../../../../connectors/shopify/webhook';
import { aWebhookRequest, fixtureText } from '../../../support/shopify';

const mapping: MappingContext = { defaultCountry: 'US' };
const webhookId = '3f4a8b1e-6a8c-4a62-9d0e-0b2b8c1a5e77';
const triggeredAt = '2025-04-02T16:31:05.123456Z';

function delivery(topic: string, body: string, headers: Record<string, string> = { 'X-Shopify-Triggered-At': triggeredAt }) {
  const signature = createHmac('sha256', 'hush').update(body).digest('base64');
  return aWebhookRequest(body, { 'X-Shopify-Hmac-Sha256': signature, 'X-Shopify-Topic': topic, 'X-Shopify-Webhook-Id': webhookId, ...headers });
}

describe('order topics', () => {
  it.each(['orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/partially_fulfilled', 'orders/cancelled'])(
    '%s names the order by its id, every digit kept',
    (topic) => {
      // Prepare
      const body = fixtureText('orders-updated.json');

      // Act
      const result = parse(delivery(topic, body), mapping);

      // Assess
      expect(result).toEqual({
        ok: true,
        ignored: 0,
        items: [{ kind: 'order-referenced', externalId: '9007199254740993001', occurredAt: triggeredAt, dedupeKey: webhookId }],
      });
    },
  );

  it('times an order delivery without X-Shopify-Triggered-At by the body updated_at', () => {
    // Prepare
    const body = fixtureText('orders-updated.json');

    // Act
    const result = parse(delivery('orders/updated', body, {}), mapping);

    // Assess
    expect(result).toMatchObject({ ok: true, items: [{ externalId: '9007199254740993001', occurredAt: '2025-04-02T11:31:04-05:00' }] });
  });

  it('refunds/create names the refunded order', () => {
    // Act
    const result = parse(delivery('refunds/create', fixtureText('refunds-create.json')), mapping);

    // Assess
    expect(result).toMatchObject({ ok: true, items: [{ kind: 'order-referenced', externalId: '9007199254740993001', dedupeKey: webhookId }] });
  });

  it.each(['fulfillments/create', 'fulfillments/update'])('%s names the fulfilled order', (topic) => {
    // Act
    const result = parse(delivery(topic, fixtureText('fulfillments-create.json')), mapping);

    // Assess
    expect(result).toMatchObject({ ok: true, items: [{ kind: 'order-referenced', externalId: '9007199254740993001', occurredAt: triggeredAt }] });
  });

  it.each(['fulfillment_orders/line_items_prepared_for_pickup', 'fulfillment_orders/order_routing_complete', 'fulfillment_orders/cancelled'])(
    '%s names the fulfillment order by gid (the order source reads its order)',
    (topic) => {
      // Act
      const result = parse(delivery(topic, fixtureText('fulfillment-orders-line-items-prepared-for-pickup.json')), mapping);

      // Assess
      expect(result).toEqual({
        ok: true,
        ignored: 0,
        items: [{ kind: 'order-referenced', externalId: 'gid://shopify/FulfillmentOrder/9007199254742993001', occurredAt: triggeredAt, dedupeKey: webhookId }],
      });
    },
  );

  it('refuses a fulfillment-order delivery without a clock (its body has none)', () => {
    // Act
    const result = parse(delivery('fulfillment_orders/line_items_prepared_for_pickup', fixtureText('fulfillment-orders-line-items-prepared-for-pickup.json'), {}), mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'fulfillment_orders/line_items_prepared_for_pickup delivery has no X-Shopify-Triggered-At header' });
  });

  it('refuses a malformed order body naming the paths, never the values', () => {
    // Prepare: an order whose id is not a number, without updated_at
    const body = '{"id":"bob.norman@mail.example.com","email":"bob.norman@mail.example.com"}';

    // Act
    const result = parse(delivery('orders/paid', body), mapping);

    // Assess
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toContain('id:');
    expect(reason).toContain('updated_at:');
    expect(reason).not.toContain('bob.norman');
  });

  it('refuses a refund without its order id', () => {
    // Act
    const result = parse(delivery('refunds/create', '{"id":1,"created_at":"2025-04-02T11:35:00-05:00"}'), mapping);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'refunds/create body is not what Shopify sends for this topic (order_id: invalid_type)' });
  });

  it('refuses a fulfillment-order body whose id is not a FulfillmentOrder gid', () => {
    // Act
    const result = parse(delivery('fulfillment_orders/cancelled', '{"fulfillment_order":{"id":"gid://shopify/Order/1","status":"cancelled"}}'), mapping);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('fulfillment_order.id: invalid_format') });
  });
});
