import { ConnectorError } from '../../core/errors';
import { FIELD_NAMES, PartialFieldValuesSchema, type PartialFieldValues } from '../../core/model/customer';
import type { ClientOptions, CreateOutcome, CustomerTarget, WriteOutcome } from '../connector';
import { klaviyoApi, readKlaviyoFailure, type KlaviyoTuning } from './api';
import { klaviyoManifest, type KlaviyoConfig, type KlaviyoSecret } from './manifest';
import { fromKlaviyoProfile, toKlaviyoCreate, toKlaviyoFields, type KlaviyoProfileFields } from './mapping';
import { getProfile, parseProfile, readProfiles } from './profile-reads';
import type { KlaviyoProfile } from './schemas';

const SYSTEM = 'klaviyo';

/**
 * The CustomerTarget over Klaviyo's Profiles API. Email, phone and external_id each name at most
 * one profile. A create uses Create Profile, not the "create or update" import: when Klaviyo
 * already has someone with that email or phone, it answers 409 duplicate_profile with her id
 * instead of writing into a record that may be another customer's (docs/identity.md §4). The
 * profile's external_id is the omnihub id of the customer it was made for, so a create retried
 * after a lost answer finds the profile it made.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/create_profile
 */
export function createKlaviyoClient(options: ClientOptions<KlaviyoConfig, KlaviyoSecret>, tuning: KlaviyoTuning = {}): CustomerTarget {
  const { mapping, log } = options;
  const api = klaviyoApi(options, tuning);

  /** What the write left, for the fields we wrote, from Klaviyo's answer to that write (docs/identity.md §2). */
  function outcome(profile: KlaviyoProfile, written: PartialFieldValues): WriteOutcome {
    const now = fromKlaviyoProfile(profile, mapping);
    const writable = new Set<string>(klaviyoManifest.writableFields);
    const holds = PartialFieldValuesSchema.parse(
      Object.fromEntries(FIELD_NAMES.filter((name) => writable.has(name) && written[name] !== undefined).map((name) => [name, now[name] ?? null])),
    );
    return { externalId: profile.id, at: (profile.attributes.updated ?? new Date()).toISOString(), holds };
  }

  const get = (externalId: string) => getProfile(api, externalId);

  /** Which identifier the duplicate shares with what we tried to create (its external_id being ours: a create of ours, its answer lost). */
  function sharedIdentifier(duplicate: KlaviyoProfile | undefined, fields: KlaviyoProfileFields): 'email' | 'phone' {
    if (!duplicate) return fields.email ? 'email' : 'phone';
    const holds = fromKlaviyoProfile(duplicate, mapping);
    if (fields.phoneNumber && holds.phone === fields.phoneNumber && !(fields.email && holds.email === fields.email.toLowerCase())) return 'phone';
    return 'email';
  }

  async function patch(externalId: string, fields: KlaviyoProfileFields): Promise<KlaviyoProfile> {
    const answer = await api.call('update', ({ profilesApi }) =>
      profilesApi.updateProfile(externalId, { data: { type: 'profile', id: externalId, attributes: fields } }, { additionalFieldsProfile: ['subscriptions'] }),
    );
    return parseProfile(answer.body, 'update');
  }

  return {
    async create(values, scope = {}): Promise<CreateOutcome> {
      const fields = toKlaviyoCreate(values);
      if (!fields.email && !fields.phoneNumber && !scope.customerId) {
        throw new ConnectorError(SYSTEM, undefined, 'Klaviyo needs an email, a phone or an external id to create a profile; this customer has none of them', {
          retryable: false,
          metadata: { operation: 'create' },
        });
      }
      try {
        const answer = await api.call('create', ({ profilesApi }) =>
          profilesApi.createProfile(
            { data: { type: 'profile', attributes: { ...fields, ...(scope.customerId ? { externalId: scope.customerId } : {}) } } },
            { additionalFieldsProfile: ['subscriptions'] },
          ),
        );
        const profile = parseProfile(answer.body, 'create');
        log.info('Klaviyo profile created', { externalId: profile.id });
        return { kind: 'created', ...outcome(profile, values) };
      } catch (error) {
        const duplicateId = error instanceof ConnectorError && error.status === 409 ? readKlaviyoFailure(error.cause).duplicateProfileId : undefined;
        if (!duplicateId) throw error;
        const matchedOn = sharedIdentifier(await get(duplicateId), fields);
        log.info('Klaviyo already has this customer', { externalId: duplicateId, matchedOn });
        return { kind: 'exists', externalId: duplicateId, matchedOn };
      }
    },

    async update(externalId, values) {
      const fields = toKlaviyoFields(values);
      try {
        const profile = await patch(externalId, fields);
        log.info('Klaviyo profile updated', { externalId });
        return outcome(profile, values);
      } catch (error) {
        if (error instanceof ConnectorError && error.status === 404) throw missingProfile(externalId);
        const duplicateId = error instanceof ConnectorError && error.status === 409 ? readKlaviyoFailure(error.cause).duplicateProfileId : undefined;
        if (!duplicateId || fields.phoneNumber == null) throw error;
        const duplicate = await get(duplicateId);
        if (!duplicate || fromKlaviyoProfile(duplicate, mapping).phone !== fields.phoneNumber) throw error;
        // Klaviyo keeps phones unique and another profile holds this one (a shared phone, §3):
        // the rest is written, the phone is withheld until it changes.
        log.info('Klaviyo holds this phone on another profile; writing the rest without it', { externalId, otherExternalId: duplicateId });
        const { phoneNumber: _withheld, ...rest } = fields;
        const profile = await patch(externalId, rest);
        const { phone, ...written } = values;
        return { ...outcome(profile, written), withheld: { phone } };
      }
    },

    async read(externalIds) {
      const observations = await readProfiles(api, externalIds, mapping, log);
      log.debug('Klaviyo profiles read', { requested: new Set(externalIds).size, found: observations.length });
      return observations;
    },
  };
}

function missingProfile(externalId: string): ConnectorError {
  return new ConnectorError(SYSTEM, 404, `Klaviyo profile ${externalId} does not exist (deleted or merged in Klaviyo?); its link is stale`, {
    retryable: false,
    metadata: { externalId },
  });
}
