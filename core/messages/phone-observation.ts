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
export function messageObservation(
  message: Pick<Message, 'origin' | 'customerAddress' | 'at'>,
  smsConsent?: 'subscribed' | 'unsubscribed',
  how: string | undefined = smsConsent ? CONSENT_KEYWORD[smsConsent] : undefined,
): Observation {
  return {
    system: message.origin.system,
    externalId: message.customerAddress,
    observedAt: message.at,
    values: { phone: message.customerAddress, ...(smsConsent ? { smsConsent } : {}) },
    fieldTimes: { phone: MESSAGE_PHONE_TIME },
    ...(smsConsent && how ? { consentHow: { smsConsent: how } } : {}),
  };
}

/** How a message states SMS consent (docs/identity.md §10): the keyword she replied. */
const CONSENT_KEYWORD = {
  unsubscribed: 'replied with an opt-out keyword (STOP) by SMS',
  subscribed: 'replied with an opt-in keyword (START) by SMS',
} as const;

/** The send Twilio refused with 21610: she had opted out of this sender, where omnihub did not see it. */
export const OPTED_OUT_ON_SEND = 'Twilio refused a send with 21610: she replied STOP to this sender';
