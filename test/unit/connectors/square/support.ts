import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WebhookRequest } from '../../../../connectors/connector';

/** Raw fixture text: signatures are over bytes, so fixtures are signed as stored. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export const NOTIFICATION_URL = 'https://hub.example.com/webhooks/square';
export const SIGNATURE_KEY = 'test-signature-key';

/** A delivery as Square makes it: signed over the notification URL and the body. */
export function aSquareDelivery(body: string, options: { url?: string; signedUrl?: string; key?: string; headers?: Record<string, string> } = {}): WebhookRequest {
  const signature = createHmac('sha256', options.key ?? SIGNATURE_KEY)
    .update((options.signedUrl ?? NOTIFICATION_URL) + body)
    .digest('base64');
  return {
    method: 'POST',
    url: options.url ?? NOTIFICATION_URL,
    headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature, 'square-environment': 'Production', ...options.headers },
    rawBody: Buffer.from(body),
  };
}
