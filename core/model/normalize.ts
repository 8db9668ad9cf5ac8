import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import { phoneMetadata } from './phone-metadata';

/**
 * The only place the matching rules for emails and phones live.
 * Both the resolver (match keys) and the connectors (mapping) call these.
 */

/** Trimmed and lower-cased. Returns undefined for something that is not an email at all. */
export function normalizeEmail(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const email = raw.trim().toLowerCase();
  // Deliberately loose: the sources validate emails; we only refuse obvious garbage.
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}

/**
 * E.164 (+16135551212). Numbers without a country code are read in `defaultCountry`
 * (the shop's country, from config). Returns undefined when the number is not valid.
 * Every country's numbers are read, with libphonenumber-js's metadata minus its formats
 * (phone-metadata/lean.ts): the same answers, 70 KB less in every bundle.
 */
export function toE164(raw: string | null | undefined, defaultCountry: CountryCode = 'US'): string | undefined {
  if (!raw) return undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry, phoneMetadata);
  return parsed?.isValid() ? parsed.number : undefined;
}

export type { CountryCode };

/**
 * A record's field as the mappings read it: trimmed text, or undefined when empty. And an email
 * or a phone: null when the record holds none, undefined when what it holds is not one (the
 * mapping names the field as unusable), else the normalized value.
 */
export function textValue(raw: string | null | undefined): string | undefined {
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}

export function emailValue(raw: string | null | undefined): string | null | undefined {
  const text = textValue(raw);
  return text === undefined ? null : normalizeEmail(text);
}

export function phoneValue(raw: string | null | undefined, defaultCountry: CountryCode): string | null | undefined {
  const text = textValue(raw);
  return text === undefined ? null : toE164(text, defaultCountry);
}
