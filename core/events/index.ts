import * as z from '../schema';
import { FieldNameSchema, OmnihubIdSchema } from '../model/customer';
import { ObservationSchema } from '../model/observation';
import { MessageSchema, MessageStatusSchema } from '../model/message';
import { OrderSchema, PickupStateSchema } from '../model/order';
import { ExternalIdSchema, SystemIdSchema, TimestampSchema } from '../model/system';
import { BusEnvelopeSchema, DetailBaseSchema, EVENT_SOURCE } from './envelope';

export { EVENT_SOURCE, BusEnvelopeSchema, type BusEnvelope } from './envelope';

/** A system told us what it holds about a customer (from a webhook, or after hydrating one). */
export const CustomerObservedSchema = z.extend(DetailBaseSchema, {
  observation: ObservationSchema,
});
export type CustomerObserved = z.infer<typeof CustomerObservedSchema>;

/**
 * A system told us a customer record changed but not what it holds now (HubSpot webhooks
 * carry ids only). The system's own connector reads the records and emits CustomerObserved:
 * the webhook receiver never calls a SaaS API.
 */
export const CustomerReferencedSchema = z.extend(DetailBaseSchema, {
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  occurredAt: TimestampSchema,
});
export type CustomerReferenced = z.infer<typeof CustomerReferencedSchema>;

/** The golden record changed. Targets re-read the customer: the event names what changed, not the values. */
export const CustomerChangedSchema = z.extend(DetailBaseSchema, {
  customerId: OmnihubIdSchema,
  customerVersion: z.int().check(z.positive()),
  origin: SystemIdSchema, // the system whose observation caused the change
  changedFields: z.array(FieldNameSchema).check(z.minLength(1)),
  /**
   * The connectors whose records must be brought in line: every other one, and the origin only
   * when its record may lack a golden value. Each sync queue's rule matches its own id, so the
   * origin's sync is not invoked for what its record already holds.
   */
  systems: z.array(SystemIdSchema).check(z.minLength(1)),
});
export type CustomerChanged = z.infer<typeof CustomerChangedSchema>;

/**
 * A record is gone from its system: deleted there, or redacted at the person's request (GDPR).
 * The resolver unlinks it (and, for `redacted`, erases what only that system told us):
 * docs/identity.md, "Deletions, redactions and merges".
 */
export const CustomerRecordRemovedSchema = z.extend(DetailBaseSchema, {
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  reason: z.enum(['deleted', 'redacted']),
  occurredAt: TimestampSchema,
});
export type CustomerRecordRemoved = z.infer<typeof CustomerRecordRemovedSchema>;

/** The system merged records: `mergedIds` now live on as `survivorId` (which may be a new id). */
export const CustomerRecordsMergedSchema = z.extend(DetailBaseSchema, {
  system: SystemIdSchema,
  survivorId: ExternalIdSchema,
  mergedIds: z.array(ExternalIdSchema).check(z.minLength(1)),
  occurredAt: TimestampSchema,
});
export type CustomerRecordsMerged = z.infer<typeof CustomerRecordsMergedSchema>;

/**
 * Read a connector's customers or orders into the hub (the first sync, or a reconciliation since
 * the last one): the CLI or the schedule starts a run (no `runId`); the backfill function asks for the
 * next page of its run the same way, so pages are chained through the queue with the
 * checkpoint in the table (core/backfill).
 */
export const BackfillRequestedSchema = z.extend(DetailBaseSchema, {
  connector: SystemIdSchema,
  /**
   * What to read: the connector's customers (its backfill function) or the orders placed in it
   * (its order function). Always written: the rules route on it.
   */
  entity: z.enum(['customers', 'orders']),
  mode: z.enum(['backfill', 'reconcile']),
  /** Only records updated from then on (a run's start); absent: from the last run's watermark. */
  since: z.optional(TimestampSchema),
  /** Read every record again, whatever the watermark says. */
  full: z.optional(z.boolean()),
  /** A continuation: the run and the number of pages it had done when it asked. */
  runId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  page: z.optional(z.int().check(z.minimum(0))),
});
export type BackfillRequested = z.infer<typeof BackfillRequestedSchema>;

