import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LocalFunction } from './local-function';

/** How webhooks reach the receiver (cdk.json `ingress`). */
export type Ingress = 'functionUrl' | 'httpApi';

/** API Gateway meters an HTTP API request in 512 KB increments. https://aws.amazon.com/api-gateway/pricing/ */
const HTTP_API_METERING_BYTES = 512 * 1024;

/**
 * The webhook ingress, locally, sending each connector's receiver the event shape AWS sends
 * (payload format 2.0). One host stands for every receiver: `/webhooks/<id>` goes to the
 * receiver of connector <id>, as its own URL does in AWS.
 *  - `functionUrl` (the default, as deployed): every request goes to a receiver as a Lambda
 *    function URL event (route `$default`); one that names no receiver's connector goes to the
 *    first receiver, as a stray request reaches whichever receiver's URL it was sent to, and is
 *    answered 404 by it (anything but `POST /webhooks/<its connector>`);
 *  - `httpApi`: `POST /webhooks/{connector}` for each connector with a receiver as an HTTP API
 *    event to that receiver; anything else gets API Gateway's 404 without invoking anything.
 * `metered` counts the requests that reached AWS's front door (the HTTP API's billed requests,
 * 512 KB increments; a function URL has no charge of its own).
 */
export async function startWebhookServer(options: {
  port: number;
  host?: string;
  /** Connector id → its receiver (the connectors that receive webhooks). */
  receivers: Readonly<Record<string, Pick<LocalFunction, 'invoke'>>>;
  ingress?: Ingress;
  onRequest?: (info: { connector: string; status: number; ms: number }) => void;
}): Promise<{ url: string; metered: { requests: number; httpApiBilledRequests: number }; close(): Promise<void> }> {
  const ingress = options.ingress ?? 'functionUrl';
  const metered = { requests: 0, httpApiBilledRequests: 0 };
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const started = performance.now();
      const rawBody = await readBody(req);
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
      const match = /^\/webhooks\/([a-z0-9-]+)$/.exec(url.pathname);
      const own = match ? options.receivers[match[1]!] : undefined;
      const routed = req.method === 'POST' && own !== undefined;
      const receiver = own ?? Object.values(options.receivers)[0];
      if ((ingress === 'httpApi' && !routed) || !receiver) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      metered.requests++;
      metered.httpApiBilledRequests += Math.max(1, Math.ceil(rawBody.byteLength / HTTP_API_METERING_BYTES));
      const event = ingress === 'httpApi' ? toHttpApiEvent(req, url, rawBody, match![1]!) : toFunctionUrlEvent(req, url, rawBody);
      const outcome = await receiver.invoke(event);
      const result = (outcome.result ?? {
        statusCode: 500,
        body: JSON.stringify({ message: 'Internal Server Error' }),
      }) as APIGatewayProxyStructuredResultV2;
      res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...(result.headers as Record<string, string>) });
      res.end(result.body ?? '');
      options.onRequest?.({ connector: match?.[1] ?? url.pathname, status: result.statusCode ?? 200, ms: performance.now() - started });
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    metered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html (payload format 2.0) */
function toHttpApiEvent(req: IncomingMessage, url: URL, rawBody: Buffer, connector: string): APIGatewayProxyEventV2 {
  return payloadV2(req, url, rawBody, { routeKey: `POST /webhooks/${connector}`, apiId: 'local' });
}

/**
 * A function URL's request event: payload format 2.0 with route and stage `$default`, the URL id
 * as apiId and domain prefix. https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
function toFunctionUrlEvent(req: IncomingMessage, url: URL, rawBody: Buffer): APIGatewayProxyEventV2 {
  return payloadV2(req, url, rawBody, { routeKey: '$default', apiId: 'localfunctionurl' });
}

function payloadV2(req: IncomingMessage, url: URL, rawBody: Buffer, route: { routeKey: string; apiId: string }): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] = 'http';
  const contentType = headers['content-type'] ?? '';
  const isText = /json|text|x-www-form-urlencoded|xml/.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: route.apiId,
      domainName: headers.host ?? url.host,
      domainPrefix: (headers.host ?? url.host).split('.')[0] ?? 'local',
      http: { method: req.method ?? 'POST', path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: isText ? rawBody.toString('utf8') : rawBody.toString('base64'),
    isBase64Encoded: !isText,
  };
}
