import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Which connector a webhook request is for, from a payload format 2.0 event: the HTTP API's
 * (route `POST /webhooks/<id>`, matched at the edge) or a Lambda function URL's (route
 * `$default`: every method and path reaches the function, so the receiver matches them itself).
 * Anything but `POST /webhooks/<id>` is not a webhook: undefined, answered 404 as the HTTP API would.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function webhookRoute(event: Pick<APIGatewayProxyEventV2, 'rawPath' | 'requestContext'>): { connectorId: string } | undefined {
  if (event.requestContext.http.method !== 'POST') return undefined;
  const match = /^\/webhooks\/([a-z0-9-]+)$/.exec(event.rawPath);
  return match?.[1] ? { connectorId: match[1] } : undefined;
}
