import * as z from '../schema';

/**
 * Money as omnihub keeps it: a canonical decimal string with exactly the currency's ISO 4217
 * minor-unit digits ("19.99" USD, "1500" JPY, "2.500" KWD) and the currency code. Never a
 * float: 0.1 + 0.2 is not 0.3, and totals are summed per currency from these strings.
 * Square gives integer minor units (`amount: 1999n`), Shopify decimal strings ("19.99"),
 * HubSpot takes numbers as strings.
 */

/** ISO 4217 minor-unit exponents other than 2 (https://www.six-group.com/en/products-services/financial-information/data-standards.html). */
const EXPONENTS: Record<string, number> = {
  ...Object.fromEntries(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'].map((code) => [code, 0])),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

export const CurrencySchema = z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as "USD"'));

export const MoneySchema = z.object({
  /** Canonical decimal string: an optional minus, digits, and exactly the currency's minor digits. */
  amount: z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as "19.99"')),
  currency: CurrencySchema,
});
export type Money = z.infer<typeof MoneySchema>;

export function minorDigits(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** Integer minor units (Square's `amount`, a bigint in the SDK) to canonical money. */
export function fromMinorUnits(amount: bigint | number, currency: string): Money {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) throw new RangeError('money in minor units must be a safe integer');
  const units = BigInt(amount);
  const digits = minorDigits(currency);
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return { amount: `${negative ? '-' : ''}${whole}`, currency };
}

/** Canonical money to integer minor units, for sums: exact, whatever the size. */
export function toMinorUnits(money: Money): bigint {
  return parseDecimal(money.amount, money.currency);
}

/**
 * A vendor's decimal string ("19.9", "19.990", "20") to canonical money. More fraction digits
 * than the currency has are refused unless they are zeros: a value we would have to round is
 * not a price we can copy.
 */
export function fromDecimal(amount: string, currency: string): Money {
  return fromMinorUnits(parseDecimal(amount, currency), currency);
}

function parseDecimal(amount: string, currency: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign, whole, fraction = ''] = match;
  const digits = minorDigits(currency);
  if (/[^0]/.test(fraction.slice(digits))) throw new RangeError(`${currency} has ${digits} minor digits; the amount has more`);
  const units = BigInt(whole! + fraction.slice(0, digits).padEnd(digits, '0'));
  return sign === '-' ? -units : units;
}

/** Sums amounts of one currency exactly. */
export function sumMoney(currency: string, amounts: readonly Money[]): Money {
  const wrong = amounts.find((money) => money.currency !== currency);
  if (wrong) throw new RangeError(`cannot add ${wrong.currency} to ${currency}`);
  return fromMinorUnits(amounts.reduce((total, money) => total + toMinorUnits(money), 0n), currency);
}
