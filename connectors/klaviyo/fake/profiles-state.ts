import { klaviyoStamp, type IdSource } from './clock';
import { newSubscriptions, refreshReachability, type Subscriptions } from './consent';
import { klaviyoErrors, ok, refused, type Result } from './errors';

/**
 * The account's profiles, kept in wire shape (snake_case, every attribute present, `null` when
 * empty, as Klaviyo returns them). Rules, from the SDK's doc comments (profilesApi.d.ts) and
 * saas-api-facts.md §3:
 * - email, phone_number and external_id each name at most one profile. Emails compare without
 *   case and are kept lower-cased (chosen: saas-api-facts.md §8 "case-insensitive"; Klaviyo's
 *   samples show them lower-cased). Create Profile refuses any identifier already held (409
 *   duplicate_profile, `meta.duplicate_profile_id` = the holder). Update Profile refuses an
 *   identifier held by another profile the same way.
 * - Create or Update Profile (profile-import) targets `data.id` if given, else the profile its
 *   identifiers name; identifiers naming two different profiles are a 409 (the holder of the
 *   clashing identifier is the duplicate; precedence email > phone_number > external_id, chosen).
 * - "setting a field to null will clear out the field, whereas not including a field in your
 *   request will leave it unchanged". `location` merges key by key; `properties` merges key by
 *   key (a null value is kept as null: removing a key is `meta.patch_properties.unset`,
 *   profileMetaPatchProperties.d.ts); `properties: null` clears them all.
 * - Every accepted write through the API bumps `updated`, even one that changes nothing (chosen:
 *   a hub must recognise its own echoes). Consent changes never do (see consent.ts).
 */
