import { orderKey } from '../../core/model/order';
import type { OrderProjectionTarget } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { klaviyoApi, type KlaviyoTuning } from './api';
import type { KlaviyoConfig, KlaviyoSecret } from './manifest';
import { orderEvents } from './order-events';

/**
 * Orders into Klaviyo as events on the buyer's profile (order-events.ts), for the shop's flows and
 * segments. Klaviyo keeps events, not orders: the "copy" is the set of events the order's states
 * have caused, named by the order's key. Each projection sends every event the present state
 * implies; Klaviyo records an event once per profile, metric and `unique_id` (a repeat is
 * answered 202 and dropped), so a retry, a replay or a later state never doubles one. Create
 * Event answers 202 with no body: the event is processed later.
 * https://developers.klaviyo.com/en/v2026-07-15/reference/create_event
 */
export function createKlaviyoOrderTarget(options: ClientOptions<KlaviyoConfig, KlaviyoSecret>, tuning: KlaviyoTuning = {}): OrderProjectionTarget {
  const api = klaviyoApi(options, tuning);
  return {
    async projectOrder(order, { copyId, buyerRecordId }) {
      const key = orderKey(order.origin);
      // An event belongs to a profile: a sale without a known buyer (or one whose profile is still
      // to be made: her customer sync asks again once it is) has nothing to go on yet.
      if (buyerRecordId === null) return { copyId: key, outcome: 'unchanged' };
      for (const event of orderEvents(order)) {
        await api.call('create event', ({ eventsApi }) =>
          eventsApi.createEvent({
            data: {
              type: 'event',
              attributes: {
                properties: event.properties,
                time: new Date(event.time),
                value: event.value,
                valueCurrency: event.valueCurrency,
                uniqueId: event.uniqueId,
                metric: { data: { type: 'metric', attributes: { name: event.metric } } },
                profile: { data: { type: 'profile', id: buyerRecordId, attributes: {} } },
              },
            },
          }),
        );
      }
      options.log.info('Klaviyo order events sent', { orderKey: key, externalId: buyerRecordId });
      return { copyId: key, outcome: copyId ? 'updated' : 'created' };
    },
  };
}
