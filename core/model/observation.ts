import { z } from 'zod';
import { PartialFieldValuesSchema } from './customer';
import { ExternalIdSchema, SystemIdSchema, TimestampSchema } from './system';

/**
 * What one system told us about one person: its record id, the values it holds and the
 * time the system itself gives for that state (updated_at / lastmodifieddate).
 */
export const ObservationSchema = z.object({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  observedAt: TimestampSchema,
  values: PartialFieldValuesSchema,
});
export type Observation = z.infer<typeof ObservationSchema>;
