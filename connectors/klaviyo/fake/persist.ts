import { z } from 'zod';
import { debouncedSave, readSavedState, writeSavedState } from '../../testing/saved-state';
import type { IdSourceState } from './clock';
import type { EventsSnapshot } from './events-state';
import type { QueuedJob } from './jobs';
import type { ProfilesSnapshot } from './profiles-state';

/**
 * Keeps the fake account on disk for `npm start` (option `persistPath`), like the Square fake's
 * persist.ts: loaded once at start when the file exists, saved shortly after each change
 * (debounced; written to a temporary file, then renamed) and on close. Profiles (with consent and
 * list memberships), metrics, events (the unique_id dedupe is rebuilt from them), jobs accepted
 * but not yet applied (Klaviyo would not forget a 202), and where the id stream stands. Read back
 * through zod, never trusted.
 */

export interface AccountSnapshot {
  ids: IdSourceState;
  profiles: ProfilesSnapshot;
  events: EventsSnapshot;
  jobs: QueuedJob[];
}

const stamp = z.string();
const nullableText = z.string().nullable();
const count = z.number().int().nonnegative();
const Channel = { consent: z.enum(['SUBSCRIBED', 'UNSUBSCRIBED', 'NEVER_SUBSCRIBED']), consent_timestamp: nullableText, method: nullableText, method_detail: nullableText, last_updated: nullableText };

const ProfileSchema = z.object({
  id: z.string(),
  attributes: z.object({
    email: nullableText,
    phone_number: nullableText,
    external_id: nullableText,
    first_name: nullableText,
    last_name: nullableText,
    organization: nullableText,
    locale: nullableText,
    title: nullableText,
    image: nullableText,
    created: stamp,
    updated: stamp,
    last_event_date: nullableText,
    location: z.object({
      address1: nullableText,
      address2: nullableText,
      city: nullableText,
      country: nullableText,
      latitude: z.union([z.string(), z.number()]).nullable(),
      longitude: z.union([z.string(), z.number()]).nullable(),
      region: nullableText,
      zip: nullableText,
      timezone: nullableText,
      ip: nullableText,
    }),
    properties: z.record(z.string(), z.unknown()),
    subscriptions: z.object({
      email: z.object({
        marketing: z.object({
          can_receive_email_marketing: z.boolean(),
          ...Channel,
          custom_method_detail: nullableText,
          double_optin: z.boolean().nullable(),
          suppression: z.array(z.object({ reason: z.enum(['HARD_BOUNCE', 'INVALID_EMAIL', 'SPAM_COMPLAINT', 'UNSUBSCRIBE', 'USER_SUPPRESSED']), timestamp: stamp })),
          list_suppressions: z.array(z.object({ list_id: z.string(), reason: z.string(), timestamp: stamp })),
        }),
      }),
      sms: z.object({
        marketing: z.object({ can_receive_sms_marketing: z.boolean(), ...Channel }),
        transactional: z.object({ can_receive_sms_transactional: z.boolean(), ...Channel }),
      }),
    }),
  }),
});

const IntegrationSchema = z.object({ object: z.literal('integration'), id: z.string(), key: z.string(), name: z.string(), category: z.string() });

const EventSchema = z.object({
  id: z.string(),
  metric: z.string(),
  metricId: z.string(),
  profileId: z.string(),
  uniqueId: z.string(),
  time: z.string(),
  value: z.number().optional(),
  valueCurrency: z.string().optional(),
  properties: z.record(z.string(), z.unknown()),
  datetime: z.string(),
  uuid: z.string(),
});

const PersistedAccountSchema = z.object({
  version: z.literal(1),
  ids: z.object({ seed: z.number().int(), draws: count, lastTime: z.number().optional() }),
  profiles: z.array(ProfileSchema),
  lists: z.array(z.object({ id: z.string(), profile_ids: z.array(z.string()) })),
  metrics: z.array(z.object({ id: z.string(), name: z.string(), created: stamp, updated: stamp, integration: IntegrationSchema })),
  events: z.array(EventSchema),
  // Jobs are written by this module only; their shape is checked loosely (kind and due time).
  jobs: z.array(z.object({ dueAt: z.number(), job: z.object({ kind: z.enum(['subscribe', 'unsubscribe', 'event']) }).passthrough() })),
});

/** The saved account at `path`, or undefined when there is none yet. A corrupt file is an error naming it. */
export function loadAccount(path: string): AccountSnapshot | undefined {
  const saved = readSavedState(path, PersistedAccountSchema, 'Klaviyo');
  if (!saved) return undefined;
  return {
    ids: saved.ids,
    profiles: { profiles: saved.profiles, lists: saved.lists },
    events: { metrics: saved.metrics, events: saved.events },
    jobs: saved.jobs as unknown as QueuedJob[],
  };
}

export function saveAccount(path: string, snapshot: AccountSnapshot): void {
  writeSavedState(path, {
    version: 1,
    ids: snapshot.ids,
    profiles: snapshot.profiles.profiles,
    lists: snapshot.profiles.lists,
    metrics: snapshot.events.metrics,
    events: snapshot.events.events,
    jobs: snapshot.jobs,
  });
}

/** Saves the account shortly after each change (`schedule`); `flush()` saves now if anything is pending. */
export function persistAccount(snapshot: () => AccountSnapshot, path: string): { schedule(): void; flush(): void } {
  const { schedule, flush } = debouncedSave(() => saveAccount(path, snapshot()));
  return { schedule, flush };
}
