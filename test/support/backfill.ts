import { connectTarget, type BackfillIo, type BackfillTarget } from '../../bin/backfill';
import type { Pipeline } from './pipeline';

/** `npx omnihub backfill` pointed at a test pipeline: its DynamoDB Local table, its bus, its fakes. */
export function backfillTarget(p: Pipeline): Promise<BackfillTarget> {
  return connectTarget({
    dynamodbEndpoint: p.table.endpoint,
    eventsEndpoint: p.runtime.eventsEndpoint,
    tableName: p.table.tableName,
    busName: 'omnihub',
    defaultCountry: 'US',
    connectors: [
      { id: 'shopify', settings: { shop: p.shopify.shop, apiVersion: p.shopify.apiVersion }, baseUrl: p.shopify.baseUrl },
      { id: 'hubspot', settings: { batchSize: 100 }, baseUrl: p.hubspot.baseUrl },
      ...(p.square ? [{ id: 'square', settings: { environment: 'sandbox', locationIds: 'all' }, baseUrl: p.square.baseUrl }] : []),
    ],
  });
}

/** What the command printed, and a Ctrl-C to press after `afterPages` progress lines. */
export function capturedIo(options: { stopAfterProgress?: number } = {}): BackfillIo & { lines: string[]; progressLines: string[] } {
  const lines: string[] = [];
  const progressLines: string[] = [];
  return {
    lines,
    progressLines,
    out: (text) => void lines.push(text),
    progress: (text) => void progressLines.push(text),
    stopped: () => options.stopAfterProgress !== undefined && progressLines.length >= options.stopAfterProgress,
  };
}

/** Records that were there before omnihub: made with webhooks off, as if long ago. */
export function beforeOmnihub<T>(p: Pipeline, seed: () => T): T {
  p.shopify.setWebhookUrl(undefined);
  p.hubspot.webhooks.targetUrl = undefined;
  p.square?.setWebhookUrl(undefined);
  try {
    return seed();
  } finally {
    p.shopify.setWebhookUrl(p.runtime.webhookUrl('shopify'));
    p.hubspot.webhooks.targetUrl = p.runtime.webhookUrl('hubspot');
    p.square?.setWebhookUrl(p.runtime.webhookUrl('square'));
  }
}
