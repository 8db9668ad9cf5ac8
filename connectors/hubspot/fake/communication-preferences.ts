import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { MARKETING_SUBSCRIPTION_ID } from './catalog';
import type { ApiContext } from './crm';
import type { HubspotFakeState, WriteResult, WriteSource } from './state';

/**
 * The communication preferences API v3 as @hubspot/api-client's `communicationPreferences`
 * calls it: subscription definitions, an email's statuses, subscribe and unsubscribe.
 * https://developers.hubspot.com/docs/api-reference/legacy/communication-preferences/v3/guide
 *
 * A status belongs to the email address, not to a contact ("it is possible to update the status
 * for an email address even if there is not currently a contact with that email address"). For an
 * email a contact holds, the status is the contact's `hs_email_optout_<id>` property ('true':
 * unsubscribed, 'false': subscribed, empty: not specified), and `hs_email_optout` 'true' is the
 * opt-out from all email; a change sets the property with its history entry and timestamp, and
 * fires the property's propertyChange webhook when the app subscribes to it. Statuses of emails no
 * contact holds are kept apart (in memory only). v3 never resubscribes an email that opted out.
 * Wordings: "… is already subscribed to subscription N" and "… is already unsubscribed from
 * subscription N" are HubSpot's [2ND]; the required-attributes message is HubSpot's [2ND]; the
 * refusal to resubscribe and the unknown subscription id are the fake's (HubSpot's own wording
 * for them was not found).
 */

export interface SubscriptionDefinition {
  id: string;
  name: string;
  description: string;
  purpose: string;
  communicationMethod: string;
  isActive: boolean;
  isDefault: boolean;
  isInternal: boolean;
  businessUnitId: number;
  createdAt: string;
  updatedAt: string;
}

const SEEDED_AT = '2024-01-15T09:00:00.000Z';

/** The portal's subscription types: the one marketing subscription of a new portal. */
export const SUBSCRIPTION_DEFINITIONS: readonly SubscriptionDefinition[] = [
  {
    id: MARKETING_SUBSCRIPTION_ID,
    name: 'Marketing Information',
    description: 'Marketing offers and updates.',
    purpose: 'Marketing',
    communicationMethod: 'Email',
    isActive: true,
    isDefault: true,
    isInternal: false,
    businessUnitId: 0,
    createdAt: SEEDED_AT,
    updatedAt: SEEDED_AT,
  },
];

const LEGAL_BASES = ['LEGITIMATE_INTEREST_PQL', 'LEGITIMATE_INTEREST_CLIENT', 'PERFORMANCE_OF_CONTRACT', 'CONSENT_WITH_NOTICE', 'NON_GDPR', 'PROCESS_AND_STORE', 'LEGITIMATE_INTEREST_OTHER'] as const;
const UpdateRequestSchema = z.object({
  emailAddress: z.string().min(1),
  subscriptionId: z.union([z.string().min(1), z.number().int()]).transform(String),
  legalBasis: z.enum(LEGAL_BASES).optional(),
  legalBasisExplanation: z.string().optional(),
});

export type SubscriptionState = 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NOT_SPECIFIED';

export function optOutProperty(subscriptionId: string): string {
  return `hs_email_optout_${subscriptionId}`;
}

/** The portal's subscription statuses, over the contacts' opt-out properties. */
export class CommunicationPreferences {
  /** Emails no contact holds: email (lower-cased) → subscription id → state, and the opt-out from all. */
  private readonly detached = new Map<string, { subscriptions: Map<string, SubscriptionState>; optedOutOfAll: boolean }>();

  constructor(
    private readonly state: HubspotFakeState,
    /** Applies a change the way the server applies every write (webhooks). */
    private readonly apply: (result: WriteResult, source: WriteSource) => void,
  ) {}

  definition(id: string): SubscriptionDefinition | undefined {
    return SUBSCRIPTION_DEFINITIONS.find((definition) => definition.id === id);
  }

  stateOf(email: string, subscriptionId: string): SubscriptionState {
    const contact = this.state.findByEmail(email);
    if (!contact) return this.detached.get(email.toLowerCase())?.subscriptions.get(subscriptionId) ?? 'NOT_SPECIFIED';
    const value = contact.properties.get(optOutProperty(subscriptionId));
    return value === 'true' ? 'UNSUBSCRIBED' : value === 'false' ? 'SUBSCRIBED' : 'NOT_SPECIFIED';
  }

  optedOutOfAll(email: string): boolean {
    const contact = this.state.findByEmail(email);
    return contact ? contact.properties.get('hs_email_optout') === 'true' : (this.detached.get(email.toLowerCase())?.optedOutOfAll ?? false);
  }

  /** Sets a subscription's state for an email (the API, or a person in the UI or on the preferences page). */
  set(email: string, subscriptionId: string, next: Exclude<SubscriptionState, 'NOT_SPECIFIED'>, source: WriteSource): void {
    const contact = this.state.findByEmail(email);
    if (!contact) {
      const entry = this.detachedEntry(email);
      entry.subscriptions.set(subscriptionId, next);
      return;
    }
    const result = this.state.setByHubspot(contact.id, { [optOutProperty(subscriptionId)]: next === 'UNSUBSCRIBED' ? 'true' : 'false' }, source);
    if (result.ok) this.apply(result, source);
  }

