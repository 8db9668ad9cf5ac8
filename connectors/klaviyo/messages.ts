import type { MessageProjectionTarget } from '../../core/messages/ports';
import type { ClientOptions } from '../connector';
import { klaviyoApi, type KlaviyoTuning } from './api';
import type { KlaviyoConfig, KlaviyoSecret } from './manifest';
import { messageEvent } from './message-events';

/**
 * Messages into Klaviyo as one event each on the customer's profile (message-events.ts), sent as
 * order events are (orders.ts): Create Event through `call` (429s waited out, 5xx retried), the
 * profile named by its Klaviyo id, `customerRecordId`. The copy's id is the event's unique_id,
 * the message key. Create Event answers 202 with no body whether the event is new or a repeat
 * Klaviyo will drop, so every projection is 'created' from our side: a second one (a retry after
 * a crash, a replay) is deduped by Klaviyo, per profile, metric and unique_id.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/create_event
 */
export function createKlaviyoMessageTarget(options: ClientOptions<KlaviyoConfig, KlaviyoSecret>, tuning: KlaviyoTuning = {}): MessageProjectionTarget {
  const api = klaviyoApi(options, tuning);
  return {
    async projectMessage(message, { customerRecordId }) {
      const event = messageEvent(message);
      await api.call('create message event', ({ eventsApi }) =>
        eventsApi.createEvent({
          data: {
            type: 'event',
            attributes: {
              properties: event.properties,
              time: new Date(event.time),
              uniqueId: event.uniqueId,
              metric: { data: { type: 'metric', attributes: { name: event.metric } } },
              profile: { data: { type: 'profile', id: customerRecordId, attributes: {} } },
            },
          },
        }),
      );
      options.log.info('Klaviyo message event sent', { messageKey: event.uniqueId, externalId: customerRecordId });
      return { copyId: event.uniqueId, outcome: 'created' };
    },
  };
}
