import { ApiKeySession, EventsApi, MetricsApi, ObjectSerializer, ProfileEnum, ProfilesApi, RetryWithExponentialBackoff } from 'klaviyo-api';

/**
 * The calls the Klaviyo connector makes through klaviyo-api, as one module: bundled-sdk.test.ts
 * runs it in-process (the whole SDK, axios) and bundled with functions/build.ts (the SDK pruned
 * to these calls by functions/prune-klaviyo-sdk.ts, over the fetch-based axios shim) against the
 * same stub, and compares what each sends and hands back. The Api instances are named after
 * their class and every call is written `api.method(`, as the connector writes them.
 */
export { ApiKeySession, ObjectSerializer, ProfilesApi };

export const API_KEY = 'pk_test_0123456789abcdef';

export function klaviyoCalls(basePath: string, { numRetries = 0 }: { numRetries?: number } = {}) {
  const session = new ApiKeySession(API_KEY, new RetryWithExponentialBackoff({ numRetries }));
  const profilesApi = new ProfilesApi(session);
  const eventsApi = new EventsApi(session);
  const metricsApi = new MetricsApi(session);
  for (const api of [profilesApi, eventsApi, metricsApi]) api.basePath = basePath;

  return {
    createOrUpdateProfile: (email: string) =>
      profilesApi.createOrUpdateProfile(
        {
          data: {
            type: ProfileEnum.Profile,
            attributes: {
              email,
              firstName: 'Ada',
              lastName: 'Lovelace',
              phoneNumber: '+15005550006',
              externalId: 'cust_42',
              location: { city: 'London', country: 'GB', zip: 'N1 9GU' },
              properties: { plan: 'pro', signed_up: '2025-01-02' },
            },
          },
        },
        { additionalFieldsProfile: ['subscriptions'] },
      ),
    getProfiles: (pageCursor?: string, filter = 'greater-than(updated,2025-01-01T00:00:00Z)') =>
      profilesApi.getProfiles({
        additionalFieldsProfile: ['subscriptions'],
        fieldsProfile: ['email', 'first_name', 'updated', 'subscriptions.email.marketing.consent'],
        filter,
        pageSize: 2,
        sort: '-updated',
        ...(pageCursor ? { pageCursor } : {}),
      }),
    getProfile: (id: string) => profilesApi.getProfile(id, { additionalFieldsProfile: ['subscriptions'] }),
    bulkSubscribeProfiles: (email: string) =>
      profilesApi.bulkSubscribeProfiles({
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: {
            customSource: 'omnihub',
            profiles: {
              data: [{ type: 'profile', attributes: { email, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED', consentedAt: new Date('2025-03-01T12:00:00Z') } } } } }],
            },
          },
          relationships: { list: { data: { type: 'list', id: 'Y6nRLr' } } },
        },
      }),
    bulkUnsubscribeProfiles: (email: string) =>
      profilesApi.bulkUnsubscribeProfiles({
        data: {
          type: 'profile-subscription-bulk-delete-job',
          attributes: { profiles: { data: [{ type: 'profile', attributes: { email, subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } } }] } },
          relationships: { list: { data: { type: 'list', id: 'Y6nRLr' } } },
        },
      }),
    createEvent: (email: string) =>
      eventsApi.createEvent({
        data: {
          type: 'event',
          attributes: {
            properties: { order_id: 'ord_1', items: ['tea', 'scones'] },
            time: new Date('2025-03-01T12:34:56.789Z'),
            value: 19.5,
            valueCurrency: 'GBP',
            uniqueId: 'ord_1',
            metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
            profile: { data: { type: 'profile', attributes: { email } } },
          },
        },
      }),
    getEvents: () => eventsApi.getEvents({ filter: 'greater-or-equal(datetime,2025-03-01T00:00:00Z)', sort: '-datetime', fieldsEvent: ['datetime', 'event_properties', 'uuid'] }),
    getMetrics: () => metricsApi.getMetrics({ filter: 'equals(integration.name,"API")', fieldsMetric: ['name', 'created', 'integration'] }),
  };
}
