import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Vendor-neutral plumbing for the local SaaS fakes: an HTTP server that records every
 * request (what tests assert on), and a webhook sender that delivers asynchronously,
 * the way the vendors do, and lets a test wait until every delivery was answered.
 */

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
  at: number;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private url = '';

  constructor(private readonly handler: FakeHandler) {}

  /** Starts on `port` (0 = any free port) and returns the base URL, e.g. http://127.0.0.1:4001. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      void this.serve(req).then(
        ({ status, body, headers }) => {
          const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(payload);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `fake server error: ${String(error)}` }));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject); // e.g. the port is taken: the caller may pick another
      this.server!.listen(port, host, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    const { port: bound } = this.server.address() as AddressInfo;
    this.url = `http://${host}:${bound}`;
    return this.url;
  }

  get baseUrl(): string {
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async serve(req: IncomingMessage): Promise<FakeResponse> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    let json: unknown;
    try {
      json = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      json = undefined;
    }
    const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, rawBody, json };
    const response = await this.handler(request);
    this.requests.push({ method: request.method, path: request.path, status: response.status, body: json, at: Date.now() });
    return response;
  }
}

export interface WebhookDeliveryRecord {
  url: string;
  status: number | 'network_error';
  body: string;
}

/** Sends signed webhooks to the hub, asynchronously (after the API call that caused them has answered). */
export class WebhookSender {
  readonly deliveries: WebhookDeliveryRecord[] = [];
  private pending = new Set<Promise<void>>();

  constructor(public targetUrl: string | undefined) {}

  send(body: string, headers: Record<string, string>): void {
    const url = this.targetUrl;
    if (!url) return;
    const delivery = (async () => {
      // Let the API response that caused this webhook reach the caller first, as in real life.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        await response.arrayBuffer();
        this.deliveries.push({ url, status: response.status, body });
      } catch {
        this.deliveries.push({ url, status: 'network_error', body });
      }
    })();
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  /** Resolves when every webhook sent so far has been answered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
