import { z } from 'zod';

/**
 * The fake portal's property definitions and groups, per object type, as the CRM v3 properties
 * API holds them: every written property must be defined first (HubSpot answers an unknown one
 * with PROPERTY_DOESNT_EXIST), values are checked against the definition's type, and
 * `hasUniqueValue` properties hold each value on one record at most.
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */

/** The object types the fake serves, by the name its store uses. */
export type ObjectType = 'contacts' | 'orders' | 'line_items' | 'communications';

/**
 * HubSpot's object type ids (`0-123` is the commerce order, `0-18` the communication: an SMS,
 * WhatsApp or LinkedIn message logged on the timeline).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/understanding-the-crm#object-type-ids
 */
export const OBJECT_TYPE_IDS: Record<ObjectType, string> = { contacts: '0-1', orders: '0-123', line_items: '0-8', communications: '0-18' };

/**
 * [2ND] HubSpot's 400 for an `idProperty` that is not a unique property (hubspot-api-nodejs#548,
 * segmentio/action-destinations#3957), for contacts and the other objects alike.
 */
export function nonUniqueIdPropertyMessage(type: ObjectType, idProperty: string, portalId: number): string {
  return `Unable to perform update/upsert by non-unique ${OBJECT_TYPE_IDS[type]} property ${idProperty} in portal ID ${portalId}`;
}

/** How error messages name the type (HubSpot: "Could not get some ORDER objects"). */
export const OBJECT_TYPE_NAMES: Record<ObjectType, string> = { contacts: 'CONTACT', orders: 'ORDER', line_items: 'LINE_ITEM', communications: 'COMMUNICATION' };

/** The path segments HubSpot accepts for each type: name, plural, id (facts §3.2: `order`, `orders` and `0-123` all work). */
const SEGMENTS: Record<string, ObjectType> = {
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
  order: 'orders',
  orders: 'orders',
  '0-123': 'orders',
  line_items: 'line_items',
  line_item: 'line_items',
  '0-8': 'line_items',
  communications: 'communications',
  communication: 'communications',
  '0-18': 'communications',
};

export function objectTypeOf(segment: string): ObjectType | undefined {
  return SEGMENTS[segment.toLowerCase()];
}

export const PROPERTY_TYPES = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'] as const;
export const FIELD_TYPES = ['textarea', 'text', 'date', 'file', 'number', 'select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'] as const;

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: (typeof PROPERTY_TYPES)[number];
  fieldType: (typeof FIELD_TYPES)[number];
  groupName: string;
  description: string;
  options: PropertyOption[];
  hasUniqueValue: boolean;
  /** Set by HubSpot only (modificationMetadata.readOnlyValue). */
  readOnlyValue: boolean;
  hubspotDefined: boolean;
  displayOrder: number;
  formField: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PropertyGroupDefinition {
  name: string;
  label: string;
  displayOrder: number;
}

/** "Similar to the other object types, the contact object type can only have a maximum of 10 unique properties." */
export const MAX_UNIQUE_PROPERTIES = 10;

const OptionInputSchema = z.object({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
});

/** POST /crm/v3/properties/{objectType} (PropertyCreate: name, label, type, fieldType, groupName required). */
export const PropertyCreateSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  type: z.enum(PROPERTY_TYPES),
  fieldType: z.enum(FIELD_TYPES),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z.array(OptionInputSchema).optional(),
  hasUniqueValue: z.boolean().optional(),
  displayOrder: z.number().int().optional(),
  formField: z.boolean().optional(),
  hidden: z.boolean().optional(),
  calculationFormula: z.string().optional(),
  externalOptions: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
});
export type PropertyCreate = z.infer<typeof PropertyCreateSchema>;

/** POST /crm/v3/properties/{objectType}/groups */
export const PropertyGroupCreateSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  displayOrder: z.number().int().optional(),
});

