import { ConnectorError } from '../../core/errors';
import type { Observation } from '../../core/model/observation';
import type { LogSink } from '../../core/log';
import type { MappingContext } from '../connector';
import type { klaviyoApi } from './api';
import { toObservation } from './mapping';
import { KlaviyoProfileResponseSchema, type KlaviyoProfile } from './schemas';

/**
 * Profiles read one by one, by id, with their consent: Get Profiles is served from an index that
 * lags writes, Get Profile is not, and both the read before a write (client.ts) and the poll's
 * re-read of the profiles a consent event names (reader.ts) must see the profile as it is.
 */
const READ_CONCURRENCY = 8;

type Api = ReturnType<typeof klaviyoApi>;

export async function getProfile(api: Api, externalId: string): Promise<KlaviyoProfile | undefined> {
  try {
    const answer = await api.call('get', ({ profilesApi }) => profilesApi.getProfile(externalId, { additionalFieldsProfile: ['subscriptions'] }));
    return parseProfile(answer.body, 'get');
  } catch (error) {
    if (error instanceof ConnectorError && error.status === 404) return undefined;
    throw error;
  }
}

/** The profiles as observations; ids Klaviyo does not know (deleted, merged away) are left out. */
export async function readProfiles(api: Api, externalIds: readonly string[], mapping: MappingContext, log: LogSink): Promise<Observation[]> {
  const ids = [...new Set(externalIds)];
  const observations: Observation[] = [];
  for (let start = 0; start < ids.length; start += READ_CONCURRENCY) {
    const profiles = await Promise.all(ids.slice(start, start + READ_CONCURRENCY).map((id) => getProfile(api, id)));
    for (const profile of profiles) {
      if (!profile) continue;
      const observation = toObservation(profile, mapping);
      if (observation.unusable) log.warn('Klaviyo profile holds values that cannot be normalized', { externalId: profile.id, fields: observation.unusable.join(',') });
      observations.push(observation);
    }
  }
  return observations;
}

export function parseProfile(body: unknown, operation: string): KlaviyoProfile {
  const parsed = KlaviyoProfileResponseSchema.safeParse(body);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.map(String).join('.')).join(', ');
    throw new ConnectorError('klaviyo', 200, `Klaviyo ${operation}: the response did not have the expected shape (${paths})`, { retryable: false, metadata: { operation } });
  }
  return parsed.data.data;
}