/** What the reconciliation schedule puts on the bus for one connector's customers or orders (the stack's schedule and the local timer alike). */
export function reconcileRequestDetail(connector: string, entity: BackfillRequested['entity']): BackfillRequested {
  return { schemaVersion: 1, correlationId: `reconcile:${connector}${entity === 'orders' ? '/orders' : ''}`, connector, entity, mode: 'reconcile' };
}

/**
 * A system told us an order changed, by id (Square's order webhooks are summaries; Shopify's
 * pickup states live on fulfillment orders the orders/* bodies do not carry): the origin's own
 * order function reads it and emits OrderObserved.
 */
export const OrderReferencedSchema = z.extend(DetailBaseSchema, {
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  occurredAt: TimestampSchema,
});
export type OrderReferenced = z.infer<typeof OrderReferencedSchema>;

/** The origin's present state of one order, read from its API. The order resolver applies it (docs/identity.md §9). */
export const OrderObservedSchema = z.extend(DetailBaseSchema, {
  order: OrderSchema,
});
export type OrderObserved = z.infer<typeof OrderObservedSchema>;

/** An order's new revision was recorded: the systems that hold copies re-read it and project it. */
export const OrderChangedSchema = z.extend(DetailBaseSchema, {
  /** `orderKey(origin)`: `shopify:450789469` */
  orderKey: z.string().check(z.minLength(3), z.maxLength(240)),
  revision: z.number(),
  /** The buyer, when the order has one. */
  customerId: z.nullable(OmnihubIdSchema),
  systems: z.array(SystemIdSchema).check(z.minLength(1)),
});
export type OrderChanged = z.infer<typeof OrderChangedSchema>;

/**
 * A click & collect order moved (placed → ready_for_pickup → picked_up, or cancelled). Emitted
 * exactly once per move: by the conditional write that made it (docs/identity.md §9). Nothing
 * inside omnihub needs it yet; it is the hook for pickup notices.
 */
export const OrderStatusChangedSchema = z.extend(DetailBaseSchema, {
  /** `<orderKey>#<to>`: the same for a move published twice (a crash between publish and outbox clear), so a consumer can tell. */
  eventId: z.string().check(z.minLength(1), z.maxLength(260)),
  orderKey: z.string().check(z.minLength(3), z.maxLength(240)),
  customerId: z.nullable(OmnihubIdSchema),
  from: PickupStateSchema,
  to: PickupStateSchema,
  /** The origin's time of the state it moved to. */
  at: TimestampSchema,
  location: z.nullable(z.object({ id: z.string(), name: z.nullable(z.string()) })),
});
export type OrderStatusChanged = z.infer<typeof OrderStatusChangedSchema>;

/** A customer's cross-channel stats changed: the systems that hold them re-read them and write them. */
export const CustomerStatsChangedSchema = z.extend(DetailBaseSchema, {
  customerId: OmnihubIdSchema,
  systems: z.array(SystemIdSchema).check(z.minLength(1)),
});
export type CustomerStatsChanged = z.infer<typeof CustomerStatsChangedSchema>;

/**
 * A message reached the shop (docs/identity.md §11), as its receiver accepted it: the resolver
 * finds its customer by the phone, records it once and states the consent it carries.
 */
export const MessageObservedSchema = z.extend(DetailBaseSchema, {
  message: MessageSchema,
  /** SMS consent the message states (a STOP or START keyword, Twilio's OptOutType). */
  smsConsent: z.optional(z.enum(['subscribed', 'unsubscribed'])),
});
export type MessageObserved = z.infer<typeof MessageObservedSchema>;

