import { ConnectorError } from '../../core/errors';
import { FIELD_NAMES, PartialFieldValuesSchema, type FieldName, type PartialFieldValues } from '../../core/model/customer';
import type { Observation } from '../../core/model/observation';
import { fieldsChangedSince, RecordChangedSinceRead, type UpdateOptions } from '../../core/sync/customer-target';
import type { ClientOptions, CreateOutcome, CustomerTarget, WriteOutcome } from '../connector';
import { klaviyoApi, readKlaviyoFailure, type KlaviyoTuning } from './api';
import { writeConsent } from './consent-writes';
import { klaviyoManifest, type KlaviyoConfig, type KlaviyoSecret } from './manifest';
import { fromKlaviyoProfile, toKlaviyoCreate, toKlaviyoFields, toObservation, type KlaviyoProfileFields } from './mapping';
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

  /**
   * What the write left, for the fields we wrote (docs/identity.md §2): the profile's fields from
   * Klaviyo's answer to that write, at its `updated`; consent from the jobs that write it
   * (consent-writes.ts), to the profile's email and phone as they now are, at Klaviyo's clock
   * when it took each job (§10).
   */
  async function finish(profile: KlaviyoProfile, written: PartialFieldValues, withheld: PartialFieldValues = {}): Promise<WriteOutcome> {
    const now = fromKlaviyoProfile(profile, mapping);
    const writable = new Set<string>(klaviyoManifest.writableFields);
    const profileFields = FIELD_NAMES.filter((name) => writable.has(name) && !CONSENT_FIELDS.has(name) && written[name] !== undefined);
    const consent = await writeConsent(api, options.config, { email: profile.attributes.email, phoneNumber: profile.attributes.phoneNumber }, pick(written, CONSENT_FIELDS));
    const holds = PartialFieldValuesSchema.parse({ ...Object.fromEntries(profileFields.map((name) => [name, now[name] ?? null])), ...consent.holds });
    const allWithheld = { ...withheld, ...consent.withheld };
    return {
      externalId: profile.id,
      at: (profile.attributes.updated ?? new Date()).toISOString(),
      holds,
      ...(Object.keys(consent.fieldTimes).length > 0 ? { fieldTimes: consent.fieldTimes } : {}),
      ...(Object.keys(allWithheld).length > 0 ? { withheld: allWithheld } : {}),
    };
  }

  const get = (externalId: string) => getProfile(api, externalId);

  /** Which identifier the duplicate shares with what we tried to create (its external_id being ours: a create of ours, its answer lost). */
  function sharedIdentifier(duplicate: KlaviyoProfile | undefined, fields: KlaviyoProfileFields): 'email' | 'phone' {
    if (!duplicate) return fields.email ? 'email' : 'phone';
    const holds = fromKlaviyoProfile(duplicate, mapping);
    if (fields.phoneNumber && holds.phone === fields.phoneNumber && !(fields.email && holds.email === fields.email.toLowerCase())) return 'phone';
    return 'email';
  }

  /**
   * Update Profile. Klaviyo has no version condition: a PATCH refused with a 429 or 5xx is sent
   * again only after reading the profile anew, and not at all when a field it would write changed
   * since sync's read (a person's edit during the wait: RecordChangedSinceRead, §2).
   */
  async function patch(externalId: string, fields: KlaviyoProfileFields, values: PartialFieldValues, read: Observation | undefined): Promise<KlaviyoProfile> {
    const stillAsRead = async () => {
      if (!read) return;
      const current = await get(externalId);
      if (!current) throw missingProfile(externalId);
      const now = toObservation(current, mapping);
      const changed = fieldsChangedSince(read, now, values);
      if (changed.length > 0) {
        log.info('Klaviyo profile changed since sync read it; not writing', { externalId, fields: changed.join(',') });
        throw new RecordChangedSinceRead(SYSTEM, now);
      }
    };
    const answer = await api.call(
      'update',
      ({ profilesApi }) => profilesApi.updateProfile(externalId, { data: { type: 'profile', id: externalId, attributes: fields } }, { additionalFieldsProfile: ['subscriptions'] }),
      { beforeRetry: stillAsRead },
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
        return { kind: 'created', ...(await finish(profile, values)) };
      } catch (error) {
        const duplicateId = error instanceof ConnectorError && error.status === 409 ? readKlaviyoFailure(error.cause).duplicateProfileId : undefined;
        if (!duplicateId) throw error;
        const matchedOn = sharedIdentifier(await get(duplicateId), fields);
        log.info('Klaviyo already has this customer', { externalId: duplicateId, matchedOn });
        return { kind: 'exists', externalId: duplicateId, matchedOn };
      }
    },

    async update(externalId, values, { read }: UpdateOptions = {}) {
      const fields = toKlaviyoFields(values);
      try {
        // Consent alone changes no profile field: nothing to PATCH, only the profile to read.
        const profile = Object.keys(fields).length > 0 ? await patch(externalId, fields, values, read) : await get(externalId);
        if (!profile) throw missingProfile(externalId);
        log.info('Klaviyo profile updated', { externalId });
        return await finish(profile, values);
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
        const { phone, ...written } = values;
        const profile = await patch(externalId, rest, written, read);
        return finish(profile, written, { phone });
      }
    },

    async read(externalIds) {
      const observations = await readProfiles(api, externalIds, mapping, log);
      log.debug('Klaviyo profiles read', { requested: new Set(externalIds).size, found: observations.length });
      return observations;
    },
  };
}

const CONSENT_FIELDS: ReadonlySet<FieldName> = new Set(['emailConsent', 'smsConsent']);

function pick(values: PartialFieldValues, names: ReadonlySet<FieldName>): PartialFieldValues {
  return Object.fromEntries(Object.entries(values).filter(([name]) => names.has(name as FieldName)));
}

function missingProfile(externalId: string): ConnectorError {
  return new ConnectorError(SYSTEM, 404, `Klaviyo profile ${externalId} does not exist (deleted or merged in Klaviyo?); its link is stale`, {
    retryable: false,
    metadata: { externalId },
  });
}
