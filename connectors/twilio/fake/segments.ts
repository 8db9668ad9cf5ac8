/**
 * How many SMS segments a body takes, as Twilio counts `num_segments`: GSM-7 when every
 * character is in the GSM 03.38 default alphabet or its extension table (extension characters
 * take two septets: ESC + char), else UCS-2 (UTF-16 code units). One segment holds 160 GSM-7
 * septets or 70 UCS-2 units; a concatenated message loses the user-data header to each part:
 * 153 septets or 67 units per segment (twilio.com/docs/glossary/what-sms-character-limit). A
 * segment boundary never splits an ESC pair or a surrogate pair (carriers do not, so neither does
 * the fake). Twilio's Smart Encoding is off by default and is not applied. WhatsApp messages are
 * one "segment" whatever their length (chosen: Twilio reports "1" for them).
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

export type Encoding = 'GSM-7' | 'UCS-2';

export function encodingOf(body: string): Encoding {
  for (const char of body) if (!GSM_BASIC.includes(char) && !GSM_EXTENSION.includes(char)) return 'UCS-2';
  return 'GSM-7';
}

/** The segments an SMS body takes (at least 1). */
export function segmentCount(body: string): number {
  const units: number[] = [];
  if (encodingOf(body) === 'GSM-7') {
    for (const char of body) units.push(GSM_EXTENSION.includes(char) ? 2 : 1);
    return split(units, 160, 153);
  }
  for (const char of body) units.push(char.length); // 2 for a surrogate pair
  return split(units, 70, 67);
}

function split(units: number[], single: number, part: number): number {
  const total = units.reduce((sum, unit) => sum + unit, 0);
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const unit of units) {
    if (used + unit > part) {
      segments += 1;
      used = 0;
    }
    used += unit;
  }
  return segments;
}