export interface ValueProblem {
  name: string;
  error: string;
  message: string;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

function builtIn(
  name: string,
  type: PropertyDefinition['type'],
  groupName: string,
  extra: Partial<PropertyDefinition> = {},
): PropertyDefinition {
  const fieldType: PropertyDefinition['fieldType'] =
    type === 'number' ? 'number' : type === 'bool' ? 'booleancheckbox' : type === 'enumeration' ? 'select' : type === 'date' || type === 'datetime' ? 'date' : 'text';
  return {
    name,
    label: name,
    type,
    fieldType,
    groupName,
    description: '',
    options: type === 'bool' ? boolOptions() : [],
    hasUniqueValue: false,
    readOnlyValue: false,
    hubspotDefined: true,
    displayOrder: -1,
    formField: false,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    ...extra,
  };
}

function boolOptions(): PropertyOption[] {
  return [
    { label: 'True', value: 'true', displayOrder: 0, hidden: false },
    { label: 'False', value: 'false', displayOrder: 1, hidden: false },
  ];
}

/**
 * The portal's one email subscription type, "Marketing Information" (a new HubSpot portal has it).
 * HubSpot gives each subscription type a contact property `hs_email_optout_<id>` ("Opted out of
 * email: <name>"), which only the communication preferences API and the UI set.
 */
export const MARKETING_SUBSCRIPTION_ID = '7300411';
export const MARKETING_OPT_OUT_PROPERTY = `hs_email_optout_${MARKETING_SUBSCRIPTION_ID}`;

/** Contact properties the fake portal defines (a subset of HubSpot's defaults): what the contact client writes and reads. */
export const CONTACT_DEFAULT_PROPERTIES: ReadonlySet<string> = new Set([
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'company',
  'jobtitle',
  'website',
  'lifecyclestage',
  'hs_email_optout',
  MARKETING_OPT_OUT_PROPERTY,
  'hs_additional_emails',
  'hs_merged_object_ids',
  'createdate',
  'lastmodifieddate',
  'hs_object_id',
]);

/** Set by HubSpot itself; the API refuses them. Email opt-out changes in the UI (sandbox) only. */
const CONTACT_READ_ONLY = new Set(['createdate', 'lastmodifieddate', 'hs_object_id', 'hs_email_optout', MARKETING_OPT_OUT_PROPERTY, 'hs_additional_emails', 'hs_merged_object_ids']);
function contactDefaults(): PropertyDefinition[] {
  return [...CONTACT_DEFAULT_PROPERTIES].map((name) =>
    builtIn(name, name.startsWith('hs_email_optout') ? 'bool' : name === 'createdate' || name === 'lastmodifieddate' ? 'datetime' : 'string', 'contactinformation', {
      readOnlyValue: CONTACT_READ_ONLY.has(name),
    }),
  );
}

/** Order properties: facts §3.2 (HubSpot's orders guide and what integrations write), read-only defaults included. */
function orderDefaults(): PropertyDefinition[] {
  const group = 'orderinformation';
  const text = [
    'hs_order_name',
    'hs_currency_code',
    'hs_source_store',
    'hs_fulfillment_status',
    'hs_shipping_status_url',
    'hs_shipping_tracking_number',
    'hs_shipping_address_street',
    'hs_shipping_address_city',
    'hs_shipping_address_state',
    'hs_shipping_address_postal_code',
    'hs_shipping_address_country',
    'hs_billing_address_street',
    'hs_billing_address_city',
    'hs_billing_address_state',
    'hs_billing_address_postal_code',
    'hs_billing_address_country',
    'hs_pipeline',
    'hs_pipeline_stage',
    'hs_external_order_id',
    'hs_external_order_status',
    'hs_external_order_url',
  ].map((name) => builtIn(name, 'string', group));
  const numbers = ['hs_total_price', 'hs_subtotal_price'].map((name) => builtIn(name, 'number', group));
  const dates = [builtIn('hs_external_created_date', 'datetime', group)];
  const readOnly = [
    ['hs_object_id', 'number'],
    ['hs_createdate', 'datetime'],
    ['hs_lastmodifieddate', 'datetime'],
    ['hs_exchange_rate', 'number'],
    ['hs_object_source', 'string'],
    ['hs_object_source_id', 'string'],
    ['hs_object_source_label', 'string'],
    ['hs_created_by_user_id', 'number'],
    ['hs_updated_by_user_id', 'number'],
  ].map(([name, type]) => builtIn(name!, type as PropertyDefinition['type'], group, { readOnlyValue: true }));
  return [...text, ...numbers, ...dates, ...readOnly];
}

/** Line item properties: https://developers.hubspot.com/docs/api-reference/latest/crm/objects/line-items/guide */
function lineItemDefaults(): PropertyDefinition[] {
  const group = 'lineiteminformation';
  return [
    builtIn('name', 'string', group),
    builtIn('description', 'string', group),
    builtIn('quantity', 'number', group),
    builtIn('price', 'number', group),
    builtIn('hs_sku', 'string', group),
    builtIn('hs_product_id', 'number', group),
    builtIn('hs_line_item_currency_code', 'string', group),
    builtIn('hs_tax_rate_group_id', 'string', group),
    builtIn('hs_recurring_billing_period', 'string', group),
    builtIn('discount', 'number', group),
    builtIn('hs_discount_percentage', 'number', group),
    // "amount" is computed by HubSpot from price, quantity and discounts.
    builtIn('amount', 'number', group, { readOnlyValue: true }),
    builtIn('hs_object_id', 'number', group, { readOnlyValue: true }),
    builtIn('createdate', 'datetime', group, { readOnlyValue: true }),
    builtIn('hs_lastmodifieddate', 'datetime', group, { readOnlyValue: true }),
  ];
}

/**
 * Communication properties: the ones the communications guide documents, the channel's three
 * values among them, and the read-only defaults. `hs_communication_logged_from` "must be set to
 * CRM in your request": the API is given no other option.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/communications/guide
 */
function communicationDefaults(): PropertyDefinition[] {
  const group = 'communicationinformation';
  const options = (values: string[]): PropertyOption[] => values.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false }));
  return [
    builtIn('hs_communication_channel_type', 'enumeration', group, { options: options(['WHATS_APP', 'LINKEDIN_MESSAGE', 'SMS']) }),
    builtIn('hs_communication_logged_from', 'enumeration', group, { options: options(['CRM']) }),
    builtIn('hs_communication_body', 'string', group, { fieldType: 'textarea' }),
    builtIn('hs_timestamp', 'datetime', group),
    builtIn('hs_object_id', 'number', group, { readOnlyValue: true }),
    builtIn('hs_createdate', 'datetime', group, { readOnlyValue: true }),
    builtIn('hs_lastmodifieddate', 'datetime', group, { readOnlyValue: true }),
  ];
}