/** A status callback of a message omnihub sent: recorded forward only; a failure parked. */
export const MessageStatusReportedSchema = z.extend(DetailBaseSchema, {
  origin: z.object({ system: SystemIdSchema, externalId: ExternalIdSchema }),
  status: MessageStatusSchema,
  /** Why the send failed, in the vendor's words; `optedOut`: the recipient's STOP (an SMS unsubscribe). */
  error: z.nullable(z.object({ code: z.number(), reason: z.string().check(z.maxLength(300)), optedOut: z.boolean() })),
  /** When the receiver accepted the callback (Twilio's carry no time). */
  at: TimestampSchema,
});
export type MessageStatusReported = z.infer<typeof MessageStatusReportedSchema>;

/** A message was recorded for a customer: each system that shows conversations copies it once. */
export const MessageLoggedSchema = z.extend(DetailBaseSchema, {
  /** `messageKey(origin)`: `twilio:SM…` */
  messageKey: z.string().check(z.minLength(3), z.maxLength(240)),
  customerId: OmnihubIdSchema,
  systems: z.array(SystemIdSchema).check(z.minLength(1)),
});
export type MessageLogged = z.infer<typeof MessageLoggedSchema>;

/** detail-type → detail schema. The one list of events; versioned by schemaVersion inside the detail. */
export const EventSchemas = {
  CustomerObserved: CustomerObservedSchema,
  CustomerReferenced: CustomerReferencedSchema,
  CustomerChanged: CustomerChangedSchema,
  CustomerRecordRemoved: CustomerRecordRemovedSchema,
  CustomerRecordsMerged: CustomerRecordsMergedSchema,
  BackfillRequested: BackfillRequestedSchema,
  OrderReferenced: OrderReferencedSchema,
  OrderObserved: OrderObservedSchema,
  OrderChanged: OrderChangedSchema,
  OrderStatusChanged: OrderStatusChangedSchema,
  CustomerStatsChanged: CustomerStatsChangedSchema,
  MessageObserved: MessageObservedSchema,
  MessageStatusReported: MessageStatusReportedSchema,
  MessageLogged: MessageLoggedSchema,
} as const;
export type EventType = keyof typeof EventSchemas;
export type EventDetail<T extends EventType> = z.infer<(typeof EventSchemas)[T]>;

export type BusEvent =
  | { type: 'CustomerObserved'; detail: CustomerObserved }
  | { type: 'CustomerReferenced'; detail: CustomerReferenced }
  | { type: 'CustomerChanged'; detail: CustomerChanged }
  | { type: 'CustomerRecordRemoved'; detail: CustomerRecordRemoved }
  | { type: 'CustomerRecordsMerged'; detail: CustomerRecordsMerged }
  | { type: 'BackfillRequested'; detail: BackfillRequested }
  | { type: 'OrderReferenced'; detail: OrderReferenced }
  | { type: 'OrderObserved'; detail: OrderObserved }
  | { type: 'OrderChanged'; detail: OrderChanged }
  | { type: 'OrderStatusChanged'; detail: OrderStatusChanged }
  | { type: 'CustomerStatsChanged'; detail: CustomerStatsChanged }
  | { type: 'MessageObserved'; detail: MessageObserved }
  | { type: 'MessageStatusReported'; detail: MessageStatusReported }
  | { type: 'MessageLogged'; detail: MessageLogged };

/** Parse an EventBridge envelope (as delivered to a target, or inside an SQS body) into a typed event. */
export function parseBusEvent(raw: unknown): BusEvent {
  const envelope = BusEnvelopeSchema.parse(raw);
  const type = envelope['detail-type'];
  if (!(type in EventSchemas)) throw new Error(`Unknown detail-type "${type}" from ${EVENT_SOURCE}`);
  const schema = EventSchemas[type as EventType];
  return { type, detail: schema.parse(envelope.detail) } as BusEvent;
}
