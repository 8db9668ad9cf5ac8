import { messageKey, type Message, type MessageChannel } from '../../core/model/message';
import { toMillis } from '../../core/model/system';
import type { PropertySet } from './property-setup';

/**
 * How a canonical message reads as a HubSpot communication (`0-18`), the object that logs an SMS,
 * WhatsApp or LinkedIn message on a record's timeline. Its documented properties are the channel,
 * `hs_communication_logged_from` ("must be set to CRM"), the body and `hs_timestamp`; it has no
 * direction property, so the direction leads the body (what the timeline shows) and is kept in a
 * property of omnihub's (what a list or report can filter on).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/communications/guide
 */

export const COMMUNICATIONS = 'communications';

/** The unique property each communication carries (`twilio:SM…`): a repeat finds the first copy by it. */
export const MESSAGE_KEY_PROPERTY = 'omnihub_message_key';
const DIRECTION_PROPERTY = 'omnihub_message_direction';

/** communication → contact, HUBSPOT_DEFINED ("Association type ID values": 81; the reverse is 82). */
export const COMMUNICATION_TO_CONTACT = 81;

const CHANNEL_TYPES: Record<MessageChannel, string> = { sms: 'SMS', whatsapp: 'WHATS_APP' };

export const MESSAGE_PROPERTIES: PropertySet = {
  objectType: COMMUNICATIONS,
  group: { name: 'omnihub', label: 'omnihub' },
  properties: [
    {
      name: MESSAGE_KEY_PROPERTY,
      label: 'omnihub message key',
      type: 'string',
      fieldType: 'text',
      description: 'The message in the system that carried it (system:id). omnihub logs one communication per key.',
      hasUniqueValue: true,
    },
    {
      name: DIRECTION_PROPERTY,
      label: 'Message direction',
      type: 'enumeration',
      fieldType: 'select',
      description: 'Whether the customer sent the message (inbound) or the shop did (outbound).',
      options: [
        { label: 'Inbound', value: 'inbound' },
        { label: 'Outbound', value: 'outbound' },
      ],
    },
  ],
};

/** "Received: …" or "Sent (2 media): …": the direction and any media, then the text as it was. */
export function communicationBody(message: Message): string {
  const verb = message.direction === 'inbound' ? 'Received' : 'Sent';
  const media = message.mediaCount > 0 ? ` (${message.mediaCount} media)` : '';
  return message.body === '' ? `${verb}${media}` : `${verb}${media}: ${message.body}`;
}

export function communicationProperties(message: Message): Record<string, string> {
  return {
    [MESSAGE_KEY_PROPERTY]: messageKey(message.origin),
    hs_communication_channel_type: CHANNEL_TYPES[message.channel],
    hs_communication_logged_from: 'CRM',
    hs_communication_body: communicationBody(message),
    // datetime properties take epoch milliseconds.
    hs_timestamp: String(toMillis(message.at)),
    [DIRECTION_PROPERTY]: message.direction,
  };
}