/**
 * What a create must carry ("Required properties to create records": communications need
 * `hs_timestamp` and `hs_communication_channel_type`; the guide adds that
 * `hs_communication_logged_from` must be set). https://developers.hubspot.com/docs/api-reference/latest/crm/objects/guide
 */
export const REQUIRED_ON_CREATE: Record<ObjectType, readonly string[]> = {
  contacts: [],
  orders: [],
  line_items: [],
  communications: ['hs_timestamp', 'hs_communication_channel_type', 'hs_communication_logged_from'],
};

const DEFAULT_GROUPS: Record<ObjectType, PropertyGroupDefinition[]> = {
  contacts: [{ name: 'contactinformation', label: 'Contact information', displayOrder: -1 }],
  orders: [{ name: 'orderinformation', label: 'Order information', displayOrder: -1 }],
  line_items: [{ name: 'lineiteminformation', label: 'Line item information', displayOrder: -1 }],
  communications: [{ name: 'communicationinformation', label: 'Communication information', displayOrder: -1 }],
};

export type CreatePropertyResult =
  | { ok: true; property: PropertyDefinition }
  | { ok: false; status: 400 | 409; message: string; category: string; extra?: Record<string, unknown> };

export class PropertyCatalog {
  private readonly properties = new Map<ObjectType, Map<string, PropertyDefinition>>();
  private readonly groups = new Map<ObjectType, Map<string, PropertyGroupDefinition>>();

  constructor(private readonly now: () => Date) {
    this.reset();
  }

  private reset(): void {
    const defaults: Record<ObjectType, PropertyDefinition[]> = { contacts: contactDefaults(), orders: orderDefaults(), line_items: lineItemDefaults(), communications: communicationDefaults() };
    for (const type of Object.keys(defaults) as ObjectType[]) {
      this.properties.set(type, new Map(defaults[type].map((property) => [property.name, property])));
      this.groups.set(type, new Map(DEFAULT_GROUPS[type].map((group) => [group.name, { ...group }])));
    }
  }

  get(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.properties.get(type)?.get(name);
  }

