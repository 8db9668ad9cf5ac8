import * as z from '../schema';

/** Every omnihub event on the bus has this source; rules match on it and on detail-type. */
export const EVENT_SOURCE = 'omnihub';

/** Fields every event detail carries: a schema version and the correlation id of the webhook that started it all. */
export const DetailBaseSchema = z.object({
  schemaVersion: z.literal(1),
  correlationId: z.string().check(z.minLength(1), z.maxLength(100)),
});

/**
 * The EventBridge envelope as a target receives it (and as the local bus builds it).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export const BusEnvelopeSchema = z.object({
  version: z.optional(z.string()),
  id: z.string(),
  'detail-type': z.string(),
  source: z.literal(EVENT_SOURCE),
  account: z.optional(z.string()),
  time: z.string(),
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.unknown(),
});
export type BusEnvelope = z.infer<typeof BusEnvelopeSchema>;
