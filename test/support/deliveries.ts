import { createHmac, randomUUID } from 'node:crypto';

/** A Shopify webhook delivery signed as Shopify signs it (HMAC-SHA256 of the raw body, base64). */
export function shopifyDelivery(body: string, secret: string, overrides: Record<string, string> = {}) {
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/update',
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      'x-shopify-shop-domain': 'omnihub-sandbox.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      ...overrides,
    },
  };
}

/** A customers/update payload in Shopify's REST shape; the id is written as a bare 64-bit integer. */
export function shopifyCustomerPayload(fields: { id: string; email: string; first_name: string; last_name: string; updated_at: string }): string {
  const { id, ...rest } = fields;
  return `{"id":${id},${JSON.stringify({ ...rest, phone: null, tags: '', addresses: [], admin_graphql_api_id: `gid://shopify/Customer/${id}` }).slice(1)}`;
}

export async function post(url: string, delivery: { body: string; headers: Record<string, string> }) {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A HubSpot webhook signed as HubSpot v3 signs it: HMAC-SHA256(method + URL + body + timestamp), base64. */
export function hubspotDelivery(url: string, body: string, clientSecret: string, timestampMs: number) {
  const signature = createHmac('sha256', clientSecret).update(`POST${url}${body}${timestampMs}`).digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': String(timestampMs),
    },
  };
}