  has(type: ObjectType, name: string): boolean {
    return this.properties.get(type)?.has(name) ?? false;
  }

  names(type: ObjectType): string[] {
    return [...(this.properties.get(type)?.keys() ?? [])];
  }

  list(type: ObjectType): PropertyDefinition[] {
    return [...(this.properties.get(type)?.values() ?? [])];
  }

  group(type: ObjectType, name: string): PropertyGroupDefinition | undefined {
    return this.groups.get(type)?.get(name);
  }

  listGroups(type: ObjectType): PropertyGroupDefinition[] {
    return [...(this.groups.get(type)?.values() ?? [])];
  }

  isUnique(type: ObjectType, name: string): boolean {
    return this.get(type, name)?.hasUniqueValue ?? false;
  }

  createGroup(type: ObjectType, input: z.infer<typeof PropertyGroupCreateSchema>): PropertyGroupDefinition | undefined {
    const groups = this.groups.get(type)!;
    if (groups.has(input.name)) return undefined;
    const group = { name: input.name, label: input.label, displayOrder: input.displayOrder ?? -1 };
    groups.set(group.name, group);
    return group;
  }

  create(type: ObjectType, input: PropertyCreate): CreatePropertyResult {
    const properties = this.properties.get(type)!;
    // Wording not confirmed (no public sample of the v3 409 body found); the status is documented.
    if (properties.has(input.name)) {
      return { ok: false, status: 409, message: `A property named '${input.name}' already exists.`, category: 'OBJECT_ALREADY_EXISTS' };
    }
    if (!/^[a-z][a-z0-9_]*$/.test(input.name)) {
      return { ok: false, status: 400, message: `Property name ${input.name} is invalid: use only lowercase letters, numbers and underscores, starting with a letter`, category: 'VALIDATION_ERROR' };
    }
    if (!this.group(type, input.groupName)) {
      return { ok: false, status: 400, message: `Property group ${input.groupName} does not exist`, category: 'VALIDATION_ERROR' };
    }
    if (input.type === 'enumeration' && (input.options ?? []).length === 0) {
      return { ok: false, status: 400, message: `Enumeration property ${input.name} must have options`, category: 'VALIDATION_ERROR' };
    }
    if (input.type === 'bool') {
      const values = (input.options ?? []).map((option) => option.value).sort();
      // [2ND] wording reported by an integration creating bool properties.
      if (values.length !== 2 || values[0] !== 'false' || values[1] !== 'true') {
        return { ok: false, status: 400, message: "Boolean properties must have exactly two options; one with a value of 'true', the other with a value of 'false'.", category: 'VALIDATION_ERROR' };
      }
    }
    if (input.hasUniqueValue && this.list(type).filter((property) => property.hasUniqueValue).length >= MAX_UNIQUE_PROPERTIES) {
      return { ok: false, status: 400, message: `An object can have at most ${MAX_UNIQUE_PROPERTIES} unique properties`, category: 'VALIDATION_ERROR' };
    }
    const at = this.now().toISOString();
    const property: PropertyDefinition = {
      name: input.name,
      label: input.label,
      type: input.type,
      fieldType: input.fieldType,
      groupName: input.groupName,
      description: input.description ?? '',
      options: (input.options ?? []).map((option, index) => ({ label: option.label, value: option.value, displayOrder: option.displayOrder ?? index, hidden: option.hidden ?? false })),
      hasUniqueValue: input.hasUniqueValue ?? false,
      readOnlyValue: false,
      hubspotDefined: false,
      displayOrder: input.displayOrder ?? -1,
      formField: input.formField ?? false,
      createdAt: at,
      updatedAt: at,
    };
    properties.set(property.name, property);
    return { ok: true, property };
  }

  /**
   * What is wrong with writing `properties` to a record of `type` (unknown names, read-only
   * values, values that do not fit the type). `allowReadOnly` lets the sandbox "UI" set what
   * only a person may set. Empty strings clear and are always allowed for a known property.
   */
  problems(type: ObjectType, properties: Record<string, string>, allowReadOnly: (name: string) => boolean = () => false): ValueProblem[] {
    const problems: ValueProblem[] = [];
    for (const [name, value] of Object.entries(properties)) {
      const property = this.get(type, name);
      // [2ND] real item: {"isValid":false,"message":"Property \"x\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"x"}
      if (!property) problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      else if (property.readOnlyValue && !allowReadOnly(name)) problems.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
      else if (value !== '') {
        const problem = valueProblem(property, value);
        if (problem) problems.push(problem);
      }
    }
    return problems;
  }

