import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { objectTypeOf, PropertyCreateSchema, PropertyGroupCreateSchema, renderGroup, renderProperty } from './catalog';
import type { ApiContext } from './crm';

/**
 * CRM v3 properties routes (`crm.properties.coreApi` / `groupsApi`): create a property (409 when
 * the name exists), read one or all, create a group (409 when it exists), read groups.
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */
export function serveProperties(request: FakeRequest, context: ApiContext): FakeResponse | undefined {
  const match = /^\/crm\/v3\/properties\/([^/]+)(?:\/(groups))?(?:\/([^/]+))?$/.exec(request.path);
  if (!match) return undefined;
  const type = objectTypeOf(match[1]!);
  const { method } = request;
  const { catalog } = context.crm;
  // Wording not confirmed against HubSpot.
  if (!type) return context.api(400, context.errorBody(`Unable to infer object type from: ${match[1]}`, 'VALIDATION_ERROR'));
  const groups = match[2] === 'groups';
  const name = match[3] === undefined ? undefined : decodeURIComponent(match[3]);

  if (groups) {
    if (name === undefined && method === 'GET') return context.api(200, { results: catalog.listGroups(type).map(renderGroup) });
    if (name === undefined && method === 'POST') {
      const input = PropertyGroupCreateSchema.safeParse(request.json);
      if (!input.success) return context.invalidInput(input.error);
      const group = catalog.createGroup(type, input.data);
      // 409 for an existing name is documented (v1 groups doc); the v3 wording is not confirmed.
      if (!group) return context.api(409, context.errorBody(`A property group named '${input.data.name}' already exists.`, 'OBJECT_ALREADY_EXISTS'));
      return context.api(201, renderGroup(group));
    }
    if (name !== undefined && method === 'GET') {
      const group = catalog.group(type, name);
      return group ? context.api(200, renderGroup(group)) : context.api(404, context.errorBody(`Property group ${name} does not exist`, 'OBJECT_NOT_FOUND'));
    }
    return context.api(405, context.errorBody(`${method} is not allowed here`, 'VALIDATION_ERROR'));
  }
  if (name === undefined && method === 'GET') return context.api(200, { results: catalog.list(type).map(renderProperty) });
  if (name === undefined && method === 'POST') {
    const input = PropertyCreateSchema.safeParse(request.json);
    if (!input.success) return context.invalidInput(input.error);
    const result = catalog.create(type, input.data);
    if (!result.ok) return context.api(result.status, context.errorBody(result.message, result.category, result.extra));
    return context.api(201, renderProperty(result.property));
  }
  if (name !== undefined && method === 'GET') {
    const property = catalog.get(type, name);
    return property ? context.api(200, renderProperty(property)) : context.api(404, context.errorBody(`Property ${name} does not exist`, 'OBJECT_NOT_FOUND'));
  }
  return context.api(405, context.errorBody(`${method} is not allowed here`, 'VALIDATION_ERROR'));
}
