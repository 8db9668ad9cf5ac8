import type { Message } from '../model/message';

/**
 * A system that shows a customer's conversations (docs/identity.md §11): the CRM's timeline, the
 * email tool's events. Implemented by each connector over its vendor's SDK, loaded with its
 * order side (OrdersConnector.createMessageTarget: the same "activity" bundle).
 */
export interface MessageProjectionTarget {
  /**
   * Copy `message` once onto the customer's record here, `customerRecordId` (her record in this
   * system, as the identity map links it). `customerId` is her omnihub id. Idempotent by the
   * message key (`messageKey(message.origin)`) held in the vendor itself (a unique property, an
   * event's `unique_id`), never by a search, which lags writes: after a crash between the
   * vendor's create and our record of it, a second call finds the first copy and makes no other.
   */
  projectMessage(message: Message, args: { customerId: string; customerRecordId: string }): Promise<MessageProjectionOutcome>;
}

export interface MessageProjectionOutcome {
  /** The copy's id in the system (a HubSpot communication id; a Klaviyo event's unique_id). */
  copyId: string;
  outcome: 'created' | 'found-existing';
}
