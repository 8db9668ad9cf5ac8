import type { Address } from './addresses';
import type { IdSource } from './clock';
import { priceOf, type Direction, type MessagesState, type StoredMessage } from './messages-state';
import { AUTO_REPLIES, type OptOuts } from './opt-out';
import { segmentCount } from './segments';

/**
 * The sandbox account for `npm start`: a short message history, written as Twilio would hold
 * it, with no webhooks (it was there before the hub). Ada (+12125550101) and Katherine
 * (+12125550104) are the people of the other sandboxes, by the phones the shop knows them by.
 * - Ada was told by SMS her order was ready, and answered.
 * - Katherine was told too and replied STOP: she is opted out (and got Twilio's auto-reply), so
 *   a send to her answers 21610 until she texts START.
 * - On WhatsApp (when the shop has a WhatsApp sender) Ada asked something 30 hours ago and was
 *   answered: her 24-hour window has closed, so a free-form message to her fails with 63016.
 */
const HOUR = 60 * 60 * 1000;

export function seedTwilioSandbox(context: {
  state: MessagesState;
  optOuts: OptOuts;
  ids: IdSource;
  senders: Address[];
  serviceSid: string | undefined;
  now: () => Date;
}): void {
  const now = context.now().getTime();
  const sms = context.senders.find((sender) => sender.channel === 'sms');
  const whatsapp = context.senders.find((sender) => sender.channel === 'whatsapp');
  const add = (direction: Direction, from: string, to: string, body: string, at: number) => {
    const channel = from.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
    const message: StoredMessage = {
      sid: context.ids.messageSid(false),
      direction,
      channel,
      from,
      to,
      body,
      status: direction === 'inbound' ? 'received' : 'delivered',
      errorCode: null,
      errorMessage: null,
      createdAt: at,
      updatedAt: direction === 'inbound' ? at : at + 3000,
      sentAt: direction === 'inbound' ? at : at + 1000,
      segments: channel === 'whatsapp' ? 1 : segmentCount(body),
      numMedia: 0,
      messagingServiceSid: context.serviceSid ?? null,
      senderAssigned: true,
      statusCallback: null,
      price: null,
      pending: [],
    };
    message.price = priceOf(message);
    context.state.add(message);
  };
  if (sms) {
    const ada = '+12125550101';
    const katherine = '+12125550104';
    add('outbound-api', sms.address, ada, 'Hi Ada, your order is ready for pickup at the counter.', now - 72 * HOUR);
    add('inbound', ada, sms.address, "Thanks! I'll come by at 5.", now - 72 * HOUR + 10 * 60_000);
    add('outbound-api', sms.address, katherine, 'Hi Katherine, your cold brew is ready for pickup.', now - 48 * HOUR);
    add('inbound', katherine, sms.address, 'STOP', now - 48 * HOUR + 5 * 60_000);
    add('outbound-reply', sms.address, katherine, AUTO_REPLIES.STOP, now - 48 * HOUR + 5 * 60_000);
    context.optOuts.add(katherine, context.serviceSid ?? sms.address);
  }
  if (whatsapp) {
    const ada = 'whatsapp:+12125550101';
    add('inbound', ada, whatsapp.address, 'Can I pick up my order tomorrow instead?', now - 30 * HOUR);
    add('outbound-api', whatsapp.address, ada, 'Of course, we will keep it for you until tomorrow evening.', now - 29 * HOUR);
  }
}
