import { describe, expect, it } from 'vitest';
import { normalizeEmail, toE164 } from '../../../core/model/normalize';

describe('normalizeEmail', () => {
  it.each([
    ['Ada.Lovelace@Example.com', 'ada.lovelace@example.com'],
    ['  GRACE@EXAMPLE.ORG ', 'grace@example.org'],
  ])('lower-cases and trims %s', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });

  it.each(['', 'not-an-email', 'a@b', null, undefined])('refuses %s', (raw) => {
    expect(normalizeEmail(raw)).toBeUndefined();
  });
});

describe('toE164', () => {
  it.each([
    ['(212) 555-0101', '+12125550101'],
    ['+1 212-555-0102', '+12125550102'],
    ['212.555.0105', '+12125550105'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('reads %s as %s', (raw, expected) => {
    expect(toE164(raw, 'US')).toBe(expected);
  });

  it('reads a number without country code in the default country', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it.each(['12', 'call me', ''])('refuses %s', (raw) => {
    expect(toE164(raw, 'US')).toBeUndefined();
  });
});