  snapshot(): CatalogSnapshot {
    const custom = (Object.keys(OBJECT_TYPE_IDS) as ObjectType[]).map((type) => ({
      objectType: type,
      properties: this.list(type).filter((property) => !property.hubspotDefined),
      groups: this.listGroups(type).filter((group) => !DEFAULT_GROUPS[type].some((builtInGroup) => builtInGroup.name === group.name)),
    }));
    return { types: custom };
  }

  load(snapshot: CatalogSnapshot): void {
    this.reset();
    for (const { objectType, properties, groups } of snapshot.types) {
      for (const group of groups) this.groups.get(objectType)!.set(group.name, group);
      for (const property of properties) this.properties.get(objectType)!.set(property.name, property);
    }
  }
}

/** A value the property's type cannot hold. Wordings: INVALID_OPTION is HubSpot's [2ND]; the others are the fake's. */
function valueProblem(property: PropertyDefinition, value: string): ValueProblem | undefined {
  const { name } = property;
  switch (property.type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value) ? undefined : { name, error: 'INVALID_FLOAT', message: `${value} is not a valid number for ${name}` };
    case 'bool':
      return value === 'true' || value === 'false' ? undefined : { name, error: 'INVALID_BOOLEAN', message: `${value} is not a valid boolean for ${name}` };
    case 'enumeration': {
      const allowed = property.options.map((option) => option.value);
      const wrong = value.split(';').find((part) => !allowed.includes(part));
      return wrong === undefined ? undefined : { name, error: 'INVALID_OPTION', message: `${wrong} was not one of the allowed options: [${allowed.join(', ')}]` };
    }
    case 'date': {
      const ms = instantOf(value);
      if (ms === undefined) return { name, error: 'INVALID_DATE', message: `${value} is not a valid date for ${name}` };
      // date properties hold a day: midnight UTC (facts §3.5). Wording from memory of HubSpot's answer, unconfirmed.
      if (ms % 86_400_000 !== 0) return { name, error: 'INVALID_DATE', message: `${value} is at ${new Date(ms).toISOString().slice(11, 23)} UTC, not midnight!` };
      return undefined;
    }
    case 'datetime':
      return instantOf(value) === undefined ? { name, error: 'INVALID_DATETIME', message: `${value} is not a valid datetime for ${name}` } : undefined;
    default:
      return undefined;
  }
}

/** Epoch ms or an ISO 8601 date/time, as HubSpot accepts for date and datetime properties. */
function instantOf(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const PropertyJsonSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(PROPERTY_TYPES),
  fieldType: z.enum(FIELD_TYPES),
  groupName: z.string(),
  description: z.string(),
  options: z.array(z.object({ label: z.string(), value: z.string(), displayOrder: z.number(), hidden: z.boolean() })),
  hasUniqueValue: z.boolean(),
  readOnlyValue: z.boolean(),
  hubspotDefined: z.boolean(),
  displayOrder: z.number(),
  formField: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const CatalogSnapshotSchema = z.object({
  types: z.array(
    z.object({
      objectType: z.enum(['contacts', 'orders', 'line_items', 'communications']),
      properties: z.array(PropertyJsonSchema),
      groups: z.array(z.object({ name: z.string(), label: z.string(), displayOrder: z.number() })),
    }),
  ),
});
export type CatalogSnapshot = z.infer<typeof CatalogSnapshotSchema>;

/** Property JSON as GET/POST /crm/v3/properties answer it. */
export function renderProperty(property: PropertyDefinition): Record<string, unknown> {
  const { readOnlyValue, ...rest } = property;
  return {
    ...rest,
    calculated: false,
    externalOptions: false,
    hidden: false,
    archived: false,
    modificationMetadata: { archivable: !property.hubspotDefined, readOnlyDefinition: property.hubspotDefined, readOnlyValue },
  };
}

export function renderGroup(group: PropertyGroupDefinition): Record<string, unknown> {
  return { ...group, archived: false };
}
