import { z } from 'zod';
import type { ForcedFailure, FakeProfile, KlaviyoFake } from '../../../connectors/klaviyo/fake/server';
import { ApiFaultInjector } from '../../../connectors/testing/api-faults';
import { INVOCATION_HEADER, requestLogOf, type RecordedRequest } from '../../../connectors/testing/fake-http';
import { seededRandom, streamSeed } from '../../../connectors/testing/seeded-random';
import { ADDRESS_KEY_PARTS, addressKey, addressKeyPart, CHECKED_FIELDS, emailKey, phoneKey, textKey, type AddressParts, type RecordValues, type SnapshotRecord } from '../model';
import type { RecordChange, SightingTrail } from '../sightings';
import type { PersonFields, VendorAdapter, Written } from './adapter';

/**
 * Klaviyo through its fake: the shop's staff editing profiles in Klaviyo's UI (`editProfile`),
 * and sign-ups made in Klaviyo itself (a form, an import), over its API as Klaviyo's own UI would
 * (POST /api/profiles, tagged as the person's so nothing counts it as the hub's). Fields as
 * connectors/klaviyo/mapping.ts maps them: email, phone_number, first_name, last_name, and the
 * location's address1 / city / zip / country (free text, read back as the code: a person types
 * "United States" for a third of the addresses, "US" for the rest). Klaviyo keeps phones unique,
 * as Shopify does.
 *
 * Klaviyo sends no webhooks: every edit made there is known to the hub only through a read of
 * the profile after it (the poll's Get Profiles pages, served from an index that lags writes by
 * `searchLagMs`; Get Profile by id, before each write and in the poll's consent phase). The
 * adapter keeps the trail the checker judges those edits by (test/chaos/sightings.ts): every
 * change committed to a profile (the person's, the hub's writes, noticed as each request is
 * recorded) and, from the request log, every read of one, and the read the hub owes before it
 * sends a refused write again (docs/identity.md §2).
 *
 * The fake has no seeded fault injector, only `forceFailure` (the next API call answers Klaviyo's
 * own 429 or 5xx): the adapter draws a seeded decision as each of the hub's API requests is
 * recorded and forces the drawn failure on the next one.
 */
const PERSON = 'person#klaviyo-ui';
const REVISION = '2026-07-15';
/** A poll page shows the index as it was `searchLagMs` ago; this much earlier still, so a change made at the edge is not taken as shown. */
const INDEX_MARGIN_MS = 20;
const SERVER_ERRORS = [500, 502, 503, 504] as const;

const Created = z.object({ data: z.object({ id: z.string(), attributes: z.object({ updated: z.string() }).loose() }).loose() }).loose();

