import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { FakeCustomer, ShopifyFakeState, StateSnapshot } from './state';

/**
 * Keeps the fake shop on disk for `npm start` (option `persistPath`): loaded once at start when
 * the file exists, saved after changes (debounced) and on close. JSON with ids as digit strings
 * (they exceed 2^53) and dates as ISO strings; read back through zod, never trusted.
 */

const SAVE_DEBOUNCE_MS = 250;

const digits = z.string().regex(/^\d{1,20}$/).transform((value) => BigInt(value));
const date = z.iso.datetime().transform((value) => new Date(value));
const text = z.string().nullable();
const consent = <State extends z.ZodType<string>>(state: State) =>
  z.object({ state, optInLevel: z.enum(['SINGLE_OPT_IN', 'CONFIRMED_OPT_IN', 'UNKNOWN']).nullable(), updatedAt: date.nullable() });

const PersistedAddressSchema = z.object({
  id: digits,
  firstName: text,
  lastName: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  provinceCode: text,
  zip: text,
  countryCode: text,
  phone: text,
});

const PersistedCustomerSchema = z.object({
  id: digits,
  firstName: text,
  lastName: text,
  email: text,
  phone: text,
  note: text,
  tags: z.array(z.string()),
  emailMarketing: consent(z.enum(['NOT_SUBSCRIBED', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED', 'REDACTED', 'INVALID'])),
  smsMarketing: consent(z.enum(['NOT_SUBSCRIBED', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED', 'REDACTED'])),
  addresses: z.array(PersistedAddressSchema),
  defaultAddressId: digits.nullable(),
  state: z.enum(['DISABLED', 'ENABLED', 'INVITED', 'DECLINED']),
  verifiedEmail: z.boolean(),
  createdAt: date,
  updatedAt: date,
});

const PersistedStateSchema = z.object({
  version: z.literal(1),
  nextCustomerId: digits,
  nextAddressId: digits,
  customers: z.array(PersistedCustomerSchema),
});

/** The saved state at `path`, or undefined when there is none yet. A corrupt file is an error. */
export function loadState(path: string): StateSnapshot | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = PersistedStateSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`The Shopify fake's saved state at ${path} is not readable (${paths}); delete it to start fresh`);
  }
  const customers: FakeCustomer[] = parsed.data.customers;
  return { customers, nextCustomerId: parsed.data.nextCustomerId, nextAddressId: parsed.data.nextAddressId };
}

export function saveState(path: string, snapshot: StateSnapshot): void {
  const body = JSON.stringify(
    { version: 1, nextCustomerId: snapshot.nextCustomerId, nextAddressId: snapshot.nextAddressId, customers: snapshot.customers },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename: a crash mid-write never leaves half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, body);
  renameSync(temporary, path);
}

/** Saves `state` to `path` shortly after each change; `flush()` saves now if anything is pending. */
export function persistState(state: ShopifyFakeState, path: string): { flush(): void } {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    timer = undefined;
    saveState(path, state.snapshot());
  };
  state.onChange(() => {
    if (timer) return;
    timer = setTimeout(save, SAVE_DEBOUNCE_MS);
    timer.unref();
  });
  return {
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      save();
    },
  };
}
