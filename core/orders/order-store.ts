import type { Order, PickupState } from '../model/order';
import type { CustomerKpis, DayKpis } from '../model/kpis';
import type { CustomerStats } from '../model/stats';

/**
 * Where omnihub keeps orders and stats (docs/identity.md §9, table items in §8), as core needs
 * it; the DynamoDB adapter is functions/lib/adapters/dynamodb-order-store.ts. The order item and
 * the stats items its revision changes are written in one transaction, each guarded by the
 * version read, so a repeat adds nothing and two revisions racing cannot both count.
 */

/** One move of a click & collect order, recorded with the write that made it and published from there. */
export interface PickupMove {
  from: PickupState;
  to: PickupState;
  at: string;
}

/** An order's copy in a system: its id there, the revision copied, and the buyer's record there it is associated with (null: none). */
export interface OrderCopy {
  copyId: string;
  revision: number;
  buyerRecordId: string | null;
}

export interface HeldOrder {
  /** The origin's latest state as recorded; `order.pickup.state` is the forward-only state. */
  order: Order;
  /** The buyer's omnihub customer, or null for a sale without a known buyer. */
  customerId: string | null;
  version: number;
  /** Moves recorded but not yet published (an outbox: a crash before the publish publishes them next time). */
  unpublishedMoves: PickupMove[];
}

export interface HeldStats {
  stats: CustomerStats;
  version: number;
}

/** The shop's KPI aggregates (core/model/kpis.ts): one per day orders were placed, and one over all customers. */
export type AggregateKey = `DAY#${string}` | 'CUSTOMERS';
export type Aggregate = { key: `DAY#${string}`; value: DayKpis } | { key: 'CUSTOMERS'; value: CustomerKpis };

/** One line of a customer's order list (`npx omnihub customer`), kept beside the customer: never found by a scan. */
export interface CustomerOrderEntry {
  orderKey: string;
  name: string;
  placedAt: string;
  channel: Order['channel'];
  status: Order['status'];
  pickup: PickupState;
  total: Order['total'];
  revision: number;
}

export interface OrderSave {
  order: HeldOrder;
  /** undefined: the order is new. */
  expectedVersion: number | undefined;
  stats: Array<{ customerId: string; stats: CustomerStats; expectedVersion: number | undefined }>;
  aggregates: Array<Aggregate & { expectedVersion: number | undefined }>;
  /** The buyer's order list entry (absent for an anonymous sale), and the entry to drop when the buyer changed. */
  index: { put?: { customerId: string; entry: CustomerOrderEntry }; drop?: { customerId: string } };
}

export interface OrderStore {
  getOrder(origin: Order['origin']): Promise<HeldOrder | undefined>;
  getStats(customerId: string): Promise<HeldStats | undefined>;
  getDayKpis(day: string): Promise<{ value: DayKpis | undefined; version: number | undefined }>;
  getCustomerKpis(): Promise<{ value: CustomerKpis | undefined; version: number | undefined }>;
  /** The day aggregates from `fromDay` to `toDay` (YYYY-MM-DD, both included), and the customer one: for `npx omnihub kpis`. */
  readKpis(fromDay: string, toDay: string): Promise<{ days: Array<{ day: string; kpis: DayKpis }>; customers: CustomerKpis | undefined }>;
  /** All or nothing; 'conflict' when any item changed since it was read. */
  saveOrder(save: OrderSave): Promise<{ ok: true } | { ok: false; reason: 'conflict' }>;
  /**
   * These moves (by the state each moved to) were published: drop them from the outbox,
   * whatever was written meanwhile, and bump the item's version so that a writer who read the
   * outbox before does not write it back.
   */
  markMovesPublished(origin: Order['origin'], published: PickupState[]): Promise<void>;
  listCustomerOrders(customerId: string): Promise<CustomerOrderEntry[]>;
  /** The id of this order's copy in `system`, recorded by that system's projection. */
  getCopy(origin: Order['origin'], system: string): Promise<OrderCopy | undefined>;
  putCopy(origin: Order['origin'], system: string, copy: OrderCopy): Promise<void>;
  /** Every system's copy of the order. */
  listCopies(origin: Order['origin']): Promise<Array<{ system: string; copyId: string; revision: number }>>;
}
