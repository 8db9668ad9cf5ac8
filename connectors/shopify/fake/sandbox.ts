import { z } from 'zod';
import { compact } from '../../../core/model/compact';
import type { AddressInput, ConsentInput, CustomerCreateInput, CustomerFieldsInput, EmailMarketingState, SmsMarketingState } from './state';

/**
 * The sandbox admin API: REST-style customer fields, the way a merchant edits a customer in
 * the Shopify admin (which also fires webhooks). Keys present are written, null clears,
 * absent keys are left alone.
 */

const text = z.string().nullish();

export const SandboxAddressInputSchema = z.strictObject({
  first_name: text,
  last_name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province_code: text,
  zip: text,
  country_code: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code').nullish(),
  phone: text,
});

const SandboxConsentSchema = z.strictObject({
  state: z.enum(['subscribed', 'not_subscribed', 'pending', 'unsubscribed']),
  opt_in_level: z.enum(['single_opt_in', 'confirmed_opt_in', 'unknown']).nullish(),
});

export const SandboxCustomerInputSchema = z.strictObject({
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  note: text,
  /** "a, b" as in REST, or a list. */
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  /** The default address: set (replacing the current default), or null to remove it. */
  default_address: SandboxAddressInputSchema.nullish(),
  email_marketing_consent: SandboxConsentSchema.nullish(),
  sms_marketing_consent: SandboxConsentSchema.nullish(),
});
export type SandboxCustomerInput = z.input<typeof SandboxCustomerInputSchema>;
export type SandboxCustomerFields = z.infer<typeof SandboxCustomerInputSchema>;

/** A REST body may wrap the fields in `{ "customer": { … } }`, as Shopify's REST API does. */
export const SandboxRequestBodySchema = z.union([z.strictObject({ customer: SandboxCustomerInputSchema }), SandboxCustomerInputSchema]);

export function sandboxFields(body: z.infer<typeof SandboxRequestBodySchema>): SandboxCustomerFields {
  return 'customer' in body ? body.customer : body;
}

export function toFieldsInput(input: SandboxCustomerFields): CustomerFieldsInput {
  const fields: CustomerFieldsInput = {};
  if (input.first_name !== undefined) fields.firstName = input.first_name;
  if (input.last_name !== undefined) fields.lastName = input.last_name;
  if (input.email !== undefined) fields.email = input.email;
  if (input.phone !== undefined) fields.phone = input.phone;
  if (input.note !== undefined) fields.note = input.note;
  if (input.tags !== undefined) fields.tags = typeof input.tags === 'string' ? input.tags.split(',') : input.tags;
  return fields;
}

export function toCreateInput(input: SandboxCustomerFields): CustomerCreateInput {
  return {
    ...toFieldsInput(input),
    addresses: input.default_address ? [toAddressInput(input.default_address)] : [],
    emailMarketing: input.email_marketing_consent ? toConsent(input.email_marketing_consent) : undefined,
    smsMarketing: input.sms_marketing_consent ? toConsent(input.sms_marketing_consent) : undefined,
  };
}

export function toAddressInput(address: z.infer<typeof SandboxAddressInputSchema>): AddressInput {
  const upper = (code: string | null | undefined) => (code === undefined ? undefined : (code?.toUpperCase() ?? null));
  return compact({
    firstName: address.first_name,
    lastName: address.last_name,
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    provinceCode: upper(address.province_code),
    zip: address.zip,
    countryCode: upper(address.country_code),
    phone: address.phone,
  });
}

/** The states a merchant can pick in the admin; valid for both email and SMS. */
export function toConsent(consent: z.infer<typeof SandboxConsentSchema>): ConsentInput<EmailMarketingState & SmsMarketingState> {
  const state = ({ subscribed: 'SUBSCRIBED', not_subscribed: 'NOT_SUBSCRIBED', pending: 'PENDING', unsubscribed: 'UNSUBSCRIBED' } as const)[consent.state];
  const optInLevel = consent.opt_in_level ? ({ single_opt_in: 'SINGLE_OPT_IN', confirmed_opt_in: 'CONFIRMED_OPT_IN', unknown: 'UNKNOWN' } as const)[consent.opt_in_level] : null;
  return { state, optInLevel };
}
