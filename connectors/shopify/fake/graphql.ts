import {
  GraphQLError,
  Kind,
  buildSchema,
  getNamedType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { getCountries } from 'libphonenumber-js';
import { compact } from '../../../core/model/compact';
import { ORDERS_SDL } from './orders-sdl';
import { countryName, provinceName } from './rest';
import type {
  AddressInput,
  ConsentInput,
  CustomerFieldsInput,
  EmailMarketingState,
  FakeAddress,
  FakeCustomer,
  FakeUserError,
  MarketingOptInLevel,
  ShopifyFakeState,
  SmsMarketingState,
  StateResult,
} from './state';

/**
 * A subset of the Shopify GraphQL Admin API schema (2025-10), with Shopify's own type and
 * field names, executed by graphql-js: a misspelt field or a wrong input type in the client
 * fails here the way it fails against Shopify. Only the customer operations omnihub uses.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Customer
 */
export const SHOPIFY_ADMIN_SDL = /* GraphQL */ `
  scalar DateTime
  scalar UnsignedInt64

  enum CountryCode { ${[...getCountries(), 'ZZ'].join(' ')} }
  enum CustomerEmailMarketingState { INVALID NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
  enum CustomerSmsMarketingState { NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
  enum CustomerMarketingOptInLevel { CONFIRMED_OPT_IN SINGLE_OPT_IN UNKNOWN }
  enum CustomerState { DECLINED DISABLED ENABLED INVITED }
  enum CustomerSortKeys { CREATED_AT ID NAME RELEVANCE UPDATED_AT }
  enum CustomerEmailMarketingConsentUpdateUserErrorCode { INCLUSION INTERNAL_ERROR INVALID MISSING_ARGUMENT }
  enum CustomerSmsMarketingConsentErrorCode { INCLUSION INTERNAL_ERROR INVALID MISSING_ARGUMENT }

  interface Node { id: ID! }
  interface DisplayableError { field: [String!] message: String! }

  type UserError implements DisplayableError { field: [String!] message: String! }
  type CustomerEmailMarketingConsentUpdateUserError implements DisplayableError {
    code: CustomerEmailMarketingConsentUpdateUserErrorCode
    field: [String!]
    message: String!
  }
  type CustomerSmsMarketingConsentError implements DisplayableError {
    code: CustomerSmsMarketingConsentErrorCode
    field: [String!]
    message: String!
  }

  type MailingAddress implements Node {
    id: ID!
    address1: String
    address2: String
    city: String
    company: String
    country: String
    countryCodeV2: CountryCode
    firstName: String
    lastName: String
    name: String
    phone: String
    province: String
    provinceCode: String
    zip: String
  }

  type CustomerEmailAddress {
    emailAddress: String
    marketingState: CustomerEmailMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingUpdatedAt: DateTime
  }

  type CustomerPhoneNumber {
    phoneNumber: String!
    marketingState: CustomerSmsMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingUpdatedAt: DateTime
  }

  type CustomerEmailMarketingConsentState {
    marketingState: CustomerEmailMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    consentUpdatedAt: DateTime
  }

  type CustomerSmsMarketingConsentState {
    marketingState: CustomerSmsMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel!
    consentUpdatedAt: DateTime
  }

  type Customer implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    firstName: String
    lastName: String
    displayName: String!
    email: String @deprecated(reason: "Use \`defaultEmailAddress.emailAddress\` instead.")
    phone: String @deprecated(reason: "Use \`defaultPhoneNumber.phoneNumber\` instead.")
    defaultEmailAddress: CustomerEmailAddress
    defaultPhoneNumber: CustomerPhoneNumber
    emailMarketingConsent: CustomerEmailMarketingConsentState @deprecated(reason: "Use \`defaultEmailAddress.marketingState\` instead.")
    smsMarketingConsent: CustomerSmsMarketingConsentState @deprecated(reason: "Use \`defaultPhoneNumber.marketingState\` instead.")
    defaultAddress: MailingAddress
    addresses(first: Int): [MailingAddress!]!
    tags: [String!]!
    note: String
    state: CustomerState!
    verifiedEmail: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type CustomerEdge { cursor: String! node: Customer! }
  type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }

  enum CountPrecision { AT_LEAST EXACT }
  type Count { count: Int! precision: CountPrecision! }

  type Query {
    customer(id: ID!): Customer
    customersCount(query: String, limit: Int = 10000): Count
    nodes(ids: [ID!]!): [Node]!
    customers(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean = false, sortKey: CustomerSortKeys = ID): CustomerConnection!
  }

  input MailingAddressInput {
    address1: String
    address2: String
    city: String
    company: String
    countryCode: CountryCode
    firstName: String
    lastName: String
    phone: String
    provinceCode: String
    zip: String
  }

  input CustomerEmailMarketingConsentInput {
    consentUpdatedAt: DateTime
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingState: CustomerEmailMarketingState!
    sourceLocationId: ID
  }

  input CustomerSmsMarketingConsentInput {
    consentUpdatedAt: DateTime
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingState: CustomerSmsMarketingState!
    sourceLocationId: ID
  }

  input CustomerInput {
    addresses: [MailingAddressInput!]
    email: String
    emailMarketingConsent: CustomerEmailMarketingConsentInput
    firstName: String
    id: ID
    lastName: String
    locale: String
    note: String
    phone: String
    smsMarketingConsent: CustomerSmsMarketingConsentInput
    tags: [String!]
    taxExempt: Boolean
  }

  input CustomerEmailMarketingConsentUpdateInput {
    customerId: ID!
    emailMarketingConsent: CustomerEmailMarketingConsentInput!
  }

  input CustomerSmsMarketingConsentUpdateInput {
    customerId: ID!
    smsMarketingConsent: CustomerSmsMarketingConsentInput!
  }

  type CustomerCreatePayload { customer: Customer userErrors: [UserError!]! }
  type CustomerUpdatePayload { customer: Customer userErrors: [UserError!]! }
  type CustomerEmailMarketingConsentUpdatePayload { customer: Customer userErrors: [CustomerEmailMarketingConsentUpdateUserError!]! }
  type CustomerSmsMarketingConsentUpdatePayload { customer: Customer userErrors: [CustomerSmsMarketingConsentError!]! }
  type CustomerAddressCreatePayload { address: MailingAddress userErrors: [UserError!]! }
  type CustomerAddressUpdatePayload { address: MailingAddress userErrors: [UserError!]! }
  type CustomerAddressDeletePayload { deletedAddressId: ID userErrors: [UserError!]! }

  type Mutation {
    customerCreate(input: CustomerInput!): CustomerCreatePayload
    customerUpdate(input: CustomerInput!): CustomerUpdatePayload
    customerEmailMarketingConsentUpdate(input: CustomerEmailMarketingConsentUpdateInput!): CustomerEmailMarketingConsentUpdatePayload
    customerSmsMarketingConsentUpdate(input: CustomerSmsMarketingConsentUpdateInput!): CustomerSmsMarketingConsentUpdatePayload
    customerAddressCreate(customerId: ID!, address: MailingAddressInput!, setAsDefault: Boolean): CustomerAddressCreatePayload
    customerAddressUpdate(customerId: ID!, addressId: ID!, address: MailingAddressInput!, setAsDefault: Boolean): CustomerAddressUpdatePayload
    customerAddressDelete(customerId: ID!, addressId: ID!): CustomerAddressDeletePayload
  }
`;

// Orders, fulfillment orders and metafields live in orders-sdl.ts (resolvers: orders-graphql.ts).
export const shopifyAdminSchema = buildSchema(SHOPIFY_ADMIN_SDL + ORDERS_SDL);

const MAX_PAGE_SIZE = 250;
/** "Input arguments that accept an array have a maximum size of 250." https://shopify.dev/docs/api/usage/limits#input-limits */
const MAX_INPUT_ARRAY = 250;

// Shapes of the (schema-validated) arguments.
interface MailingAddressArgs {
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  company?: string | null;
  countryCode?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
}
interface ConsentArgs<State> {
  marketingState: State;
  marketingOptInLevel?: MarketingOptInLevel | null;
  consentUpdatedAt?: string | null;
}
interface CustomerInputArgs {
  addresses?: MailingAddressArgs[] | null;
  email?: string | null;
  emailMarketingConsent?: ConsentArgs<EmailMarketingState> | null;
  firstName?: string | null;
  id?: string | null;
  lastName?: string | null;
  note?: string | null;
  phone?: string | null;
  smsMarketingConsent?: ConsentArgs<SmsMarketingState> | null;
  tags?: string[] | null;
}

/**
 * What other modules add to the root (orders-graphql.ts): root fields, the nodes they resolve by
 * gid (undefined: not theirs), and fields on every Customer view (metafields).
 */
export interface RootExtensions {
  roots?: Record<string, unknown>;
  node?(gid: string): Record<string, unknown> | null | undefined;
  customerFields?(customer: FakeCustomer): Record<string, unknown>;
}

/** The root resolvers (graphql-js calls root fields that are functions with (args, context)). */
export function createRootValue(
  state: ShopifyFakeState,
  extend: (viewCustomer: (customer: FakeCustomer) => Record<string, unknown>) => RootExtensions = () => ({}),
): Record<string, unknown> {
  const customerView = (customer: FakeCustomer) => ({ ...baseCustomerView(customer), ...extensions.customerFields?.(customer) });
  const extensions = extend(customerView);
  const customerPayload = (result: StateResult<FakeCustomer>) => {
    if (!result.ok) return { customer: null, userErrors: result.userErrors.map(userError) };
    return { customer: customerView(result.value), userErrors: [] };
  };

  return {
    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customer
    customer: ({ id }: { id: string }) => {
      const customer = state.get(parseGid(id, 'Customer'));
      return customer ? customerView(customer) : null;
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/nodes (unknown ids answer null)
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > MAX_INPUT_ARRAY) {
        throw new GraphQLError(`The input array size of ${ids.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, {
          extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
        });
      }
      return ids.map((id) => {
        const other = extensions.node?.(id);
        if (other !== undefined) return other;
        const match = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/.exec(id);
        const customer = match?.[1] ? state.get(BigInt(match[1])) : undefined;
        if (!match && !/^gid:\/\/shopify\/\w+\/\S+$/.test(id)) throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: 'argumentLiteralsIncompatible' } });
        return customer ? customerView(customer) : null;
      });
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customersCount: counts saturate at `limit` (AT_LEAST).
    customersCount: (args: { query?: string | null; limit?: number | null }) => {
      const found = state.search(args.query).length;
      const limit = args.limit ?? 10_000;
      return found > limit ? { count: limit, precision: 'AT_LEAST' } : { count: found, precision: 'EXACT' };
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customers
    customers: (args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null; query?: string | null; reverse?: boolean }) => {
      const size = args.first ?? args.last;
      if (size == null) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
      if (size > MAX_PAGE_SIZE) throw new GraphQLError(`The page size may not exceed ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_REQUEST' } });
      const ordered = args.reverse ? state.search(args.query).reverse() : state.search(args.query);
      // Cursors are keyset positions (the last id seen), so they survive inserts and deletes.
      const comesAfter = (a: bigint, b: bigint) => (args.reverse ? a < b : a > b);
      const afterId = args.after ? decodeCursor(args.after) : undefined;
      const beforeId = args.before ? decodeCursor(args.before) : undefined;
      const window = ordered.filter(
        (customer) => (afterId === undefined || comesAfter(customer.id, afterId)) && (beforeId === undefined || comesAfter(beforeId, customer.id)),
      );
      const page = args.first != null ? window.slice(0, size) : window.slice(Math.max(0, window.length - size));
      const first = page[0];
      const last = page[page.length - 1];
      const startIndex = first ? ordered.indexOf(first) : 0;
      return {
        edges: page.map((customer) => ({ cursor: encodeCursor(customer.id), node: customerView(customer) })),
        nodes: page.map(customerView),
        pageInfo: {
          hasNextPage: last !== undefined && startIndex + page.length < ordered.length,
          hasPreviousPage: first !== undefined && startIndex > 0,
          startCursor: first ? encodeCursor(first.id) : null,
          endCursor: last ? encodeCursor(last.id) : null,
        },
      };
    },

    ...extensions.roots,

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerCreate
    customerCreate: ({ input }: { input: CustomerInputArgs }) => {
      if (input.id) return { customer: null, userErrors: [{ field: ['id'], message: 'Id must not be set when creating a customer' }] };
      const result = state.createCustomer({
        ...fieldsInput(input),
        addresses: (input.addresses ?? []).map(addressInput),
        emailMarketing: consentInput(input.emailMarketingConsent),
        smsMarketing: consentInput(input.smsMarketingConsent),
      });
      return customerPayload(result);
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerUpdate
    customerUpdate: ({ input }: { input: CustomerInputArgs }) => {
      if (!input.id) return { customer: null, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] };
      // "To set marketing consent, use the customerEmailMarketingConsentUpdate or customerSmsMarketingConsentUpdate mutations instead."
      if (input.emailMarketingConsent) {
        return { customer: null, userErrors: [{ field: ['emailMarketingConsent'], message: 'To update emailMarketingConsent, please use the customerEmailMarketingConsentUpdate Mutation instead' }] };
      }
      if (input.smsMarketingConsent) {
        return { customer: null, userErrors: [{ field: ['smsMarketingConsent'], message: 'To update smsMarketingConsent, please use the customerSmsMarketingConsentUpdate Mutation instead' }] };
      }
      const id = parseGid(input.id, 'Customer');
      let result = state.updateCustomer(id, fieldsInput(input));
      // Addresses given to customerUpdate are added; the first one becomes the default.
      for (const [index, address] of (input.addresses ?? []).entries()) {
        if (!result.ok) break;
        const added = state.addAddress(id, addressInput(address), index === 0);
        result = added.ok ? { ok: true, value: added.value.customer } : added;
      }
      return customerPayload(result);
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerEmailMarketingConsentUpdate
    customerEmailMarketingConsentUpdate: (
      { input }: { input: { customerId: string; emailMarketingConsent: ConsentArgs<EmailMarketingState> } }
    ) => {
      const consent = input.emailMarketingConsent;
      if (!['SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING'].includes(consent.marketingState)) {
        return { customer: null, userErrors: [{ field: ['input', 'emailMarketingConsent', 'marketingState'], message: 'Marketing state is not included in the list', code: 'INCLUSION' }] };
      }
      const result = state.setEmailMarketing(parseGid(input.customerId, 'Customer'), consentInput(consent));
      return customerPayload(result);
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerSmsMarketingConsentUpdate
    customerSmsMarketingConsentUpdate: (
      { input }: { input: { customerId: string; smsMarketingConsent: ConsentArgs<SmsMarketingState> } }
    ) => {
      const consent = input.smsMarketingConsent;
      if (!['SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING'].includes(consent.marketingState)) {
        return { customer: null, userErrors: [{ field: ['input', 'smsMarketingConsent', 'marketingState'], message: 'Marketing state is not included in the list', code: 'INCLUSION' }] };
      }
      const result = state.setSmsMarketing(parseGid(input.customerId, 'Customer'), consentInput(consent));
      return customerPayload(result);
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressCreate
    customerAddressCreate: (args: { customerId: string; address: MailingAddressArgs; setAsDefault?: boolean | null }) => {
      const result = state.addAddress(parseGid(args.customerId, 'Customer'), addressInput(args.address), args.setAsDefault ?? false);
      if (!result.ok) return { address: null, userErrors: result.userErrors.map(userError) };
      return { address: addressView(result.value.customer, result.value.address), userErrors: [] };
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressUpdate
    customerAddressUpdate: (
      args: { customerId: string; addressId: string; address: MailingAddressArgs; setAsDefault?: boolean | null }
    ) => {
      const result = state.updateAddress(
        parseGid(args.customerId, 'Customer'),
        parseGid(args.addressId, 'MailingAddress'),
        addressInput(args.address),
        args.setAsDefault ?? false,
      );
      if (!result.ok) return { address: null, userErrors: result.userErrors.map(userError) };
      return { address: addressView(result.value.customer, result.value.address), userErrors: [] };
    },

    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressDelete
    customerAddressDelete: (args: { customerId: string; addressId: string }) => {
      const result = state.deleteAddress(parseGid(args.customerId, 'Customer'), parseGid(args.addressId, 'MailingAddress'));
      if (!result.ok) return { deletedAddressId: null, userErrors: result.userErrors.map(userError) };
      return { deletedAddressId: args.addressId, userErrors: [] };
    },
  };
}

function userError(error: FakeUserError): FakeUserError {
  return { field: error.field, message: error.message, ...(error.code ? { code: error.code } : {}) };
}

function fieldsInput(input: CustomerInputArgs): CustomerFieldsInput {
  const { firstName, lastName, email, phone, note, tags } = input;
  return compact({ firstName, lastName, email, phone, note, tags });
}

function addressInput(input: MailingAddressArgs): AddressInput {
  const address: AddressInput = {};
  for (const key of ['address1', 'address2', 'city', 'company', 'countryCode', 'firstName', 'lastName', 'phone', 'provinceCode', 'zip'] as const) {
    const value = input[key];
    if (value !== undefined) address[key] = value;
  }
  return address;
}

function consentInput<State extends string>(input: ConsentArgs<State>): ConsentInput<State>;
function consentInput<State extends string>(input: ConsentArgs<State> | null | undefined): ConsentInput<State> | undefined;
function consentInput<State extends string>(input: ConsentArgs<State> | null | undefined): ConsentInput<State> | undefined {
  if (!input) return undefined;
  return {
    state: input.marketingState,
    optInLevel: input.marketingOptInLevel ?? null,
    updatedAt: input.consentUpdatedAt ? new Date(input.consentUpdatedAt) : null,
  };
}

/** `gid://shopify/Customer/123` → 123n; anything else is the error Shopify gives. */
export function parseGid(gid: string, type: string): bigint {
  const match = new RegExp(`^gid://shopify/${type}/(\\d{1,20})(\\?.*)?$`).exec(gid);
  if (!match?.[1]) throw new GraphQLError(`Invalid global id '${gid}'`, { extensions: { code: 'argumentLiteralsIncompatible' } });
  return BigInt(match[1]);
}

/** GraphQL DateTime: UTC, second resolution ("2025-01-31T12:00:00Z"). */
export function dateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function encodeCursor(id: bigint): string {
  return Buffer.from(JSON.stringify({ last_id: id.toString() })).toString('base64');
}

export function decodeCursor(cursor: string): bigint {
  const match = /"last_id":"(\d+)"/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new GraphQLError('Invalid cursor for current pagination sort.', { extensions: { code: 'BAD_REQUEST' } });
  return BigInt(match[1]);
}

function baseCustomerView(customer: FakeCustomer): Record<string, unknown> {
  const defaultAddress = customer.addresses.find((address) => address.id === customer.defaultAddressId);
  const displayName = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || customer.email || customer.phone || '';
  return {
    __typename: 'Customer',
    id: `gid://shopify/Customer/${customer.id}`,
    legacyResourceId: customer.id.toString(),
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName,
    email: customer.email,
    phone: customer.phone,
    defaultEmailAddress: customer.email
      ? {
          emailAddress: customer.email,
          marketingState: customer.emailMarketing.state,
          marketingOptInLevel: customer.emailMarketing.optInLevel,
          marketingUpdatedAt: customer.emailMarketing.updatedAt ? dateTime(customer.emailMarketing.updatedAt) : null,
        }
      : null,
    defaultPhoneNumber: customer.phone
      ? {
          phoneNumber: customer.phone,
          marketingState: customer.smsMarketing.state,
          marketingOptInLevel: customer.smsMarketing.optInLevel,
          marketingUpdatedAt: customer.smsMarketing.updatedAt ? dateTime(customer.smsMarketing.updatedAt) : null,
        }
      : null,
    emailMarketingConsent: customer.email
      ? {
          marketingState: customer.emailMarketing.state,
          marketingOptInLevel: customer.emailMarketing.optInLevel,
          consentUpdatedAt: customer.emailMarketing.updatedAt ? dateTime(customer.emailMarketing.updatedAt) : null,
        }
      : null,
    smsMarketingConsent: customer.phone
      ? {
          marketingState: customer.smsMarketing.state,
          marketingOptInLevel: customer.smsMarketing.optInLevel ?? 'UNKNOWN',
          consentUpdatedAt: customer.smsMarketing.updatedAt ? dateTime(customer.smsMarketing.updatedAt) : null,
        }
      : null,
    defaultAddress: defaultAddress ? addressView(customer, defaultAddress) : null,
    addresses: ({ first }: { first?: number | null }) => customer.addresses.slice(0, first ?? undefined).map((address) => addressView(customer, address)),
    tags: [...customer.tags].sort(),
    note: customer.note,
    state: customer.state,
    verifiedEmail: customer.verifiedEmail,
    createdAt: dateTime(customer.createdAt),
    updatedAt: dateTime(customer.updatedAt),
  };
}

function addressView(customer: FakeCustomer, address: FakeAddress): Record<string, unknown> {
  const firstName = address.firstName ?? customer.firstName;
  const lastName = address.lastName ?? customer.lastName;
  return {
    __typename: 'MailingAddress',
    id: `gid://shopify/MailingAddress/${address.id}?model_name=CustomerAddress`,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    company: address.company,
    country: countryName(address.countryCode),
    countryCodeV2: address.countryCode,
    firstName,
    lastName,
    name: [firstName, lastName].filter(Boolean).join(' '),
    phone: address.phone,
    province: provinceName(address.countryCode, address.provinceCode),
    provinceCode: address.provinceCode,
    zip: address.zip,
  };
}

/** The root field names an operation selects (what the request log shows). */
export function fieldNames(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode> = new Map()): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldNames(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldNames(fragment.selectionSet, fragments) : [];
  });
}
