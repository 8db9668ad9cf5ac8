import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { MetafieldsState } from './metafields-state';
import { SHOP_PRIMARY_LOCALE, type ShopifyOrdersState } from './orders-state';

/**
 * Keeps the fake shop's orders and customer metafields on disk beside its customers (option
 * `persistPath`: `<name>.orders.json` next to `<name>.json`), so `npm start` finds them after a
 * restart, as the hub's table still names them. Same format rules as persist.ts: ids as digit
 * strings, dates ISO, read back through zod.
 */

const SAVE_DEBOUNCE_MS = 250;

const digits = z.string().regex(/^\d{1,20}$/).transform((value) => BigInt(value));
const date = z.iso.datetime().transform((value) => new Date(value));
const location = z.object({ id: digits, name: z.string() });

const PersistedOrderSchema = z.object({
  id: digits,
  number: z.int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  customerId: digits.nullable(),
  // Files saved before the fake held it: their orders had the shop's primary locale.
  customerLocale: z.string().nullable().default(SHOP_PRIMARY_LOCALE),
  currency: z.string(),
  sourceName: z.enum(['web', 'pos']),
  locationId: digits.nullable(),
  createdAt: date,
  updatedAt: date,
  processedAt: date,
  cancelledAt: date.nullable(),
  cancelReason: z.enum(['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF']).nullable(),
  financialStatus: z.enum(['PENDING', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']),
  lineItems: z.array(z.object({ id: digits, title: z.string(), variantTitle: z.string().nullable(), sku: z.string().nullable(), quantity: z.int(), refundedQuantity: z.int(), price: digits })),
  shipping: z.object({ title: z.string(), price: digits }).nullable(),
  fulfillmentOrders: z.array(
    z.object({
      id: digits,
      status: z.enum(['OPEN', 'IN_PROGRESS', 'CLOSED', 'CANCELLED']),
      methodType: z.enum(['PICK_UP', 'SHIPPING', 'RETAIL']),
      location,
      createdAt: date,
      updatedAt: date,
      lineItems: z.array(z.object({ id: digits, lineItemId: digits, totalQuantity: z.int(), remainingQuantity: z.int() })),
    }),
  ),
  fulfillments: z.array(
    z.object({ id: digits, fulfillmentOrderId: digits, locationId: digits, name: z.string(), createdAt: date, updatedAt: date, lineItems: z.array(z.object({ lineItemId: digits, quantity: z.int() })) }),
  ),
  refunds: z.array(
    z.object({ id: digits, createdAt: date, note: z.string().nullable(), amount: digits, lineItems: z.array(z.object({ id: digits, lineItemId: digits, quantity: z.int(), subtotal: digits })) }),
  ),
});

const PersistedSchema = z.object({
  version: z.literal(1),
  orders: z.array(PersistedOrderSchema),
  counters: z.object({ order: digits, lineItem: digits, fulfillmentOrder: digits, other: digits, number: z.int() }),
  metafields: z.array(
    z.object({ id: digits, ownerId: digits, namespace: z.string(), key: z.string(), type: z.string(), value: z.string(), createdAt: date, updatedAt: date }),
  ),
  nextMetafieldId: digits,
});

/** `<name>.json` → `<name>.orders.json`. */
export function ordersPath(persistPath: string): string {
  return `${persistPath.replace(/\.json$/, '')}.orders.json`;
}

export function loadOrders(path: string, orders: ShopifyOrdersState, metafields: MetafieldsState): void {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
    throw error;
  }
  const parsed = PersistedSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new Error(`The Shopify fake's saved orders at ${path} are not readable (${paths}); delete the file to start fresh`);
  }
  orders.restore({ orders: parsed.data.orders, counters: parsed.data.counters });
  metafields.restore({ metafields: parsed.data.metafields, nextId: parsed.data.nextMetafieldId });
}

export function saveOrders(path: string, orders: ShopifyOrdersState, metafields: MetafieldsState): void {
  const { orders: held, counters } = orders.snapshot();
  const { metafields: fields, nextId } = metafields.snapshot();
  const body = JSON.stringify({ version: 1, orders: held, counters, metafields: fields, nextMetafieldId: nextId }, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename: a crash mid-write never leaves half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, body);
  renameSync(temporary, path);
}

/** `changed()` after anything that may have changed orders or metafields; saved shortly after, or on `flush()`. */
export function persistOrders(path: string, orders: ShopifyOrdersState, metafields: MetafieldsState): { changed(): void; flush(): void } {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  const save = () => {
    timer = undefined;
    dirty = false;
    saveOrders(path, orders, metafields);
  };
  return {
    changed() {
      dirty = true;
      if (timer) return;
      timer = setTimeout(save, SAVE_DEBOUNCE_MS);
      timer.unref();
    },
    flush() {
      if (timer) clearTimeout(timer);
      if (dirty) save();
    },
  };
}
