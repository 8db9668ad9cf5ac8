import type { Message } from '../model/message';
import type { Observation } from '../model/observation';

/**
 * The time a message's phone is stated at: before any record's (docs/identity.md §11). A message
 * from a phone says she can be reached there, not that it is her newest number: it makes a
 * phone-only customer and links the phone, but never outvotes a phone a system holds, however
 * late the message (a customer who changed her number in the shop and texts from the old one
 * keeps the new one).
 */
export const MESSAGE_PHONE_TIME = '1970-01-01T00:00:00.000Z';

/**
 * What a message says of its customer, as an observation of the channel (`twilio` / her phone):
 * her phone, and the SMS consent a STOP or START states, at the message's time (§10, §11).
 * It goes through the identity rules (§3) like any other system's record.
 */
export function messageObservation(message: Pick<Message, 'origin' | 'customerAddress' | 'at'>, smsConsent?: 'subscribed' | 'unsubscribed'): Observation {
  return {
    system: message.origin.system,
    externalId: message.customerAddress,
    observedAt: message.at,
    values: { phone: message.customerAddress, ...(smsConsent ? { smsConsent } : {}) },
    fieldTimes: { phone: MESSAGE_PHONE_TIME },
  };
}
