import { createHmac, randomUUID } from 'node:crypto';
import type { DeliveryOutcome, RetrySchedule, WebhookPayload, WebhookSender } from '../../testing/webhook-sender';
import { secondsStamp } from './clock';
import type { CustomerChange, FakeCustomer } from './customers-state';
import type { OrderChange } from './orders-state';

/**
 * The fake's event notifications, shaped and delivered like Square's at Square-Version 2026-09-16:
 * one event per POST, the envelope in Square's key order (merchant_id, type, event_id, created_at,
 * data {type, id, object}), signed base64(HMAC-SHA256(signature key, notification URL + body)).
 * - customer.created / updated / deleted carry the customer (without cards and segment_ids; a
 *   deleted one also without group_ids), plus event_context.merge when a merge caused them;
 * - order.created / order.updated carry a summary (order_created / order_updated), never the order;
 * - order.fulfillment.updated names the fulfillment's old and new state; payment.* the payment,
 *   refund.* the PaymentRefund (its order_id: the return order).
 * `data.type` is spelled as the SDK documents it (OrderCreatedEventData: "order_created"), not as
 * a delivery on Square's forum shows it ("order"): the SDK is generated from Square's own API
 * spec. The hub's parser reads neither (it keys on `type` and the key inside `data.object`).
 * https://developer.squareup.com/reference/square/webhooks/customer.updated (sample payload)
 * https://developer.squareup.com/docs/webhooks/step3validate
 */

const MINUTE = 60_000;
const RETRY_GAPS_MINUTES = [1, 2, 4, 8, 16, 32];

/**
 * Square's retries: after 1, 2, 4, 8, 16 and 32 minutes, then hourly (attempts 7 to 78) up to
 * 72 hours (the delivery SLA page; the troubleshooting page says 24 hours). Any answer but a 2xx
 * in 10 s is a failure, 3xx included.
 * https://developer.squareup.com/docs/webhooks-api/delivery-sla
 */
export const SQUARE_RETRY_SCHEDULE: RetrySchedule = {
  retries: 78,
  delayMs: (retry) => (RETRY_GAPS_MINUTES[retry - 1] ?? 60) * MINUTE,
  retriesOn: () => true,
  timeoutMs: 10_000,
};

/** square-retry-reason for what the previous attempt got: http_timeout, http_error, ssl_error, other_error. */
export function retryReason(outcome: DeliveryOutcome | undefined): string {
  if (typeof outcome === 'number') return 'http_error';
  return outcome === 'timeout' ? 'http_timeout' : 'other_error';
}

export interface SquareWebhookOptions {
  sender: WebhookSender;
  signatureKey: string;
  merchantId: string;
  environment: 'Sandbox' | 'Production';
  /** The URL the subscription was configured with (what Square signs). Default: where it delivers. */
  notificationUrl?: () => string | undefined;
  now: () => Date;
}

export class SquareWebhooks {
  constructor(private readonly options: SquareWebhookOptions) {
    // A retry is the same request again: same body, same signature, same initial-delivery time,
    // plus the retry number and the reason the previous attempt failed.
    options.sender.prepare = (attempt, original) => this.retry(attempt, original);
  }

  customer(change: CustomerChange): void {
    const { customer, merge } = change;
    const shown: Partial<FakeCustomer> = { ...customer };
    delete shown.segment_ids;
    if (change.kind === 'deleted') delete shown.group_ids;
    this.send(`customer.${change.kind}`, { type: 'customer', id: customer.id, object: { customer: shown, ...(merge ? { event_context: { merge } } : {}) } });
  }

  order(change: OrderChange): void {
    if ('refund' in change) {
      this.send(`refund.${change.kind === 'refund_created' ? 'created' : 'updated'}`, { type: 'refund', id: change.refund.id, object: { refund: change.refund } });
      return;
    }
    if ('payment' in change) {
      const type = change.kind === 'payment_created' ? 'payment.created' : 'payment.updated';
      this.send(type, { type: 'payment', id: change.payment.id, object: { payment: change.payment } });
      return;
    }
    const { order } = change;
    const summary = {
      created_at: order.created_at,
      location_id: order.location_id,
      order_id: order.id,
      state: order.state,
      ...(change.kind === 'order_updated' ? { updated_at: order.updated_at } : {}),
      // Orders not created through the API have none.
      ...(order.version === undefined ? {} : { version: order.version }),
    };
    const type = change.kind === 'order_created' ? 'order.created' : 'order.updated';
    this.send(type, { type: change.kind, id: order.id, object: { [change.kind]: summary } });
    if (change.fulfillmentUpdate) {
      this.send('order.fulfillment.updated', {
        type: 'order_fulfillment_updated',
        id: order.id,
        object: { order_fulfillment_updated: { ...summary, updated_at: order.updated_at, fulfillment_update: change.fulfillmentUpdate } },
      });
    }
  }

  /** Signs `body` the way Square does, for `url`. */
  static sign(signatureKey: string, url: string, body: string): string {
    return createHmac('sha256', signatureKey).update(url + body, 'utf8').digest('base64');
  }

  private send(type: string, data: { type: string; id: string; object: unknown }): void {
    const { sender } = this.options;
    const url = this.options.notificationUrl?.() ?? sender.targetUrl;
    if (!sender.targetUrl || !url) return;
    const body = JSON.stringify({ merchant_id: this.options.merchantId, type, event_id: randomUUID(), created_at: secondsStamp(this.options.now()), data });
    sender.send(body, {
      'content-type': 'application/json',
      'x-square-hmacsha256-signature': SquareWebhooks.sign(this.options.signatureKey, url, body),
      'square-environment': this.options.environment,
      'square-initial-delivery-timestamp': new Date().toISOString(),
    });
  }

  private retry(attempt: number, original: WebhookPayload): WebhookPayload {
    if (attempt === 0) return original;
    const previous = [...this.options.sender.deliveries].reverse().find((delivery) => delivery.body === original.body);
    return { body: original.body, headers: { ...original.headers, 'square-retry-number': String(attempt), 'square-retry-reason': retryReason(previous?.status) } };
  }
}
