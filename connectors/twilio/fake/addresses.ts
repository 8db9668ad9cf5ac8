import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Message addresses as Twilio takes them: an E.164 phone number for SMS, `whatsapp:+E164` for
 * WhatsApp (orders-messages-facts.md §5.2; message.d.ts "channel address (e.g.
 * whatsapp:+15552229999)"). Twilio strips visual separators; the fake does too (spaces, dots,
 * dashes, parentheses) but requires the leading `+` and a number that exists (libphonenumber-js),
 * else 21211: stricter than Twilio, which may guess a national number's country from the From
 * number (chosen: never kinder). The country (for FromCountry / ToCountry) is the number's region.
 * The WhatsApp id (WaId) is the digits of the number, without `+`.
 */
export type Channel = 'sms' | 'whatsapp';

export interface Address {
  channel: Channel;
  /** The E.164 number, without the channel prefix. */
  e164: string;
  /** As Twilio stores it: `+E164` or `whatsapp:+E164`. */
  address: string;
  /** ISO 3166 region of the number ("US"), when known. */
  country: string | undefined;
}

const WHATSAPP = 'whatsapp:';

export function parseAddress(raw: string): Address | undefined {
  const trimmed = raw.trim();
  const channel: Channel = trimmed.startsWith(WHATSAPP) ? 'whatsapp' : 'sms';
  const number = (channel === 'whatsapp' ? trimmed.slice(WHATSAPP.length) : trimmed).replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(number)) return undefined;
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed?.isValid()) return undefined;
  const e164 = parsed.number;
  return { channel, e164, address: channel === 'whatsapp' ? `${WHATSAPP}${e164}` : e164, country: parsed.country };
}

/** The WhatsApp id of an address: its digits. */
export function waId(address: string): string {
  return address.replace(/\D/g, '');
}

/** `+E164` of an address, channel prefix dropped. */
export function bareNumber(address: string): string {
  return address.startsWith(WHATSAPP) ? address.slice(WHATSAPP.length) : address;
}
