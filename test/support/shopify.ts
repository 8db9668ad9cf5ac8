import { readFileSync } from 'node:fs';
import type { WebhookRequest } from '../../connectors/connector';

/** Raw fixture text: Shopify ids exceed 2^53, so fixtures are never read with JSON.parse. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/shopify/${name}`, import.meta.url), 'utf8');
}

export function aWebhookRequest(body: string | Buffer, headers: Record<string, string>): WebhookRequest {
  const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'POST', url: 'https://hub.example.com/webhooks/shopify', headers: lowerCased, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

export { startWebhookReceiver } from './webhook-receiver';
export { capturingLog, type CapturedLog } from './capturing-log';
