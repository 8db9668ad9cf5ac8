import { z } from 'zod';
import { debouncedSave, readSavedState, writeSavedState } from '../../testing/saved-state';
import type { IdSourceState } from './clock';
import { ADDRESS_PARTS, TEXT_FIELDS, type CustomersSnapshot, type CustomersState, type TextField } from './customers-state';
import { FULFILLMENT_STATES, type OrdersSnapshot, type OrdersState } from './orders-state';

/**
 * Keeps the sandbox seller on disk for `npm start` (option `persistPath`): loaded once at start
 * when the file exists, saved after changes (debounced, written to a temporary file then renamed)
 * and on close. Customers (deleted ones are gone), CreateCustomer's and CreateOrder's replay
 * tables, orders, payments, refunds, the receipt counter and where the id stream stands, so ids made after
 * a restart are new ones. Webhooks in flight are not kept. Read back through zod, never trusted.
 */


export interface SellerSnapshot {
  ids: IdSourceState;
  customers: CustomersSnapshot;
  orders: OrdersSnapshot;
}

const count = z.number().int().nonnegative();
const MoneySchema = z.object({ amount: z.number().int(), currency: z.string() });
const textFields = Object.fromEntries(TEXT_FIELDS.map((field) => [field, z.string().optional()])) as Record<TextField, z.ZodOptional<z.ZodString>>;

const CustomerSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  ...textFields,
  address: z.partialRecord(z.enum(ADDRESS_PARTS), z.string()).optional(),
  preferences: z.object({ email_unsubscribed: z.boolean() }),
  creation_source: z.string(),
  group_ids: z.array(z.string()).optional(),
  segment_ids: z.array(z.string()).optional(),
  version: count,
});

const AmountsSchema = z.object({ total_money: MoneySchema, tax_money: MoneySchema, discount_money: MoneySchema, tip_money: MoneySchema, service_charge_money: MoneySchema });

const OrderSchema = z.object({
  id: z.string(),
  location_id: z.string(),
  reference_id: z.string().optional(),
  customer_id: z.string().optional(),
  source: z.object({ name: z.string() }),
  line_items: z.array(
    z.object({
      uid: z.string(),
      name: z.string().optional(),
      catalog_object_id: z.string().optional(),
      variation_name: z.string().optional(),
      quantity: z.string(),
      base_price_money: MoneySchema,
      gross_sales_money: MoneySchema,
      total_money: MoneySchema,
    }),
  ),
  fulfillments: z
    .array(
      z.object({
        uid: z.string(),
        type: z.literal('PICKUP'),
        state: z.enum(FULFILLMENT_STATES),
        pickup_details: z.object({
          recipient: z.object({ display_name: z.string(), phone_number: z.string().optional(), email_address: z.string().optional(), customer_id: z.string().optional() }),
          schedule_type: z.enum(['SCHEDULED', 'ASAP']),
          pickup_at: z.string().optional(),
          placed_at: z.string().optional(),
          accepted_at: z.string().optional(),
          ready_at: z.string().optional(),
          picked_up_at: z.string().optional(),
          canceled_at: z.string().optional(),
          rejected_at: z.string().optional(),
        }),
      }),
    )
    .optional(),
  tenders: z.array(z.object({ id: z.string(), type: z.string(), amount_money: MoneySchema, payment_id: z.string() })).optional(),
  refunds: z
    .array(
      z.object({
        id: z.string(),
        location_id: z.string(),
        transaction_id: z.string(),
        tender_id: z.string(),
        created_at: z.string(),
        reason: z.string(),
        amount_money: MoneySchema,
        status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'FAILED']),
      }),
    )
    .optional(),
  returns: z
    .array(
      z.object({
        uid: z.string(),
        source_order_id: z.string(),
        return_line_items: z.array(
          z.object({ uid: z.string(), name: z.string(), quantity: z.string(), item_type: z.literal('CUSTOM_AMOUNT'), base_price_money: MoneySchema, total_money: MoneySchema }),
        ),
        return_amounts: AmountsSchema,
      }),
    )
    .optional(),
  return_amounts: AmountsSchema.optional(),
  // Absent in files saved before net amounts: the total, nothing returned.
  net_amounts: AmountsSchema.optional(),
  total_money: MoneySchema,
  net_amount_due_money: MoneySchema,
  state: z.enum(['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT']),
  version: count.optional(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().optional(),
}).transform((order) => ({ ...order, net_amounts: order.net_amounts ?? totalOnly(order.total_money) }));

