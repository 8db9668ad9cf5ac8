import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { webhookRoute } from '../../../functions/lib/webhook-route';

/** The documented payload format 2.0 request of a Lambda function URL (urls-invocation.html#urls-payloads). */
function functionUrlEvent(method: string, rawPath: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdefghijklmnopqrstuvwxyz012345',
      domainName: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Shopify-Captain-Hook' },
      requestId: 'id',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:10:00:00 +0000',
      timeEpoch: 1796119200000,
    },
    body: '{}',
    isBase64Encoded: false,
  };
}

describe('webhookRoute', () => {
  it('reads the connector from POST /webhooks/<id>, whether the HTTP API or a function URL sent it', () => {
    // Prepare
    const viaUrl = functionUrlEvent('POST', '/webhooks/shopify');
    const viaApi = { ...viaUrl, routeKey: 'POST /webhooks/hubspot', rawPath: '/webhooks/hubspot', requestContext: { ...viaUrl.requestContext, routeKey: 'POST /webhooks/hubspot' } };
    // Act / Assess
    expect(webhookRoute(viaUrl)).toEqual({ connectorId: 'shopify' });
    expect(webhookRoute(viaApi)).toEqual({ connectorId: 'hubspot' });
  });

  it('finds no webhook in what a function URL passes on for any other method or path', () => {
    // Act
    const routes = [
      functionUrlEvent('GET', '/webhooks/shopify'),
      functionUrlEvent('POST', '/'),
      functionUrlEvent('POST', '/admin/webhooks/shopify'),
      functionUrlEvent('POST', '/webhooks/shopify/extra'),
      functionUrlEvent('POST', '/webhooks/'),
    ].map(webhookRoute);
    // Assess
    expect(routes).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
