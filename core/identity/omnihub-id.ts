import { randomBytes } from 'node:crypto';
import type { OmnihubId } from '../model/customer';

// Crockford base32, lower-cased: ULID layout (48-bit time + 80-bit randomness), so ids sort by creation.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newOmnihubId(now: Date = new Date()): OmnihubId {
  let time = now.getTime();
  let timePart = '';
  for (let i = 0; i < 10; i++) {
    timePart = ALPHABET[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  const random = randomBytes(16);
  let randomPart = '';
  for (let i = 0; i < 16; i++) randomPart += ALPHABET[random[i]! % 32];
  return `oh_${timePart}${randomPart}`;
}
