import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Vendor-neutral plumbing for the local SaaS fakes: an HTTP server that records every
 * request (what tests assert on), a webhook sender that delivers at least once, the way
 * the vendors do (webhook-sender.ts), and API fault injection (api-faults.ts).
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
  /** The local runtime's invocation that made the request (INVOCATION_HEADER), when it tags them. */
  invocation?: string;
}

/**
 * The header the local runtime adds to every outgoing request of a function when asked to
 * (local/function-host.ts): `<function name>#<invocation id>`. Lets a harness tell which
 * invocation made a write, e.g. to crash exactly that one.
 */
export const INVOCATION_HEADER = 'x-omnihub-local-invocation';

/** Told of each request once it is recorded and before it is answered; awaited before the answer goes out. */
export type RequestListener = (request: RecordedRequest) => void | Promise<void>;

/**
 * The request log: an array (what tests filter and count) that also tells listeners of each
 * new entry before the fake answers, so a harness can act "right after the vendor wrote".
 */
export class RequestLog extends Array<RecordedRequest> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  private listeners: RequestListener[] = [];

  subscribe(listener: RequestListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  async record(request: RecordedRequest): Promise<void> {
    this.push(request);
    for (const listener of this.listeners) await listener(request);
  }
}

/** The request log behind a fake's `requests`, to subscribe to (undefined for a plain array). */
export function requestLogOf(requests: RecordedRequest[]): RequestLog | undefined {
  return requests instanceof RequestLog ? requests : undefined;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export class FakeHttpServer {
  readonly requests: RequestLog = new RequestLog();
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
    const invocation = headers[INVOCATION_HEADER];
    await this.requests.record({
      method: request.method,
      path: request.path,
      status: response.status,
      body: json,
      at: Date.now(),
      ...(invocation !== undefined ? { invocation } : {}),
    });
    return response;
  }
}

export { WebhookSender, exponentialBackoff } from './webhook-sender';
export type { DeliveryChaos, DeliveryOutcome, RetrySchedule, WebhookDeliveryRecord, WebhookPayload, WebhookSenderOptions, WebhookSenderStats } from './webhook-sender';
export { ApiFaultInjector } from './api-faults';
export type { ApiFault, ApiFaultRates } from './api-faults';
