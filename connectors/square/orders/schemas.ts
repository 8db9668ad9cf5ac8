import * as z from '../../../core/schema';
import { TimestampSchema } from '../../../core/model/system';
import { SquareIdSchema } from '../schemas';

/**
 * An Order as the square SDK returns it (camelCase; money amounts are bigint, `version` a
 * number), the fields omnihub reads. Square leaves out what an order holds nothing in, so nearly
 * everything is optional: the mapping decides what it cannot do without.
 * https://developer.squareup.com/reference/square/objects/Order (square/api/types/Order.d.ts)
 */

const text = z.nullish(z.string());

/** Money: integer minor units (bigint in the SDK) and an ISO 4217 code. */
export const SquareMoneySchema = z.object({ amount: z.nullish(z.bigint()), currency: z.optional(z.string()) });
export type SquareMoney = z.infer<typeof SquareMoneySchema>;
const money = z.optional(SquareMoneySchema);

export const SquareLineItemSchema = z.object({
  uid: text,
  name: text,
  variationName: text,
  catalogObjectId: text,
  quantity: z.string(),
  basePriceMoney: money,
  totalMoney: money,
});

/** FulfillmentPickupDetails: the recipient, and the lifecycle stamps Square sets itself. */
export const SquarePickupDetailsSchema = z.object({
  recipient: z.nullish(z.object({ customerId: text, displayName: text, emailAddress: text, phoneNumber: text })),
  placedAt: z.optional(TimestampSchema),
  acceptedAt: z.optional(TimestampSchema),
  readyAt: z.optional(TimestampSchema),
  pickedUpAt: z.optional(TimestampSchema),
  canceledAt: z.optional(TimestampSchema),
  rejectedAt: z.optional(TimestampSchema),
  expiredAt: z.optional(TimestampSchema),
});

export const SquareFulfillmentSchema = z.object({
  uid: text,
  /** PICKUP, SHIPMENT, DELIVERY, IN_STORE (unknown values pass, as the SDK lets them). */
  type: z.optional(z.string()),
  /** PROPOSED, RESERVED, PREPARED, COMPLETED, CANCELED, FAILED. */
  state: z.optional(z.string()),
  pickupDetails: z.nullish(SquarePickupDetailsSchema),
});

const AmountsSchema = z.optional(z.object({ totalMoney: money }));

export const SquareOrderSchema = z.object({
  id: SquareIdSchema,
  locationId: z.string(),
  referenceId: text,
  ticketName: text,
  customerId: text,
  source: z.optional(z.object({ name: text })),
  lineItems: z.nullish(z.array(SquareLineItemSchema)),
  fulfillments: z.nullish(z.array(SquareFulfillmentSchema)),
  /** On a return order: the sale each return is of. */
  returns: z.optional(z.array(z.object({ sourceOrderId: text }))),
  returnAmounts: AmountsSchema,
  netAmounts: AmountsSchema,
  tenders: z.optional(z.array(z.object({ id: z.optional(z.string()), amountMoney: money }))),
  /** Refunds of this order's tenders; status PENDING, APPROVED, REJECTED or FAILED. */
  refunds: z.optional(z.array(z.object({ amountMoney: money, status: z.optional(z.string()) }))),
  createdAt: z.optional(TimestampSchema),
  updatedAt: z.optional(TimestampSchema),
  closedAt: z.optional(TimestampSchema),
  /** OPEN, COMPLETED, CANCELED, DRAFT. */
  state: z.optional(z.string()),
  /** Only on orders created through the API: +1 per committed update. */
  version: z.optional(z.int().check(z.nonnegative())),
  totalMoney: money,
  totalTaxMoney: money,
  totalTipMoney: money,
  totalServiceChargeMoney: money,
  netAmountDueMoney: money,
});
export type SquareOrder = z.infer<typeof SquareOrderSchema>;

/** BatchRetrieveOrders: `{}` when none of the ids is known (missing ids are silently left out). */
export const SquareBatchOrdersSchema = z.object({ orders: z.optional(z.array(z.unknown())) });