export function klaviyoAdapter(fake: KlaviyoFake, options: { privateKey: string; searchLagMs: number }): VendorAdapter {
  const log = requestLogOf(fake.requests);
  if (!log) throw new Error('the Klaviyo fake keeps no request log to subscribe to');

  // --- the trail ---------------------------------------------------------------------------
  const known = new Map<string, { values: RecordValues; updatedAt: number }>();
  const changes: RecordChange[] = [];

  const note = (profile: FakeProfile, by: string) => {
    const values = toValues(profile);
    const updatedAt = Date.parse(profile.attributes.updated);
    const was = known.get(profile.id);
    const fields = CHECKED_FIELDS.filter((field) => (was?.values[field] ?? null) !== (values[field] ?? null));
    if (was && was.updatedAt === updatedAt && fields.length === 0) return;
    const addressParts = [...ADDRESS_KEY_PARTS.keys()].filter((index) => addressKeyPart(was?.values.address, index) !== addressKeyPart(values.address, index));
    changes.push({ externalId: profile.id, at: Date.now(), updatedAt, fields, addressParts, by });
    known.set(profile.id, { values, updatedAt });
  };
  const noteOne = (id: string, by: string) => {
    const profile = fake.profile(id);
    if (profile) note(profile, by);
  };
  const noteAll = (by: string) => {
    for (const profile of fake.profiles()) note(profile, by);
  };

  // As each request is recorded (after the fake applied it, before it answers): what it changed.
  log.subscribe((request) => {
    if (!request.path.startsWith('/api/')) return;
    const profileId = profileOf(request);
    // Profile writes apply at once; the 202 jobs (consent, events) later, and they change no checked field but a
    // subscribe's new profile, which the next full look (a sign-up, a poll page) notes.
    const by = request.invocation === PERSON ? 'person' : (request.invocation ?? 'hub');
    if (request.method !== 'GET' && request.status < 300) {
      if (profileId) noteOne(profileId, by);
      else if (request.path === '/api/profiles' || request.path === '/api/profile-import') noteAll(by);
    }
    if (request.method === 'GET' && request.path === '/api/profiles') noteAll('hub (a job)');
  });

  // --- faults --------------------------------------------------------------------------------
  let injector: ApiFaultInjector | undefined;
  /** Failures forced for the hub's requests that a sign-up of the person's took: forced again once it is made. */
  const handBack: ForcedFailure[] = [];

  // --- the person ------------------------------------------------------------------------------
  async function signUp(fields: PersonFields): Promise<Written> {
    const attributes = toAttributes(fields, 'create');
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const response = await fetch(`${fake.baseUrl}/api/profiles`, {
        method: 'POST',
        headers: {
          authorization: `Klaviyo-API-Key ${options.privateKey}`,
          revision: REVISION,
          'content-type': 'application/vnd.api+json',
          accept: 'application/vnd.api+json',
          [INVOCATION_HEADER]: PERSON,
        },
        body: JSON.stringify({ data: { type: 'profile', attributes } }),
      });
      const text = await response.text();
      if (response.status === 201) {
        const created = Created.parse(JSON.parse(text));
        noteOne(created.data.id, 'person');
        for (const failure of handBack.splice(0)) fake.forceFailure(failure);
        return { externalId: created.data.id, at: Date.parse(created.data.attributes.updated) };
      }
      // Klaviyo's UI does not answer a person 429 or 5xx: a failure forced for the hub landed here.
      if (response.status === 429) handBack.push({ status: 429, retryAfterSeconds: Number(response.headers.get('retry-after') ?? 1) });
      else if ((SERVER_ERRORS as readonly number[]).includes(response.status)) handBack.push({ status: response.status as ForcedFailure['status'] });
      else throw new Error(`Klaviyo refused the sign-up: ${response.status} ${text.slice(0, 200)}`);
    }
    throw new Error('Klaviyo kept refusing the sign-up');
  }

  const isWrite = (request: RecordedRequest) => request.invocation !== PERSON && request.method !== 'GET' && request.path.startsWith('/api/');
  const succeeded = (request: RecordedRequest) => request.status >= 200 && request.status < 300;

  return {
    system: 'klaviyo',
    polled: { trail: () => klaviyoTrail(changes, fake.requests, options.searchLagMs) },
    clockResolutionMs: 1000,
    create: (fields) => signUp(fields),
    update(id, fields) {
      const profile = fake.editProfile(id, toAttributes(fields, 'edit'));
      note(profile, 'person');
      return { externalId: id, at: Date.parse(profile.attributes.updated) };
    },
    findByEmail: (email) => fake.profiles().find((profile) => emailKey(profile.attributes.email) === emailKey(email))?.id,
    read(id) {
      const profile = fake.profile(id);
      return profile ? toRecord(profile) : undefined;
    },
    list: () => fake.profiles().map(toRecord),
    // No remove: Klaviyo's API deletes a profile only through a data privacy deletion request, and
    // the fake has none. No merge: Klaviyo keeps email and phone unique per profile (as Shopify).
    isSuccessfulWrite: (request) => isWrite(request) && succeeded(request),
    writes: () => fake.requests.filter((request) => isWrite(request) && succeeded(request)).length,
    requests: fake.requests,
    injectApiFaults({ seed, rateLimited, serverError }) {
      if (injector) {
        injector.configure({ seed, rateLimited, serverError });
        return injector;
      }
      const chosen = new ApiFaultInjector(seed);
      chosen.configure({ rateLimited, serverError });
      injector = chosen;
      const status = seededRandom(streamSeed(seed, 'status'));
      log.subscribe((request) => {
        if (!request.path.startsWith('/api/') || request.invocation === PERSON) return;
        const fault = chosen.decide();
        if (fault === 'rate_limited') fake.forceFailure({ status: 429, retryAfterSeconds: 1 });
        else if (fault === 'server_error') fake.forceFailure({ status: SERVER_ERRORS[Math.floor(status() * SERVER_ERRORS.length)]! });
      });
      return chosen;
    },
    apiFaultSource: () => (injector && injector.current.rateLimited + injector.current.serverError > 0 ? 'forced' : 'off'),
  };
}

/**
 * The trail of Klaviyo's profiles: the changes noted as they were committed, and the hub's reads
 * from the request log (pure: a dump's requests and changes give the same trail): each Get
 * Profile, each poll page (every profile its index showed, `searchLagMs` before), and the read
 * owed before each Update Profile sent again after Klaviyo refused it (docs/identity.md §2).
 */
