import { OmnihubError } from '../errors';
import type { Order } from '../model/order';
import type { CustomerStats } from '../model/stats';

/**
 * What the order pipeline needs of a connector (docs/identity.md §9), implemented by each
 * connector over its vendor's SDK. Orders are never merged: the origin is read, the copies
 * are written.
 */

/** The origin side: read the orders an id-only webhook named (every order webhook is treated as one). */
export interface OrderSource {
  /**
   * The orders with these ids as the origin holds them now, mapped to the canonical order.
   * Missing (deleted) ids are left out. An order that cannot be mapped (money that would need
   * rounding, a shape we do not know) throws an UnusableOrder naming the field, never the value.
   */
  readOrders(externalIds: string[]): Promise<Order[]>;
}

/** A system that holds copies of orders placed elsewhere (the CRM). */
export interface OrderProjectionTarget {
  /**
   * Make or update this system's copy of `order`, associated with `buyerRecordId` (the buyer's
   * record in this system; null for a sale without a known buyer). `copyId` is the copy's id
   * when an earlier projection recorded one. Idempotent: with no `copyId` the connector first
   * looks for a copy carrying `orderKey(order.origin)` (a crash between its create and our
   * record), and updates that one instead of making a second.
   */
  projectOrder(order: Order, args: { copyId: string | null; buyerRecordId: string | null }): Promise<ProjectionOutcome>;
}

export interface ProjectionOutcome {
  copyId: string;
  outcome: 'created' | 'updated' | 'found-existing' | 'unchanged';
}

/** A system that holds a customer's cross-channel stats on the customer's record. */
export interface StatsTarget {
  /**
   * Write the stats onto the record (HubSpot contact properties in the `omnihub` group, Shopify
   * customer metafields in the `omnihub` namespace). Creates what the system needs first
   * (property group, properties, metafield definitions), idempotently. 'gone': the record no
   * longer exists.
   */
  writeStats(recordId: string, stats: CustomerStats): Promise<'written' | 'gone'>;
}

/** An order the origin holds that we cannot map: parked with this reason (field names and codes only). */
export class UnusableOrder extends OmnihubError {
  constructor(
    readonly system: string,
    readonly externalId: string,
    readonly reason: string,
  ) {
    // Not retryable: the same order reads the same way until the origin changes it (a new webhook).
    super('ORDER.UNUSABLE', `${system} order ${externalId} cannot be used: ${reason}`, { retryable: false, metadata: { system } });
    this.name = 'UnusableOrder';
  }
}
