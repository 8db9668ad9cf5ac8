import * as z from '../schema';
import { CurrencySchema, MoneySchema } from './money';
import { ExternalIdSchema, SystemIdSchema, TimestampSchema } from './system';

/**
 * The canonical order (docs/identity.md §9). An order is owned by the system where it was
 * placed: it is never merged field by field across systems. omnihub keeps the origin's latest
 * state and projects (copies) it to the systems that should hold it, keyed by the origin's id,
 * and it names its buyer by omnihub customer id.
 */

/** Where the sale happened: the web shop, or a store counter (Shopify POS, Square POS). */
export const SalesChannelSchema = z.enum(['web', 'store']);
export type SalesChannel = z.infer<typeof SalesChannelSchema>;

/** The order's life as the CRM shows it, from any origin. */
export const OrderStatusSchema = z.enum(['placed', 'paid', 'fulfilled', 'cancelled', 'refunded']);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/** Click & collect: where a pickup order is. `none` for an order that is not for pickup. */
export const PickupStateSchema = z.enum(['none', 'placed', 'ready_for_pickup', 'picked_up', 'cancelled']);
export type PickupState = z.infer<typeof PickupStateSchema>;

export const OrderLineSchema = z.object({
  /** The origin's id for the line (Shopify line item id, Square line item uid). */
  lineId: z.string().check(z.minLength(1)),
  name: z.string(),
  sku: z.nullable(z.string()),
  /** A decimal string: Square allows fractional quantities ("1.5" kg). */
  quantity: z.string().check(z.regex(/^\d+(\.\d+)?$/)),
  unitPrice: MoneySchema,
  total: MoneySchema,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const OrderSchema = z.object({
  /** The system the order was placed in, and its id there: the order's key everywhere. */
  origin: z.object({ system: SystemIdSchema, externalId: ExternalIdSchema }),
  /** The origin's ordering of its own states: Square's `version`, else the origin's `updated_at` in ms. */
  revision: z.number().check(z.int(), z.nonnegative()),
  /** The origin's time of this state. */
  updatedAt: TimestampSchema,
  placedAt: TimestampSchema,
  name: z.string(),
  channel: SalesChannelSchema,
  status: OrderStatusSchema,
  currency: CurrencySchema,
  total: MoneySchema,
  subtotal: MoneySchema,
  lines: z.array(OrderLineSchema),
  pickup: z.object({
    state: PickupStateSchema,
    /** The origin's location id and name, where the order is collected. */
    location: z.nullable(z.object({ id: z.string(), name: z.nullable(z.string()) })),
    readyAt: z.nullable(TimestampSchema),
    pickedUpAt: z.nullable(TimestampSchema),
  }),
  /**
   * The language the buyer shopped in, as the origin gives it (Shopify's `customerLocale`, such as
   * "fr" or "en-CA"); absent where the origin has none. Picks a notice's template (§12).
   */
  locale: z.optional(z.nullable(z.string().check(z.maxLength(35)))),
  /** The buyer as the origin names it (its customer id, the order's email or phone): resolved to an omnihub customer by docs/identity.md §3. */
  buyer: z.object({
    externalId: z.nullable(ExternalIdSchema),
    email: z.nullable(z.string()),
    phone: z.nullable(z.string()),
  }),
});
export type Order = z.infer<typeof OrderSchema>;

/**
 * The virtual system a guest's first sighting is of (docs/identity.md §9): her customer's link
 * there names the order she was first seen on (`guest-order` / `shopify:450789469`). No
 * connector has this id, so nothing syncs to it.
 */
export const GUEST_ORDER_SYSTEM = 'guest-order';

/** The stable key of an order in the table and in the systems it is projected to: `shopify:450789469`. */
export function orderKey(origin: Order['origin']): string {
  return `${origin.system}:${origin.externalId}`;
}

/** The origin of an order from its key (ids may hold colons: only the first separates). */
export function parseOrderKey(key: string): Order['origin'] {
  const at = key.indexOf(':');
  if (at <= 0 || at === key.length - 1) throw new RangeError(`not an order key: ${key.slice(0, 60)}`);
  return { system: key.slice(0, at), externalId: key.slice(at + 1) };
}

const PICKUP_NEXT: Record<PickupState, readonly PickupState[]> = {
  none: ['placed', 'ready_for_pickup', 'picked_up', 'cancelled'],
  placed: ['ready_for_pickup', 'picked_up', 'cancelled'],
  ready_for_pickup: ['picked_up', 'cancelled'],
  picked_up: [],
  cancelled: [],
};

/**
 * Whether a pickup may move from `current` to `next`. Only forward: a late or replayed delivery
 * of an earlier state never moves an order back (ready → placed), and picked up and cancelled
 * are final. A jump (placed → picked up, the store skipping "ready") is allowed: the order did
 * get there. Each allowed move is one order-status event (§9).
 */
export function pickupMoves(current: PickupState, next: PickupState): boolean {
  return PICKUP_NEXT[current].includes(next);
}

/**
 * Whether an observation of the origin replaces what omnihub holds: only a newer revision does.
 * The same revision again is a repeat (no effect); an older one is late (no effect).
 */
export function supersedes(held: Pick<Order, 'revision'> | undefined, observed: Pick<Order, 'revision'>): boolean {
  return held === undefined || observed.revision > held.revision;
}