export function klaviyoTrail(changes: readonly RecordChange[], requests: readonly RecordedRequest[], searchLagMs: number): SightingTrail {
  /** Reads of profiles by the hub: one by id, or a poll page (no id: every profile the index then showed). */
  const reads: Array<{ externalId?: string; at: number; by: string; owed?: string }> = [];
  /** Per invocation and profile: its last read of the profile, and its last refused write of it since (a 429 or 5xx). */
  const lastRead = new Map<string, number>();
  const refused = new Map<string, { at: number; status: number }>();
  for (const request of requests) {
    if (!request.path.startsWith('/api/') || request.invocation === PERSON) continue;
    const by = request.invocation ?? 'hub';
    const profileId = profileOf(request);
    const key = profileId ? `${by}|${profileId}` : undefined;
    if (key && request.method === 'PATCH' && writesCheckedFields(request.body)) {
      // A write sent again after a refused attempt, with no read of the profile between: the read the
      // hub owed before it is where an edit made during the wait would have been seen.
      const before = refused.get(key);
      if (request.status === 429 || request.status >= 500) refused.set(key, { at: request.at, status: request.status });
      else if (before && before.at > (lastRead.get(key) ?? Number.NEGATIVE_INFINITY) && request.status < 300) {
        refused.delete(key);
        reads.push({
          externalId: profileId!,
          at: request.at - 1,
          by,
          owed: `${by} wrote it again ${request.at - before.at} ms after Klaviyo refused the write (${before.status} at ${new Date(before.at).toISOString()}) without reading it again`,
        });
      }
    }
    if (request.method !== 'GET' || request.status !== 200) continue;
    if (key) lastRead.set(key, request.at);
    if (profileId) reads.push({ externalId: profileId, at: request.at, by });
    else if (request.path === '/api/profiles') reads.push({ at: request.at - searchLagMs - INDEX_MARGIN_MS, by });
  }
  return {
    changes,
    sightings: (externalId, after) =>
      reads.filter((read) => read.at > after && (read.externalId === undefined || read.externalId === externalId)).map(({ at, by, owed }) => ({ at, by, ...(owed ? { owed } : {}) })),
  };
}

/** The profile a request names in its path (Get / Update Profile). */
function profileOf(request: RecordedRequest): string | undefined {
  const id = /^\/api\/profiles\/([^/]+)$/.exec(request.path)?.[1];
  return id === undefined ? undefined : decodeURIComponent(id);
}

/** The person's fields as Klaviyo's profile attributes: on a sign-up only what was given; an edit clears with null (the whole location at once). */
function toAttributes(fields: PersonFields, kind: 'create' | 'edit'): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const set = (name: string, value: string | null | undefined) => {
    if (value === undefined || (kind === 'create' && value === null)) return;
    attributes[name] = value;
  };
  set('email', fields.email);
  set('phone_number', fields.phone);
  set('first_name', fields.firstName);
  set('last_name', fields.lastName);
  if (fields.address === null && kind === 'edit') attributes.location = null;
  else if (fields.address) {
    const location: Record<string, string> = {};
    if (fields.address.line1) location.address1 = fields.address.line1;
    if (fields.address.city) location.city = fields.address.city;
    if (fields.address.postalCode) location.zip = fields.address.postalCode;
    if (fields.address.country) location.country = countryAsTyped(fields.address);
    attributes.location = location;
  }
  return attributes;
}

/** Klaviyo's country is free text: a third of the addresses a person types name the country in words (deterministic, by the zip). */
function countryAsTyped(address: AddressParts): string {
  const country = address.country!;
  return country === 'US' && Number(address.postalCode ?? 0) % 3 === 0 ? 'United States' : country;
}

/** The countries the workload types, in words, as the code (what mapping.ts reads them as); anything else as typed, so the checker sees it. */
const COUNTRY_NAMES: Record<string, string> = { us: 'US', usa: 'US', 'united states': 'US', 'united states of america': 'US' };

function countryKey(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  return COUNTRY_NAMES[raw.trim().toLowerCase()] ?? raw.trim();
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const PatchBody = z.object({ data: z.object({ attributes: z.record(z.string(), z.unknown()) }).loose() }).loose();
const CHECKED_ATTRIBUTES = ['email', 'phone_number', 'first_name', 'last_name', 'location'];

/** An Update Profile that writes a field the checker compares (not only the stats' `properties`). */
function writesCheckedFields(body: unknown): boolean {
  const parsed = PatchBody.safeParse(body);
  return parsed.success && CHECKED_ATTRIBUTES.some((name) => name in parsed.data.data.attributes);
}

function toValues(profile: FakeProfile): RecordValues {
  const { attributes } = profile;
  const location = attributes.location;
  return {
    email: emailKey(attributes.email),
    phone: phoneKey(attributes.phone_number),
    firstName: textKey(attributes.first_name),
    lastName: textKey(attributes.last_name),
    address: addressKey({ line1: text(location.address1), city: text(location.city), postalCode: text(location.zip), country: countryKey(location.country) }),
  };
}

function toRecord(profile: FakeProfile): SnapshotRecord {
  return { system: 'klaviyo', externalId: profile.id, values: toValues(profile) };
}
