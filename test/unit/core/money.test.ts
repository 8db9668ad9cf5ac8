import { describe, expect, it } from 'vitest';
import { fromDecimal, fromMinorUnits, minorDigits, sumMoney, toMinorUnits } from '../../../core/model/money';

describe('money', () => {
  it("turns Square's integer minor units into canonical decimal strings by each currency's ISO 4217 digits", () => {
    expect(fromMinorUnits(1999n, 'USD')).toEqual({ amount: '19.99', currency: 'USD' });
    expect(fromMinorUnits(5, 'USD')).toEqual({ amount: '0.05', currency: 'USD' });
    expect(fromMinorUnits(1500n, 'JPY')).toEqual({ amount: '1500', currency: 'JPY' });
    expect(fromMinorUnits(2500n, 'KWD')).toEqual({ amount: '2.500', currency: 'KWD' });
    expect(fromMinorUnits(-250n, 'EUR')).toEqual({ amount: '-2.50', currency: 'EUR' });
    expect(fromMinorUnits(0n, 'GBP')).toEqual({ amount: '0.00', currency: 'GBP' });
  });

  it("reads Shopify's decimal strings into the same canonical form, and refuses one it would have to round", () => {
    expect(fromDecimal('19.9', 'USD').amount).toBe('19.90');
    expect(fromDecimal('20', 'USD').amount).toBe('20.00');
    expect(fromDecimal('19.990', 'USD').amount).toBe('19.99');
    expect(fromDecimal('1500.00', 'JPY').amount).toBe('1500');
    expect(() => fromDecimal('19.999', 'USD')).toThrow('USD has 2 minor digits; the amount has more');
    expect(() => fromDecimal('1e3', 'USD')).toThrow('not a decimal amount');
  });

  it('adds exactly, where floats would not, and never across currencies', () => {
    const tenCents = fromDecimal('0.10', 'USD');
    const twentyCents = fromDecimal('0.20', 'USD');
    expect(sumMoney('USD', [tenCents, twentyCents])).toEqual({ amount: '0.30', currency: 'USD' });
    expect(toMinorUnits(fromDecimal('90071992547409.93', 'USD'))).toBe(9007199254740993n);
    expect(() => sumMoney('USD', [tenCents, fromDecimal('1', 'EUR')])).toThrow('cannot add EUR to USD');
  });

  it('knows the exponents that are not 2', () => {
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('BHD'), minorDigits('CLF')]).toEqual([2, 0, 3, 4]);
  });
});
