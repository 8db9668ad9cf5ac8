import { createServer } from 'node:http';
import type { WebhookRequest } from '../../connectors/connector';

/**
 * A stand-in for the hub's webhook receiver: records each delivery's method, URL, headers and raw
 * bytes, answering with the statuses given in turn (then 200). `url` ends in /webhooks/<connector>.
 */
export async function startWebhookReceiver(
  options: { connector?: string; statuses?: number[] } = {},
): Promise<{ url: string; deliveries: WebhookRequest[]; close(): Promise<void> }> {
  const deliveries: WebhookRequest[] = [];
  const queue = [...(options.statuses ?? [])];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      deliveries.push({ method: req.method ?? 'POST', url: req.url ?? '/', headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(queue.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('webhook receiver is not listening on a TCP port');
  return {
    url: `http://127.0.0.1:${address.port}/webhooks/${options.connector ?? 'shopify'}`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
