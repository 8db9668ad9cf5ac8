import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { WebhookRequest } from '../../connectors/connector';
import type { LogSink } from '../../core/log';

/** Raw fixture text: Shopify ids exceed 2^53, so fixtures are never read with JSON.parse. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/shopify/${name}`, import.meta.url), 'utf8');
}

export function aWebhookRequest(body: string | Buffer, headers: Record<string, string>): WebhookRequest {
  const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'POST', url: 'https://hub.example.com/webhooks/shopify', headers: lowerCased, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

/** A stand-in for the hub's webhook receiver: records each delivery's headers and raw bytes. */
export async function startWebhookReceiver(): Promise<{ url: string; deliveries: WebhookRequest[]; close(): Promise<void> }> {
  const deliveries: WebhookRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      deliveries.push({ method: req.method ?? 'POST', url: req.url ?? '/', headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('webhook receiver is not listening on a TCP port');
  return {
    url: `http://127.0.0.1:${address.port}/webhooks/shopify`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface CapturedLog extends LogSink {
  lines: { level: string; message: string; attrs?: Record<string, unknown> }[];
  text(): string;
}

export function capturingLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const sink = (level: string) => (message: string, attrs?: Record<string, unknown>) => void lines.push({ level, message, attrs });
  return {
    lines,
    debug: sink('debug'),
    info: sink('info'),
    warn: sink('warn'),
    error: sink('error'),
    text: () => JSON.stringify(lines),
  };
}
