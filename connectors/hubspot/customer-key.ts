import type { PropertySet } from './property-setup';

/**
 * The omnihub customer id on every contact omnihub creates, in a unique property. HubSpot keeps
 * only the email unique, so without it a sync that died between HubSpot's create and its record of
 * the link (docs/identity.md §2) made a second contact on its retry whenever the customer had no
 * email yet (a phone-only customer, first known by a message): the chaos run found one. With it,
 * the repeated create is refused for that value (400), and the first contact is read by the key
 * (GET …/contacts/{id}?idProperty=omnihub_customer_id), which does not lag as search does.
 */
export const CUSTOMER_KEY_PROPERTY = 'omnihub_customer_id';

export const CUSTOMER_KEY_PROPERTIES: PropertySet = {
  objectType: 'contacts',
  group: { name: 'omnihub', label: 'omnihub' },
  properties: [
    {
      name: CUSTOMER_KEY_PROPERTY,
      label: 'omnihub customer id',
      type: 'string',
      fieldType: 'text',
      description: 'The omnihub customer this contact was created for (one contact per customer).',
      hasUniqueValue: true,
    },
  ],
};
