import { messageKey, type Message, type MessageChannel, type MessageDirection } from '../../core/model/message';

/**
 * A message as a Klaviyo event on the customer's profile (pure, docs/identity.md §11), with the
 * message key as `unique_id`: Klaviyo keeps the first event per profile, metric and unique_id, so
 * sending it again (a retry, a replay) records nothing more.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/create_event
 *
 * The metric names are not `Received SMS` / `Sent SMS`: those are the metrics of Klaviyo's own
 * SMS channel, named as Klaviyo names metrics, by what the profile did (Received SMS: a text from
 * the brand reached her; Sent SMS: she texted the brand's number), so omnihub's would sit beside
 * them under the same names, with the opposite sense if "received" meant the shop's side.
 * https://help.klaviyo.com/hc/en-us/articles/360035345572 (SMS Metrics)
 * These keep Klaviyo's convention (the profile's action, action word first) and say who the
 * other side is, so none can be taken for Klaviyo's own; the WhatsApp ones follow for the same
 * reason, Klaviyo having a WhatsApp channel of its own.
 * https://developers.klaviyo.com/en/docs/custom_integration_faqs (how to name metrics)
 */
export const MESSAGE_METRICS = {
  sms: { inbound: 'Sent SMS to Shop', outbound: 'Received SMS from Shop' },
  whatsapp: { inbound: 'Sent WhatsApp Message to Shop', outbound: 'Received WhatsApp Message from Shop' },
} as const satisfies Record<MessageChannel, Record<MessageDirection, string>>;

export type MessageMetric = (typeof MESSAGE_METRICS)[MessageChannel][MessageDirection];

export interface KlaviyoMessageEvent {
  metric: MessageMetric;
  uniqueId: string;
  time: string;
  properties: Record<string, string | number>;
}

/** The customer's phone is left out: it is on the profile already. */
export function messageEvent(message: Message): KlaviyoMessageEvent {
  const key = messageKey(message.origin);
  return {
    metric: MESSAGE_METRICS[message.channel][message.direction],
    uniqueId: key,
    time: message.at,
    properties: {
      Channel: message.channel,
      Direction: message.direction,
      Body: message.body,
      MediaCount: message.mediaCount,
      MessageKey: key,
      ShopAddress: message.shopAddress,
      // A pickup notice: the shop's flow on Ready for Pickup skips a profile this reached (docs/identity.md §12).
      ...(message.notice ? { Notice: message.notice.kind, OrderId: message.notice.orderKey, OrderName: message.notice.orderName } : {}),
    },
  };
}
