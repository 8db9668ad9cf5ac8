import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import type { AdminOrderInput, ShopifyFake } from './server';
import { orderBody } from './order-webhooks';
import type { ShopifyFakeState } from './state';
import { CUSTOMER_LOCALE_PATTERN, type ShopifyOrdersState } from './orders-state';

/**
 * The sandbox admin API for orders (`npm start`): the merchant's order actions over HTTP, each
 * firing Shopify's webhooks (see ShopifyFake.orderAdmin).
 *   POST /_sandbox/orders                          place an order (AdminOrderInput)
 *   GET  /_sandbox/orders/<id>                     the order, REST shape
 *   POST /_sandbox/orders/<id>/paid|ready|fulfill|cancel|touch
 *   POST /_sandbox/orders/<id>/refund              { lines: [{ lineItemId, quantity }] }
 */

const digits = z.string().regex(/^\d{1,20}$/);

const AdminOrderInputSchema = z.strictObject({
  source: z.enum(['web', 'pos']).optional(),
  customerId: digits.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  customerLocale: z.string().regex(CUSTOMER_LOCALE_PATTERN).nullable().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  lines: z.array(z.strictObject({ title: z.string().min(1), variantTitle: z.string().nullish(), sku: z.string().nullish(), quantity: z.int().positive(), price: z.string().regex(/^\d+(\.\d+)?$/) })).min(1),
  pickupAt: digits.optional(),
  soldAt: digits.optional(),
  shipping: z.strictObject({ title: z.string(), price: z.string().regex(/^\d+(\.\d+)?$/) }).optional(),
  paid: z.boolean().optional(),
});

const RefundSchema = z.strictObject({ lines: z.array(z.strictObject({ lineItemId: digits, quantity: z.int().positive() })).min(1), note: z.string().optional() });

/** Undefined: not an orders route. */
export function handleOrdersSandbox(request: FakeRequest, deps: { orderAdmin: ShopifyFake['orderAdmin']; orders: ShopifyOrdersState; customers: ShopifyFakeState }): FakeResponse | undefined {
  const match = /^\/_sandbox\/orders(?:\/(\d{1,20}))?(?:\/(paid|ready|fulfill|cancel|refund|touch))?$/.exec(request.path);
  if (!match) return undefined;
  const [, id, action] = match;
  const invalid = (error: z.ZodError) => ({ status: 400, body: { errors: error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) } });
  try {
    if (!id && request.method === 'POST') {
      const input = AdminOrderInputSchema.safeParse(request.json);
      if (!input.success) return invalid(input.error);
      return { status: 201, body: { order: deps.orderAdmin.placeOrder(input.data as AdminOrderInput) } };
    }
    if (!id) return { status: 405, body: { errors: 'Method Not Allowed' } };
    const order = deps.orders.get(BigInt(id));
    if (!order) return { status: 404, body: { errors: 'Not Found' } };
    if (!action && request.method === 'GET') {
      const customer = order.customerId === null ? undefined : deps.customers.get(order.customerId);
      return { status: 200, body: `{"order":${orderBody(order, customer)}}`, headers: { 'content-type': 'application/json' } };
    }
    if (!action || request.method !== 'POST') return { status: 405, body: { errors: 'Method Not Allowed' } };
    if (action === 'refund') {
      const refund = RefundSchema.safeParse(request.json);
      if (!refund.success) return invalid(refund.error);
      deps.orderAdmin.refund(id, refund.data.lines, refund.data.note);
    } else if (action === 'paid') deps.orderAdmin.markPaid(id);
    else if (action === 'ready') deps.orderAdmin.markReadyForPickup(id);
    else if (action === 'fulfill') deps.orderAdmin.fulfill(id);
    else if (action === 'cancel') deps.orderAdmin.cancel(id);
    else deps.orderAdmin.touch(id);
    return { status: 200, body: {} };
  } catch (error) {
    // The state's refusals (already cancelled, nothing to prepare…), as Shopify's 422.
    return { status: 422, body: { errors: { base: [error instanceof Error ? error.message : String(error)] } } };
  }
}
