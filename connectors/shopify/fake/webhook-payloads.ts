import { randomUUID } from 'node:crypto';
import { json, restConsent, toWebhookCustomerJson } from './rest';
import type { CustomerChange, FakeCustomer } from './state';

/**
 * What Shopify sends when a customer changes, at API 2025-10: one delivery per topic, bodies
 * as in Shopify's sample payloads (https://shopify.dev/docs/api/webhooks?reference=toml,
 * copies in test/fixtures/shopify/). A merchant's tag or consent edit fires its own topic AND
 * customers/update (the customer's updated_at moved), whose body no longer carries either.
 */

export type ShopifyWebhookTopic =
  | 'customers/create'
  | 'customers/update'
  | 'customers/delete'
  | 'customers/redact'
  | 'customers/merge'
  | 'customers_email_marketing_consent/update'
  | 'customers_marketing_consent/update'
  | 'customer.tags_added'
  | 'customer.tags_removed';

export interface WebhookMessage {
  topic: ShopifyWebhookTopic;
  body: string;
}

/** The deliveries one change of one customer causes (a deletion: customers/delete). */
export function messagesFor(change: CustomerChange, occurredAt: Date): WebhookMessage[] {
  const { before, after } = change;
  if (!after) return before ? [{ topic: 'customers/delete', body: deleteBody(before) }] : [];
  const messages: WebhookMessage[] = [{ topic: before ? 'customers/update' : 'customers/create', body: toWebhookCustomerJson(after) }];
  const added = after.tags.filter((tag) => !before?.tags.includes(tag));
  const removed = (before?.tags ?? []).filter((tag) => !after.tags.includes(tag));
  if (added.length > 0) messages.push({ topic: 'customer.tags_added', body: tagsBody(after, added, occurredAt) });
  if (removed.length > 0) messages.push({ topic: 'customer.tags_removed', body: tagsBody(after, removed, occurredAt) });
  if (consentChanged(before, after, 'email')) messages.push({ topic: 'customers_email_marketing_consent/update', body: emailConsentBody(after) });
  if (consentChanged(before, after, 'sms')) messages.push({ topic: 'customers_marketing_consent/update', body: smsConsentBody(after) });
  return messages;
}

/** customers/redact: the mandatory compliance topic, sent when the shop erases a customer. */
export function redactBody(customer: FakeCustomer, shopId: bigint, shopDomain: string): string {
  return json({
    shop_id: shopId,
    shop_domain: shopDomain,
    customer: { id: customer.id, email: customer.email, phone: customer.phone },
    orders_to_redact: [],
  });
}

/** customers/merge after a completed merge: the kept and the deleted customer, by gid. */
export function mergeBody(keptId: bigint, deletedId: bigint): string {
  return json({
    admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${keptId}`,
    admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${deletedId}`,
    admin_graphql_api_job_id: `gid://shopify/Job/${randomUUID()}`,
    status: 'completed',
    errors: [],
  });
}

function deleteBody(customer: FakeCustomer): string {
  return json({ id: customer.id, tax_exemptions: [], admin_graphql_api_id: `gid://shopify/Customer/${customer.id}` });
}

function tagsBody(customer: FakeCustomer, tags: string[], occurredAt: Date): string {
  return json({ customerId: `gid://shopify/Customer/${customer.id}`, tags, occurredAt: occurredAt.toISOString() });
}

function emailConsentBody(customer: FakeCustomer): string {
  return json({
    customer_id: customer.id,
    email_address: customer.email,
    email_marketing_consent: customer.email ? restConsent(customer.emailMarketing) : { state: null, opt_in_level: null, consent_updated_at: null },
  });
}

function smsConsentBody(customer: FakeCustomer): string {
  const consent = customer.phone ? restConsent(customer.smsMarketing) : { state: null, opt_in_level: null, consent_updated_at: null };
  return json({ id: customer.id, phone: customer.phone, sms_marketing_consent: { ...consent, consent_collected_from: 'other' } });
}

/** A consent topic fires when the state, opt-in level or contact it belongs to changed. */
function consentChanged(before: FakeCustomer | undefined, after: FakeCustomer, channel: 'email' | 'sms'): boolean {
  const contact = (customer: FakeCustomer | undefined) => (channel === 'email' ? customer?.email : customer?.phone) ?? null;
  const consent = (customer: FakeCustomer | undefined) => {
    if (!customer || !contact(customer)) return 'none';
    const value = channel === 'email' ? customer.emailMarketing : customer.smsMarketing;
    return `${value.state}/${value.optInLevel ?? ''}`;
  };
  // A new customer without consent set (NOT_SUBSCRIBED) sends no consent topic.
  if (!before) return consent(after) !== 'none' && !consent(after).startsWith('NOT_SUBSCRIBED/');
  return consent(before) !== consent(after) || (contact(before) === null) !== (contact(after) === null);
}
