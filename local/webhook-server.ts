import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LocalFunction } from './local-function';

/**
 * The HTTP API, locally: `POST /webhooks/{connector}` for each enabled connector, turned
 * into an API Gateway HTTP API (payload 2.0) event for the webhook-receiver function, the
 * same event shape API Gateway sends in AWS. Anything else gets API Gateway's 404.
 */
export async function startWebhookServer(options: {
  port: number;
  host?: string;
  receiver: LocalFunction;
  connectors: string[];
  onRequest?: (info: { connector: string; status: number; ms: number }) => void;
}): Promise<{ url: string; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const started = performance.now();
      const rawBody = await readBody(req);
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
      const match = /^\/webhooks\/([a-z0-9-]+)$/.exec(url.pathname);
      if (req.method !== 'POST' || !match || !options.connectors.includes(match[1]!)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const event = toHttpApiEvent(req, url, rawBody, match[1]!);
      const outcome = await options.receiver.invoke(event);
      const result = (outcome.result ?? {
        statusCode: 500,
        body: JSON.stringify({ message: 'Internal Server Error' }),
      }) as APIGatewayProxyStructuredResultV2;
      res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...(result.headers as Record<string, string>) });
      res.end(result.body ?? '');
      options.onRequest?.({ connector: match[1]!, status: result.statusCode ?? 200, ms: performance.now() - started });
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
    routeKey: `POST /webhooks/${connector}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? url.host,
      domainPrefix: (headers.host ?? url.host).split('.')[0] ?? 'local',
      http: { method: req.method ?? 'POST', path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: `POST /webhooks/${connector}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: isText ? rawBody.toString('utf8') : rawBody.toString('base64'),
    isBase64Encoded: !isText,
  };
}
