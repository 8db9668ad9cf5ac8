/**
 * The safety net under "never log PII": code logs ids, and this masks whatever slips
 * through anyway. Emails and phone-like digit runs are replaced inside any string; values
 * under secret-sounding keys are dropped whole.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 7+ digits possibly separated by spaces, dots, dashes or parentheses, optionally with a leading +.
const PHONE = /\+?\(?\d[\d\s().-]{5,}\d/g;
const SECRET_KEY = /token|secret|password|authorization|signature|api[-_]?key|cookie/i;
// Values that are ids by construction are left readable (they may be long digit runs).
const ID_KEY = /(^|_)(id|ids)$|Id$|Ids$|At$|version|count|ms|units|attempt/i;

export function redact(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (typeof value === 'string') return ID_KEY.test(key) ? value : redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, key));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
    return out;
  }
  return value;
}

export function redactText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, (match) => (/[-\s().]|^\+/.test(match) || match.length >= 10 ? '[phone]' : match));
}