function totalOnly(total: z.infer<typeof MoneySchema>): z.infer<typeof AmountsSchema> {
  const zero = { amount: 0, currency: total.currency };
  return { total_money: total, tax_money: zero, discount_money: zero, tip_money: zero, service_charge_money: zero };
}

const PaymentSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  amount_money: MoneySchema,
  total_money: MoneySchema,
  status: z.enum(['APPROVED', 'PENDING', 'COMPLETED', 'CANCELED', 'FAILED']),
  source_type: z.enum(['CARD', 'CASH', 'EXTERNAL']),
  location_id: z.string(),
  order_id: z.string(),
  customer_id: z.string().optional(),
  receipt_number: z.string(),
  version_token: z.string(),
  refunded_money: MoneySchema.optional(),
  refund_ids: z.array(z.string()).optional(),
});

const RefundSchema = z.object({
  id: z.string(),
  status: z.enum(['PENDING', 'COMPLETED', 'REJECTED', 'FAILED']),
  location_id: z.string(),
  amount_money: MoneySchema,
  payment_id: z.string(),
  order_id: z.string(),
  reason: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

const PersistedSellerSchema = z.object({
  version: z.literal(1),
  ids: z.object({ seed: z.number().int(), draws: count }),
  customers: z.array(CustomerSchema),
  customerReplays: z.array(z.object({ key: z.string(), fingerprint: z.string(), customer: CustomerSchema })),
  orders: z.array(OrderSchema),
  payments: z.array(PaymentSchema),
  // Absent in files saved before refunds.
  refunds: z.array(RefundSchema).default([]),
  orderReplays: z.array(z.object({ key: z.string(), fingerprint: z.string(), order: OrderSchema })),
  receipts: count,
});

/** The saved seller at `path`, or undefined when there is none yet. A corrupt or unreadable file is an error naming it. */
export function loadSeller(path: string): SellerSnapshot | undefined {
  const saved = readSavedState(path, PersistedSellerSchema, 'Square');
  if (!saved) return undefined;
  return {
    ids: saved.ids,
    customers: { customers: saved.customers, replays: saved.customerReplays },
    orders: { orders: saved.orders, payments: saved.payments, refunds: saved.refunds, replays: saved.orderReplays, receipts: saved.receipts },
  };
}

export function saveSeller(path: string, snapshot: SellerSnapshot): void {
  writeSavedState(path, {
    version: 1,
    ids: snapshot.ids,
    customers: snapshot.customers.customers,
    customerReplays: snapshot.customers.replays,
    orders: snapshot.orders.orders,
    payments: snapshot.orders.payments,
    refunds: snapshot.orders.refunds ?? [],
    orderReplays: snapshot.orders.replays,
    receipts: snapshot.orders.receipts,
  });
}

/** Saves the seller to `path` shortly after each change; `flush()` saves now if anything is pending. */
export function persistSeller(state: { customers: CustomersState; orders: OrdersState; ids: () => IdSourceState }, path: string): { flush(): void } {
  const { schedule, flush } = debouncedSave(() => saveSeller(path, { ids: state.ids(), customers: state.customers.snapshot(), orders: state.orders.snapshot() }));
  state.customers.onChange(schedule);
  state.orders.onChange(schedule);
  return { flush };
}
