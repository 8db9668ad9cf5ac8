/**
 * What the chaos run knows and sees, in one vendor-neutral shape: the ground truth the driver
 * builds as it plays people editing records, and the snapshot read back from the systems and
 * the identity table once everything is quiet. The checker compares the two.
 */

export type SystemName = 'shopify' | 'hubspot' | 'square' | 'klaviyo';
export const SYSTEMS: readonly SystemName[] = ['shopify', 'hubspot', 'square', 'klaviyo'];
/** Systems that keep a phone to one record (Shopify's customers, Klaviyo's profiles): a family's shared phone is held by one of them only. */
export const UNIQUE_PHONES: readonly SystemName[] = ['shopify', 'klaviyo'];

/** The fields the workload edits and the checker compares. Address is compared part by part as "line1|city|zip|country". */
export type CheckedField = 'email' | 'phone' | 'firstName' | 'lastName' | 'address';
export const CHECKED_FIELDS: readonly CheckedField[] = ['email', 'phone', 'firstName', 'lastName', 'address'];

/** A field's value as compared: text, or null when the record holds nothing. */
export type FieldValue = string | null;
export type RecordValues = Partial<Record<CheckedField, FieldValue>>;

export interface AddressParts {
  line1: string | null;
  city: string | null;
  postalCode: string | null;
  country: string | null;
}

/** The comparable form of an address; null when every part is empty. */
export function addressKey(address: Partial<AddressParts> | null | undefined): FieldValue {
  if (!address) return null;
  const parts = [address.line1, address.city, address.postalCode, address.country].map((part) => part?.trim() || '');
  if (parts.every((part) => part === '')) return null;
  return parts.join('|');
}

/** The parts of an address key, in its order: compared one by one, as omnihub merges them. */
export const ADDRESS_KEY_PARTS = ['line1', 'city', 'postalCode', 'country'] as const;

/** One part of an address key ("line1|city|zip|country"), by its place; '' when it has none. */
export function addressKeyPart(address: FieldValue | undefined, index: number): string {
  return address ? (address.split('|')[index] ?? '') : '';
}

/** The comparable form of a phone: digits and a leading +. */
export function phoneKey(phone: string | null | undefined): FieldValue {
  if (!phone?.trim()) return null;
  return phone.replace(/[^\d+]/g, '');
}

export function emailKey(email: string | null | undefined): FieldValue {
  return email?.trim() ? email.trim().toLowerCase() : null;
}

export function textKey(text: string | null | undefined): FieldValue {
  return text?.trim() ? text.trim() : null;
}

export const recordKey = (system: SystemName, externalId: string) => `${system}:${externalId}`;

// --- ground truth ------------------------------------------------------------------------

export interface TruthPerson {
  id: string;
  email: string;
}

/** A record the workload made or learned of, and whose person it is. */
export interface TruthRecord {
  system: SystemName;
  externalId: string;
  person: string;
  /** Deleted in the vendor, or merged away: no longer a record of the person. */
  gone: boolean;
  /** A second record of the same person made on purpose (to be merged): not a duplicate until it is merged away. */
  deliberateDuplicate: boolean;
  /** Deleted by a person in the vendor (not merged away): what was on it (a message's copy) went with it. */
  deleted?: true;
}

/** A message a person sent the shop from their phone (Twilio: SMS or WhatsApp), by its MessageSid. */
export interface TruthMessage {
  sid: string;
  person: string;
  /** The sender's phone, E.164 (without WhatsApp's prefix). */
  phone: string;
  channel: 'sms' | 'whatsapp';
  /** A whole-message STOP on SMS: her SMS marketing consent is unsubscribed from then on (docs/identity.md §10, §11). */
  stop: boolean;
  /** Sent before any record of hers existed: a phone-only customer, joined later by her first record (§3's exception). */
  beforeAnyRecord: boolean;
  /** Real time it was sent (ms). */
  at: number;
}

/** One edit a person made, with the vendor's own time for it (source time). */
export interface TruthEdit {
  person: string;
  system: SystemName;
  field: CheckedField;
  value: FieldValue;
  /** The source time in ms as the vendor reports it (Shopify and Square: updated_at, Klaviyo: updated, whole seconds; HubSpot: ms). */
  at: number;
  /** Order of the edits as made: breaks a tie of two edits in one system in one second (the later one is what the record holds). */
  seq: number;
  /** What the record held just before the edit (absent for a create): an address edit changes only the parts that differ. */
  before?: FieldValue;
  /** The record edited, and when (ms, the machine's clock): where the drop phase looks for the edit's first sighting. */
  externalId?: string;
  madeAt?: number;
  /** When the call that made it returned: the fake's state may commit one edit as several changes (the customer, its address). */
  madeUntil?: number;
  /** Every webhook the edit caused was dropped (the drop phase), or its system sends none (Klaviyo, polled): omnihub learns of it only by a later sighting, if any. */
  unseen?: true;
  /** Set by the checker (sightings.ts): the edit was first seen only by a read the hub owed and did not make (before retrying a refused write). */
  owedRead?: string;
}

export interface GroundTruth {
  people: TruthPerson[];
  records: TruthRecord[];
  edits: TruthEdit[];
  /** Fields a system cannot hold for a person by the vendor's own rules (Shopify, Klaviyo: a phone another record has; Square keeps none unique). */
  unholdable: Array<{ person: string; system: SystemName; field: CheckedField }>;
  /** Values only forged deliveries carried: none may appear anywhere. */
  forgedValues: string[];
  /** Messages people sent the shop (Twilio), when Twilio is in the run. */
  messages?: TruthMessage[];
}

// --- what the systems hold ------------------------------------------------------------------

export interface SnapshotRecord {
  system: SystemName;
  externalId: string;
  values: RecordValues;
}

export interface SnapshotCustomer {
  id: string;
  values: RecordValues;
  links: Array<{ system: SystemName; externalId: string }>;
}

export interface Snapshot {
  records: SnapshotRecord[];
  customers: SnapshotCustomer[];
}
