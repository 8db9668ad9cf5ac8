import { readFileSync } from 'node:fs';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import type { MetadataJson } from 'libphonenumber-js/core';
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../../core/model/normalize';
import { phoneMetadata } from '../../../core/model/phone-metadata';
import { LIBPHONENUMBER_VERSION } from '../../../core/model/phone-metadata/data';
import { leanMetadata } from '../../../core/model/phone-metadata/lean';

const installed = (file: string) => readFileSync(new URL(`../../../node_modules/libphonenumber-js/${file}`, import.meta.url), 'utf8');

/** What libphonenumber-js answers with its complete default (min) metadata. */
function fullE164(raw: string, country: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), country);
  return parsed?.isValid() ? parsed.number : undefined;
}

describe('the phone metadata in the bundles', () => {
  it('is the installed libphonenumber-js metadata without its formats (regenerate with: npx tsx core/model/phone-metadata/lean.ts)', () => {
    // Prepare
    const full = JSON.parse(installed('metadata.min.json')) as MetadataJson;

    // Assess
    expect(LIBPHONENUMBER_VERSION).toBe((JSON.parse(installed('package.json')) as { version: string }).version);
    expect(phoneMetadata).toEqual(leanMetadata(full));
  });

  it('reads and validates every country\'s numbers exactly as the complete metadata does', () => {
    // Prepare: each country's example number, as written in the country and abroad, and near misses.
    const countries = Object.keys(examples) as CountryCode[];
    const inputs = countries.flatMap((country) => {
      const example = parsePhoneNumberFromString(examples[country as keyof typeof examples], country)!;
      const national = example.nationalNumber;
      const variants = [
        example.number,
        example.formatInternational(),
        example.formatNational(),
        national,
        `${national}0`,
        national.slice(0, -1),
        `${national.slice(0, -1)}${(Number(national.at(-1)) + 1) % 10}`,
        `9${national.slice(1)}`,
        `+${example.countryCallingCode} ${national.slice(0, -2)}`,
      ];
      return variants.flatMap((raw) => [{ raw, country }, { raw, country: 'US' as CountryCode }]);
    });

    // Act
    const differing = inputs.filter(({ raw, country }) => toE164(raw, country) !== fullE164(raw, country));

    // Assess
    expect(countries.length).toBeGreaterThan(240);
    expect(inputs.filter(({ raw, country }) => fullE164(raw, country) !== undefined).length).toBeGreaterThan(countries.length * 2);
    expect(differing).toEqual([]);
  });
});