  /** The opt-out from all email (a person's "unsubscribe from all" link): `hs_email_optout` 'true'. */
  unsubscribeFromAll(email: string, source: WriteSource): void {
    const contact = this.state.findByEmail(email);
    if (!contact) {
      this.detachedEntry(email).optedOutOfAll = true;
      return;
    }
    const result = this.state.setByHubspot(contact.id, { hs_email_optout: 'true' }, source);
    if (result.ok) this.apply(result, source);
  }

  private detachedEntry(email: string) {
    const key = email.toLowerCase();
    const entry = this.detached.get(key) ?? { subscriptions: new Map<string, SubscriptionState>(), optedOutOfAll: false };
    this.detached.set(key, entry);
    return entry;
  }

  /** PublicSubscriptionStatus JSON for one definition. */
  statusJson(email: string, definition: SubscriptionDefinition, extra: { legalBasis?: string; legalBasisExplanation?: string } = {}): Record<string, unknown> {
    const all = this.optedOutOfAll(email);
    const subscribed = !all && this.stateOf(email, definition.id) === 'SUBSCRIBED';
    return {
      id: definition.id,
      name: definition.name,
      description: definition.description,
      status: subscribed ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED',
      sourceOfStatus: all ? 'PORTAL_WIDE_STATUS' : 'SUBSCRIPTION_STATUS',
      ...(extra.legalBasis ? { legalBasis: extra.legalBasis } : {}),
      ...(extra.legalBasisExplanation ? { legalBasisExplanation: extra.legalBasisExplanation } : {}),
    };
  }
}

/** Serves `/communication-preferences/v3/*`; undefined for any other path. Auth and rate limits are the server's. */
export function serveCommunicationPreferences(request: FakeRequest, context: ApiContext, preferences: CommunicationPreferences): FakeResponse | undefined {
  if (!request.path.startsWith('/communication-preferences/')) return undefined;
  const { method, path } = request;
  // HubSpot's answers carry its clock in `Date`, the same clock the property history uses.
  const answer = (status: number, body: unknown) => context.api(status, body, { date: context.now().toUTCString() });
  const refuse = (message: string, category = 'VALIDATION_ERROR') => answer(400, context.errorBody(message, category));

  if (path === '/communication-preferences/v3/definitions' && method === 'GET') return answer(200, { subscriptionDefinitions: SUBSCRIPTION_DEFINITIONS });

  const statusEmail = /^\/communication-preferences\/v3\/status\/email\/([^/]+)$/.exec(path)?.[1];
  if (statusEmail !== undefined && method === 'GET') {
    const email = decodeURIComponent(statusEmail);
    return answer(200, { recipient: email, subscriptionStatuses: SUBSCRIPTION_DEFINITIONS.map((definition) => preferences.statusJson(email, definition)) });
  }

  const operation = path === '/communication-preferences/v3/subscribe' ? 'subscribe' : path === '/communication-preferences/v3/unsubscribe' ? 'unsubscribe' : undefined;
  if (operation && method === 'POST') {
    const input = UpdateRequestSchema.safeParse(request.json ?? {});
    if (!input.success) {
      const missing = ['emailAddress', 'subscriptionId'].filter((key) => input.error.issues.some((issue) => issue.path[0] === key));
      return refuse(
        missing.length > 0
          ? `Invalid input JSON on line 1, column 2: Cannot build PublicUpdateSubscriptionStatusRequest, some of required attributes are not set [${missing.join(', ')}]`
          : `Invalid input JSON: check ${input.error.issues.map((issue) => issue.path.join('.')).join(', ')}`,
      );
    }
    const { emailAddress: email, subscriptionId, legalBasis, legalBasisExplanation } = input.data;
    const definition = preferences.definition(subscriptionId);
    if (!definition) return refuse(`Subscription ${subscriptionId} does not exist in this portal`);
    const current = preferences.stateOf(email, subscriptionId);
    if (operation === 'subscribe') {
      if (preferences.optedOutOfAll(email)) return refuse(`${email} has opted out of all email and cannot be resubscribed`);
      if (current === 'UNSUBSCRIBED') return refuse(`${email} has unsubscribed from subscription ${subscriptionId} and cannot be resubscribed`);
      if (current === 'SUBSCRIBED') return refuse(`${email} is already subscribed to subscription ${subscriptionId}`);
      preferences.set(email, subscriptionId, 'SUBSCRIBED', 'api');
    } else {
      if (current === 'UNSUBSCRIBED') return refuse(`${email} is already unsubscribed from subscription ${subscriptionId}`);
      preferences.set(email, subscriptionId, 'UNSUBSCRIBED', 'api');
    }
    return answer(200, preferences.statusJson(email, definition, { ...(legalBasis ? { legalBasis } : {}), ...(legalBasisExplanation ? { legalBasisExplanation } : {}) }));
  }
  return answer(404, context.errorBody(`No route for ${method} ${path}`, 'OBJECT_NOT_FOUND'));
}