export const TEXT_FIELDS = ['email', 'phone_number', 'external_id', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export const LOCATION_FIELDS = ['address1', 'address2', 'city', 'country', 'latitude', 'longitude', 'region', 'zip', 'timezone', 'ip'] as const;
export type LocationField = (typeof LOCATION_FIELDS)[number];
export const IDENTIFIERS = ['email', 'phone_number', 'external_id'] as const;
export type Identifier = (typeof IDENTIFIERS)[number];

export type ProfileLocation = Record<LocationField, string | number | null>;

export interface ProfileAttributes {
  email: string | null;
  phone_number: string | null;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  organization: string | null;
  locale: string | null;
  title: string | null;
  image: string | null;
  created: string;
  updated: string;
  last_event_date: string | null;
  location: ProfileLocation;
  properties: Record<string, unknown>;
  subscriptions: Subscriptions;
}

export interface FakeProfile {
  id: string;
  attributes: ProfileAttributes;
}

/** A write's attributes, validated: a present key sets (null clears), an absent one is left. */
export type ProfileInput = Partial<Record<TextField, string | null>> & {
  location?: Partial<ProfileLocation> | null;
  properties?: Record<string, unknown> | null;
  /** meta.patch_properties */
  patch?: { unset?: string[]; append?: Record<string, unknown>; unappend?: Record<string, unknown> };
};

export interface ProfilesSnapshot {
  profiles: FakeProfile[];
  lists: Array<{ id: string; profile_ids: string[] }>;
}

export function emptyLocation(): ProfileLocation {
  return Object.fromEntries(LOCATION_FIELDS.map((field) => [field, null])) as ProfileLocation;
}

export function identifierKey(field: Identifier, value: string): string {
  return field === 'email' ? value.trim().toLowerCase() : value;
}

export class ProfilesState {
  private readonly profiles = new Map<string, FakeProfile>();
  private readonly lists = new Map<string, Set<string>>();
  private listeners: Array<(profile: FakeProfile) => void> = [];

  constructor(
    private readonly now: () => Date,
    private readonly ids: IdSource,
  ) {}

  onChange(listener: (profile: FakeProfile) => void): void {
    this.listeners.push(listener);
  }

  get(id: string): FakeProfile | undefined {
    return this.profiles.get(id);
  }

  /** The live profiles, oldest first. */
  list(): FakeProfile[] {
    return [...this.profiles.values()];
  }

  /** The profile holding this identifier value, if any. */
  holder(field: Identifier, value: string): FakeProfile | undefined {
    const key = identifierKey(field, value);
    for (const profile of this.profiles.values()) {
      const held = profile.attributes[field];
      if (held !== null && identifierKey(field, held) === key) return profile;
    }
    return undefined;
  }

  /** The first profile other than `selfId` holding an identifier the input sets. */
  clash(input: ProfileInput, selfId?: string): FakeProfile | undefined {
    for (const field of IDENTIFIERS) {
      const value = input[field];
      if (typeof value !== 'string') continue;
      const holder = this.holder(field, value);
      if (holder && holder.id !== selfId) return holder;
    }
    return undefined;
  }

  /** Create Profile: 201, or 409 when any identifier is held. */
  create(input: ProfileInput): Result<FakeProfile> {
    if (!IDENTIFIERS.some((field) => typeof input[field] === 'string')) return refused(missingIdentifier());
    const holder = this.clash(input);
    if (holder) return refused(klaviyoErrors.duplicateProfile(holder.id));
    return ok(this.insert(input));
  }

  /** Create or Update Profile: the profile and whether it was made. */
  upsert(input: ProfileInput, id?: string): Result<{ profile: FakeProfile; created: boolean }> {
    if (id !== undefined) {
      if (!this.profiles.has(id)) return refused(klaviyoErrors.notFound(`A profile with id ${id} does not exist.`));
      const updated = this.update(id, input);
      return updated.ok ? ok({ profile: updated.value, created: false }) : updated;
    }
    const matched: FakeProfile[] = [];
    for (const field of IDENTIFIERS) {
      const value = input[field];
      if (typeof value !== 'string') continue;
      const holder = this.holder(field, value);
      if (holder && !matched.includes(holder)) matched.push(holder);
    }
    const [target, duplicate] = matched;
    if (duplicate) return refused(klaviyoErrors.duplicateProfile(duplicate.id));
    if (target) {
      const updated = this.update(target.id, input);
      return updated.ok ? ok({ profile: updated.value, created: false }) : updated;
    }
    if (!IDENTIFIERS.some((field) => typeof input[field] === 'string')) return refused(missingIdentifier());
    return ok({ profile: this.insert(input), created: true });
  }

  /**
   * Update Profile (and the UI's edits): merges and bumps `updated`; 404 unknown, 409 identifier
   * held elsewhere. `bump: 'if-changed'` (what an event or a subscribe job does to the profile it
   * names): `updated` moves only when an attribute changed.
   */
  update(id: string, input: ProfileInput, options: { bump?: 'always' | 'if-changed' } = {}): Result<FakeProfile> {
    const profile = this.profiles.get(id);
    if (!profile) return refused(klaviyoErrors.notFound(`A profile with id ${id} does not exist.`));
    const holder = this.clash(input, id);
    if (holder) return refused(klaviyoErrors.duplicateProfile(holder.id));
    const before = JSON.stringify(profile.attributes);
    apply(profile.attributes, input);
    const changed = JSON.stringify(profile.attributes) !== before;
    if (options.bump === 'if-changed' && !changed) return ok(profile);
    profile.attributes.updated = klaviyoStamp(this.now());
    this.changed(profile);
    return ok(profile);
  }

  /** A new profile from input whose identifiers the caller has checked. */
  insert(input: ProfileInput): FakeProfile {
    const at = klaviyoStamp(this.now());
    const attributes: ProfileAttributes = {
      ...(Object.fromEntries(TEXT_FIELDS.map((field) => [field, null])) as Record<TextField, null>),
      created: at,
      updated: at,
      last_event_date: null,
      location: emptyLocation(),
      properties: {},
      subscriptions: newSubscriptions(),
    };
    apply(attributes, input);
    const id = this.ids.profileId(this.now());
    const profile: FakeProfile = { id, attributes };
    this.profiles.set(id, profile);
    this.changed(profile);
    return profile;
  }

  /** Changes consent without bumping `updated` (the open fact, taken on the unkind side). */
  changeConsent(id: string, change: (subscriptions: Subscriptions, profile: FakeProfile) => void): FakeProfile {
    const profile = this.profiles.get(id);
    if (!profile) throw new Error(`Klaviyo fake: no profile ${id}`);
    change(profile.attributes.subscriptions, profile);
    refreshReachability(profile.attributes.subscriptions, profile.attributes);
    this.changed(profile);
    return profile;
  }

  /** An event was recorded for the profile: `last_event_date` moves forward; `updated` does not. */
  recordEventDate(id: string, datetime: string): void {
    const profile = this.profiles.get(id);
    if (!profile) return;
    const current = profile.attributes.last_event_date;
    if (current !== null && Date.parse(current) >= Date.parse(datetime)) return;
    profile.attributes.last_event_date = datetime;
    this.changed(profile);
  }

  addToList(listId: string, profileId: string): void {
    const members = this.lists.get(listId) ?? new Set<string>();
    members.add(profileId);
    this.lists.set(listId, members);
  }

  removeFromList(listId: string, profileId: string): void {
    this.lists.get(listId)?.delete(profileId);
  }

  inList(listId: string, profileId: string): boolean {
    return this.lists.get(listId)?.has(profileId) ?? false;
  }

  listsOf(profileId: string): string[] {
    return [...this.lists.entries()].filter(([, members]) => members.has(profileId)).map(([id]) => id);
  }

  snapshot(): ProfilesSnapshot {
    return {
      profiles: structuredClone(this.list()),
      lists: [...this.lists.entries()].map(([id, members]) => ({ id, profile_ids: [...members] })),
    };
  }

  load(snapshot: ProfilesSnapshot): void {
    this.profiles.clear();
    this.lists.clear();
    for (const profile of snapshot.profiles) this.profiles.set(profile.id, structuredClone(profile));
    for (const list of snapshot.lists) this.lists.set(list.id, new Set(list.profile_ids));
  }

  private changed(profile: FakeProfile): void {
    for (const listener of this.listeners) listener(profile);
  }
}

function missingIdentifier() {
  return klaviyoErrors.invalidAt('/data/attributes', 'A profile must have at least one of the following identifiers: email, phone_number, external_id.');
}

/** Merges a write into the attributes (null clears, absent leaves). */
function apply(attributes: ProfileAttributes, input: ProfileInput): void {
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value !== undefined) attributes[field] = field === 'email' && value !== null ? value.trim().toLowerCase() : value;
  }
  if (input.location === null) attributes.location = emptyLocation();
  else if (input.location !== undefined) {
    for (const field of LOCATION_FIELDS) {
      const value = input.location[field];
      if (value !== undefined) attributes.location[field] = value;
    }
  }
  if (input.properties === null) attributes.properties = {};
  else if (input.properties !== undefined) attributes.properties = { ...attributes.properties, ...structuredClone(input.properties) };
  const patch = input.patch;
  if (patch) {
    for (const key of patch.unset ?? []) delete attributes.properties[key];
    for (const [key, value] of Object.entries(patch.append ?? {})) {
      const current = attributes.properties[key];
      const list = Array.isArray(current) ? [...(current as unknown[])] : current === undefined || current === null ? [] : [current];
      attributes.properties[key] = [...list, ...(Array.isArray(value) ? value : [value])];
    }
    for (const [key, value] of Object.entries(patch.unappend ?? {})) {
      const current = attributes.properties[key];
      if (!Array.isArray(current)) continue;
      const removed = new Set((Array.isArray(value) ? value : [value]).map((each) => JSON.stringify(each)));
      attributes.properties[key] = (current as unknown[]).filter((each) => !removed.has(JSON.stringify(each)));
    }
  }
  refreshReachability(attributes.subscriptions, attributes);
}
