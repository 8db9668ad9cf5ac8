import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookServer, type Ingress } from '../../local/webhook-server';

/**
 * The local ingress sends the receiver the event AWS would: a function URL event (route
 * `$default`, every request) or an HTTP API event (only POST /webhooks/<id>). The receiver
 * here records what it got and answers 200, as the real one does for a good delivery.
 */
describe('local webhook ingress', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(ingress: Ingress, connectors = ['shopify']) {
    const received: APIGatewayProxyEventV2[] = [];
    const receivedBy: Record<string, string[]> = {};
    const receivers = Object.fromEntries(
      connectors.map((id) => [
        id,
        {
          invoke: async (event: unknown) => {
            received.push(event as APIGatewayProxyEventV2);
            (receivedBy[id] ??= []).push((event as APIGatewayProxyEventV2).rawPath);
            return { result: { statusCode: 200, body: '{"accepted":1}' }, durationMs: 1 };
          },
        },
      ]),
    );
    const server = await startWebhookServer({ port: 0, receivers, ingress });
    servers.push(server);
    return { server, received, receivedBy };
  }

  it('sends every request to the receiver as a function URL event (payload format 2.0, route $default) when ingress is functionUrl', async () => {
    // Prepare
    const { server, received } = await start('functionUrl');
    // Act
    const webhook = await fetch(`${server.url}/webhooks/shopify?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1}' });
    const other = await fetch(`${server.url}/favicon.ico`);
    // Assess
    expect([webhook.status, other.status]).toEqual([200, 200]);
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/webhooks/shopify',
      rawQueryString: 'x=1',
      body: '{"id":1}',
      isBase64Encoded: false,
      requestContext: { routeKey: '$default', stage: '$default', http: { method: 'POST', path: '/webhooks/shopify' } },
    });
    expect(received[1]?.requestContext.http.method).toBe('GET');
    expect(server.metered).toEqual({ requests: 2, httpApiBilledRequests: 2 });
  });

  it('routes only POST /webhooks/<enabled id> as an HTTP API event, answering anything else 404 at the edge, when ingress is httpApi', async () => {
    // Prepare
    const { server, received } = await start('httpApi');
    // Act
    const webhook = await fetch(`${server.url}/webhooks/shopify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const disabled = await fetch(`${server.url}/webhooks/salesforce`, { method: 'POST', body: '{}' });
    const get = await fetch(`${server.url}/webhooks/shopify`);
    // Assess
    expect([webhook.status, disabled.status, get.status]).toEqual([200, 404, 404]);
    expect(received.map((e) => e.routeKey)).toEqual(['POST /webhooks/shopify']);
    expect(server.metered.requests).toBe(1);
  });

  it.each(['functionUrl', 'httpApi'] as const)('hands /webhooks/<id> to connector <id>\'s own receiver (%s)', async (ingress) => {
    // Prepare
    const { server, receivedBy } = await start(ingress, ['shopify', 'hubspot']);
    // Act
    for (const id of ['hubspot', 'shopify', 'hubspot']) await fetch(`${server.url}/webhooks/${id}`, { method: 'POST', body: '{}' });
    // Assess
    expect(receivedBy).toEqual({ shopify: ['/webhooks/shopify'], hubspot: ['/webhooks/hubspot', '/webhooks/hubspot'] });
  });

  it('meters an HTTP API request per started 512 KB', async () => {
    // Prepare
    const { server } = await start('httpApi');
    // Act
    await fetch(`${server.url}/webhooks/shopify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(600 * 1024) });
    // Assess
    expect(server.metered).toEqual({ requests: 1, httpApiBilledRequests: 2 });
  });
});
