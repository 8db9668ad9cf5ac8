import { z } from 'zod';

/** Every omnihub event on the bus has this source; rules match on it and on detail-type. */
export const EVENT_SOURCE = 'omnihub';

/** Fields every event detail carries: a schema version and the correlation id of the webhook that started it all. */
export const DetailBaseSchema = z.object({
  schemaVersion: z.literal(1),
  correlationId: z.string().min(1).max(100),
});

/**
 * The EventBridge envelope as a target receives it (and as the local bus builds it).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export const BusEnvelopeSchema = z.object({
  version: z.string().optional(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.literal(EVENT_SOURCE),
  account: z.string().optional(),
  time: z.string(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});
export type BusEnvelope = z.infer<typeof BusEnvelopeSchema>;
