import { ConnectorError } from '../../core/errors';
import type { LogSink } from '../../core/log';
import type { Caller } from './calls';
import { failureError } from './calls';
import type { PropertiesApis } from './properties-sdk';

/**
 * Creates the property group and properties omnihub writes, idempotently: a 409 (the name
 * exists) is success, so two instances racing, or a second deploy, change nothing.
 * POST /crm/v3/properties/{objectType}/groups, POST /crm/v3/properties/{objectType}:
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */

export interface PropertySpec {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'checkbox' | 'booleancheckbox' | 'radio';
  description: string;
  /** Only a newly created property can be made unique (max 10 per object). */
  hasUniqueValue?: boolean;
  options?: Array<{ label: string; value: string }>;
}

export interface PropertySet {
  objectType: string;
  group: { name: string; label: string };
  properties: readonly PropertySpec[];
}

export async function ensureProperties(caller: Caller, apis: { properties: PropertiesApis }, set: PropertySet, scopes: string, log: LogSink): Promise<void> {
  const operation = `create ${set.objectType} properties`;
  const group = await caller.attempt(operation, () => apis.properties.groupsApi.create(set.objectType, { name: set.group.name, label: set.group.label }));
  if (!group.ok && group.failure.status !== 409) throw failureError(group.failure, operation, scopes);
  let created = 0;
  for (const spec of set.properties) {
    const result = await caller.attempt(operation, () =>
      apis.properties.coreApi.create(set.objectType, {
        name: spec.name,
        label: spec.label,
        type: spec.type as never,
        fieldType: spec.fieldType as never,
        groupName: set.group.name,
        description: spec.description,
        hasUniqueValue: spec.hasUniqueValue ?? false,
        formField: false,
        ...(spec.options ? { options: spec.options.map((option, displayOrder) => ({ ...option, displayOrder, hidden: false })) } : {}),
      }),
    );
    if (result.ok) created += 1;
    else if (result.failure.status !== 409) throw failureError(result.failure, operation, scopes);
    else if (spec.hasUniqueValue) await requireUnique(caller, apis, set.objectType, spec.name);
  }
  if (created > 0) log.info('HubSpot properties created', { objectType: set.objectType, created, group: set.group.name });
}

/** A unique key property someone made by hand without `hasUniqueValue` cannot key upserts: say so plainly. */
async function requireUnique(caller: Caller, apis: { properties: PropertiesApis }, objectType: string, name: string): Promise<void> {
  const property = await caller.run(`read ${objectType} property`, () => apis.properties.coreApi.getByName(objectType, name));
  if (property.hasUniqueValue) return;
  throw new ConnectorError('hubspot', 409, `HubSpot ${objectType} property ${name} exists but does not require unique values, so omnihub cannot key its copies by it; delete the property in HubSpot (omnihub recreates it as unique)`, {
    retryable: false,
    metadata: { objectType, property: name },
  });
}

/** Runs `setup` once per instance; a failed setup is tried again on the next call. */
export function once(setup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= setup().catch((error: unknown) => {
      done = undefined;
      throw error;
    });
    return done;
  };
}
