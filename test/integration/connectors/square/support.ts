import { createServer } from 'node:http';
import type { WebhookRequest } from '../../../../connectors/connector';
import type { LogSink } from '../../../../core/log';

export const TOKEN = 'EAAAl-sandbox-test-token';
export const SIGNATURE_KEY = 'test-signature-key';

/** A stand-in for the hub's receiver: records each delivery, answering with the statuses given in turn (then 200). */
export async function startReceiver(statuses: number[] = []): Promise<{ url: string; deliveries: WebhookRequest[]; close(): Promise<void> }> {
  const deliveries: WebhookRequest[] = [];
  const queue = [...statuses];
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
  if (!address || typeof address === 'string') throw new Error('receiver is not listening on a TCP port');
  return {
    url: `http://127.0.0.1:${address.port}/webhooks/square`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface CapturedLog extends LogSink {
  lines: { level: string; message: string; attrs?: Record<string, unknown> }[];
}

export function capturingLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const sink = (level: string) => (message: string, attrs?: Record<string, unknown>) => void lines.push({ level, message, ...(attrs ? { attrs } : {}) });
  return { lines, debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') };
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
