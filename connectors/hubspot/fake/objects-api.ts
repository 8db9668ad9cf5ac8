import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { describeAssociateFailure, invalidAssociationsBody, targetTypeOf, type AssociationType } from './associations';
import { nonUniqueIdPropertyMessage, OBJECT_TYPE_NAMES, objectTypeOf, type ObjectType } from './catalog';
import { batchTimes, notFound, propertyProblems, type ApiContext } from './crm';
import { renderObject, renderWrittenObject, type CrmObject, type CrmObjectJson, type StoredType } from './objects';

/**
 * CRM v3 object routes for commerce orders, line items and communications, as
 * @hubspot/api-client's generic `crm.objects` APIs call them:
 * `/crm/v3/objects/{order|orders|0-123|line_items|0-8|communications|0-18}` with
 * create (with associations), get/patch/delete by id (or `idProperty`), batch read, create,
 * update, upsert and archive, and search over the lagging index.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/orders/guide
 */

const BATCH_LIMIT = 100;

const PropertiesInputSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .transform((properties) => Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, value === null ? '' : String(value)])));
const AssociationSpecSchema = z.object({ associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']), associationTypeId: z.number().int() });
const CreateAssociationSchema = z.object({ to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }), types: z.array(AssociationSpecSchema).min(1) });
const CreateInputSchema = z.object({ properties: PropertiesInputSchema, associations: z.array(CreateAssociationSchema).optional() });
const UpdateInputSchema = z.object({ properties: PropertiesInputSchema });
const BatchCreateSchema = z.object({ inputs: z.array(CreateInputSchema) });
const BatchUpdateSchema = z.object({ inputs: z.array(z.object({ id: z.string(), idProperty: z.string().optional(), properties: PropertiesInputSchema })) });
const BatchUpsertSchema = z.object({ inputs: z.array(z.object({ id: z.string().min(1), idProperty: z.string().optional(), properties: PropertiesInputSchema, objectWriteTraceId: z.string().optional() })) });
const BatchIdsSchema = z.object({ inputs: z.array(z.object({ id: z.string() })) });
const BatchReadSchema = z.object({
  inputs: z.array(z.object({ id: z.string() })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const SearchSchema = z.object({
  filterGroups: z
    .array(z.object({ filters: z.array(z.object({ propertyName: z.string(), operator: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).optional() })) }))
    .default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(1).max(200).default(10),
  after: z.union([z.string(), z.number()]).optional(),
});

/** Serves the route when it is an order, line item or communication route; undefined leaves it to the contacts routes. */
export function serveObjects(request: FakeRequest, context: ApiContext): FakeResponse | undefined {
  const match = /^\/crm\/v3\/objects\/([^/]+)(?:\/(.+))?$/.exec(request.path);
  if (!match) return undefined;
  const type = objectTypeOf(match[1]!);
  if (type === undefined || type === 'contacts') return undefined;
  const rest = match[2];
  const { method } = request;
  const routes = new ObjectRoutes(type, request, context);
  if (rest === undefined && method === 'POST') return routes.create();
  if (rest === undefined && method === 'GET') return routes.page();
  if (rest === 'batch/read' && method === 'POST') return routes.batchRead();
  if (rest === 'batch/create' && method === 'POST') return routes.batchCreate();
  if (rest === 'batch/update' && method === 'POST') return routes.batchUpdate();
  if (rest === 'batch/upsert' && method === 'POST') return routes.batchUpsert();
  if (rest === 'batch/archive' && method === 'POST') return routes.batchArchive();
  if (rest === 'search' && method === 'POST') return routes.search();
  if (rest !== undefined && !rest.includes('/') && ['GET', 'PATCH', 'DELETE'].includes(method)) return routes.single(decodeURIComponent(rest));
  return context.api(404, context.errorBody(`No route for ${method} ${request.path}`, 'OBJECT_NOT_FOUND'));
}

class ObjectRoutes {
  constructor(
    private readonly type: StoredType,
    private readonly request: FakeRequest,
    private readonly context: ApiContext,
  ) {}

  private get crm() {
    return this.context.crm;
  }

  private requested(parameter = 'properties'): string[] | undefined {
    const names = this.request.query.getAll(parameter).flatMap((value) => value.split(',')).filter(Boolean);
    return names.length > 0 ? names : undefined;
  }

  private render(object: CrmObject, names?: Iterable<string>): CrmObjectJson {
    return renderObject(object, this.crm.catalog, names);
  }

  private written(object: CrmObject, written: Record<string, string>): CrmObjectJson {
    return renderWrittenObject(object, this.crm.catalog, Object.keys(written));
  }

  private tooMany(count: number): FakeResponse | undefined {
    if (count <= BATCH_LIMIT) return undefined;
    return this.context.api(400, this.context.errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, 'VALIDATION_ERROR'));
  }

  /** HubSpot's 400 for an idProperty that is not a unique property (catalog.ts nonUniqueIdPropertyMessage). */
  private nonUnique(idProperty: string): FakeResponse | undefined {
    if (idProperty === 'hs_object_id' || this.crm.catalog.isUnique(this.type, idProperty)) return undefined;
    return this.context.api(400, this.context.errorBody(nonUniqueIdPropertyMessage(this.type, idProperty, this.context.portalId), 'VALIDATION_ERROR'));
  }

  private find(id: string, idProperty: string | null | undefined): CrmObject | undefined {
    return idProperty ? this.crm.objects.findBy(this.type, idProperty, id) : this.crm.objects.get(this.type, id);
  }

  /** Checks `associations` of a create: known types, existing targets, a line item's one parent. */
  private checkAssociations(fromId: string | undefined, associations: z.infer<typeof CreateAssociationSchema>[]): FakeResponse | undefined {
    const missing: Array<{ type: ObjectType; id: string }> = [];
    for (const association of associations) {
      for (const spec of association.types) {
        const to = targetTypeOf(this.type, spec.associationTypeId);
        if (!to) return this.context.api(400, this.context.errorBody(describeAssociateFailure({ kind: 'unknown_type', typeId: spec.associationTypeId }, this.type, this.type), 'VALIDATION_ERROR'));
        const toId = this.crm.resolve(to, association.to.id);
        if (!toId) {
          missing.push({ type: to, id: association.to.id });
          continue;
        }
        const failure = this.crm.associations.check(this.type, fromId ?? '(new)', to, toId, [toType(spec)]);
        if (failure) return this.context.api(400, this.context.errorBody(describeAssociateFailure(failure, this.type, to), 'VALIDATION_ERROR'));
      }
    }
    if (missing.length > 0) {
      const { message, context } = invalidAssociationsBody(missing);
      return this.context.api(400, this.context.errorBody(message, 'VALIDATION_ERROR', { context }));
    }
    return undefined;
  }

  private associateAll(fromId: string, associations: z.infer<typeof CreateAssociationSchema>[]): void {
    for (const association of associations) {
      for (const spec of association.types) {
        const to = targetTypeOf(this.type, spec.associationTypeId)!;
        this.crm.associations.associate(this.type, fromId, to, this.crm.resolve(to, association.to.id)!, [toType(spec)]);
      }
    }
  }

  // POST /crm/v3/objects/{type}: 201 with the record
  create(): FakeResponse {
    const input = CreateInputSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const problems = this.crm.objects.check(this.type, input.data.properties);
    if (problems.length > 0) return propertyProblems(this.context, problems);
    const refused = this.checkAssociations(undefined, input.data.associations ?? []);
    if (refused) return refused;
    const result = this.crm.objects.create(this.type, input.data.properties);
    if (!result.ok) return result.failure.kind === 'invalid' ? propertyProblems(this.context, result.failure.problems) : notFound(this.context);
    this.associateAll(result.object.id, input.data.associations ?? []);
    return this.context.api(201, this.written(result.object, input.data.properties));
  }

  // GET /crm/v3/objects/{type}?limit&after&properties: pages in id order
  page(): FakeResponse {
    const limit = Math.min(Number(this.request.query.get('limit') ?? 10) || 10, BATCH_LIMIT);
    const after = Number(this.request.query.get('after') ?? 0) || 0;
    const all = this.crm.objects.list(this.type).filter((object) => Number(object.id) >= after).sort((a, b) => Number(a.id) - Number(b.id));
    const results = all.slice(0, limit).map((object) => this.render(object, this.requested()));
    const next = all[limit];
    return this.context.api(200, { results, ...(next ? { paging: { next: { after: next.id } } } : {}) });
  }

  // GET / PATCH / DELETE /crm/v3/objects/{type}/{id}[?idProperty=]
  single(id: string): FakeResponse {
    const idProperty = this.request.query.get('idProperty');
    if (idProperty) {
      const refused = this.nonUnique(idProperty);
      if (refused) return refused;
    }
    const object = this.find(id, idProperty);
    if (!object) return notFound(this.context);
    if (this.request.method === 'GET') return this.context.api(200, this.render(object, this.requested()));
    if (this.request.method === 'DELETE') {
      this.crm.objects.archive(this.type, object.id);
      return this.context.api(204, undefined);
    }
    const input = UpdateInputSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const result = this.crm.objects.update(this.type, object.id, input.data.properties);
    if (!result.ok) return result.failure.kind === 'invalid' ? propertyProblems(this.context, result.failure.problems) : notFound(this.context);
    return this.context.api(200, this.written(result.object, input.data.properties));
  }

  // POST /crm/v3/objects/{type}/batch/read: 200, or 207 naming the ids that do not exist
  batchRead(): FakeResponse {
    const input = BatchReadSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const tooMany = this.tooMany(input.data.inputs.length);
    if (tooMany) return tooMany;
    if (input.data.idProperty) {
      const refused = this.nonUnique(input.data.idProperty);
      if (refused) return refused;
    }
    const results: CrmObjectJson[] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const { id } of input.data.inputs) {
      const object = this.find(id, input.data.idProperty);
      if (!object) missing.push(id);
      else if (!seen.has(object.id)) {
        seen.add(object.id);
        results.push(this.render(object, input.data.properties));
      }
    }
    const times = batchTimes(this.context.now);
    if (missing.length === 0) return this.context.api(200, { status: 'COMPLETE', results, ...times });
    const errors = [
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: `Could not get some ${OBJECT_TYPE_NAMES[this.type]} objects, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: missing },
        errors: [],
        links: {},
      },
    ];
    return this.context.api(207, { status: 'COMPLETE', results, numErrors: errors.length, errors, ...times });
  }

  // POST /crm/v3/objects/{type}/batch/create: all or nothing, 201
  batchCreate(): FakeResponse {
    const input = BatchCreateSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const tooMany = this.tooMany(input.data.inputs.length);
    if (tooMany) return tooMany;
    for (const item of input.data.inputs) {
      const problems = this.crm.objects.check(this.type, item.properties);
      if (problems.length > 0) return propertyProblems(this.context, problems);
      const refused = this.checkAssociations(undefined, item.associations ?? []);
      if (refused) return refused;
    }
    const duplicate = this.uniqueCollision(input.data.inputs.map((item) => item.properties));
    if (duplicate) return duplicate;
    const results: CrmObjectJson[] = [];
    for (const item of input.data.inputs) {
      const result = this.crm.objects.create(this.type, item.properties);
      if (!result.ok) return result.failure.kind === 'invalid' ? propertyProblems(this.context, result.failure.problems) : notFound(this.context);
      this.associateAll(result.object.id, item.associations ?? []);
      results.push(this.written(result.object, item.properties));
    }
    return this.context.api(201, { status: 'COMPLETE', results, ...batchTimes(this.context.now) });
  }

  /** Two inputs of one batch giving the same value to a unique property. */
  private uniqueCollision(inputs: Array<Record<string, string>>): FakeResponse | undefined {
    const seen = new Map<string, string>();
    for (const properties of inputs) {
      for (const [name, value] of Object.entries(properties)) {
        if (value === '' || !this.crm.catalog.isUnique(this.type, name)) continue;
        const key = `${name}=${value}`;
        if (seen.has(key)) return propertyProblems(this.context, [{ name, error: 'INVALID_PROPERTY_VALUE', message: `${value} already has that value ${name} (twice in this batch)` }]);
        seen.set(key, value);
      }
    }
    return undefined;
  }

  /**
   * Two inputs naming the same record in one batch: refused, not retryable ([2ND]
   * segmentio/action-destinations#3969). Wording from memory of HubSpot's batch answer, unconfirmed.
   */
  private duplicateIds(ids: string[]): FakeResponse | undefined {
    const duplicates = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
    if (duplicates.length === 0) return undefined;
    return this.context.api(400, this.context.errorBody(`Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`, 'VALIDATION_ERROR'));
  }

  // POST /crm/v3/objects/{type}/batch/update: 200, or 207 naming the ids that do not exist
  batchUpdate(): FakeResponse {
    const input = BatchUpdateSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const tooMany = this.tooMany(input.data.inputs.length);
    if (tooMany) return tooMany;
    for (const { idProperty } of input.data.inputs) {
      const refused = idProperty ? this.nonUnique(idProperty) : undefined;
      if (refused) return refused;
    }
    const found = input.data.inputs.map((item) => ({ item, object: this.find(item.id, item.idProperty) }));
    const duplicate = this.duplicateIds(found.flatMap(({ object }) => (object ? [object.id] : [])));
    if (duplicate) return duplicate;
    for (const { item, object } of found) {
      const problems = object ? this.crm.objects.check(this.type, item.properties, object.id) : [];
      if (problems.length > 0) return propertyProblems(this.context, problems);
    }
    const results: CrmObjectJson[] = [];
    const missing: string[] = [];
    for (const { item, object } of found) {
      if (!object) {
        missing.push(item.id);
        continue;
      }
      const result = this.crm.objects.update(this.type, object.id, item.properties);
      if (result.ok) results.push(this.written(result.object, item.properties));
    }
    const times = batchTimes(this.context.now);
    if (missing.length === 0) return this.context.api(200, { status: 'COMPLETE', results, ...times });
    const errors = [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not find some ${OBJECT_TYPE_NAMES[this.type]} objects.`, context: { ids: missing } }];
    return this.context.api(207, { status: 'COMPLETE', results, numErrors: 1, errors, ...times });
  }

  /**
   * POST /crm/v3/objects/{type}/batch/upsert: each input names its record by a unique property
   * (`idProperty`) and value (`id`); the record is updated, or created holding that value. 200
   * with `new` per result. Every input is checked before anything is written.
   */
  batchUpsert(): FakeResponse {
    const input = BatchUpsertSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const tooMany = this.tooMany(input.data.inputs.length);
    if (tooMany) return tooMany;
    for (const { idProperty } of input.data.inputs) {
      const refused = this.nonUnique(idProperty ?? 'hs_object_id');
      if (refused) return refused;
    }
    const duplicate = this.duplicateIds(input.data.inputs.map((item) => item.id));
    if (duplicate) return duplicate;
    const planned = input.data.inputs.map((item) => {
      const idProperty = item.idProperty ?? 'hs_object_id';
      const properties = idProperty === 'hs_object_id' ? item.properties : { ...item.properties, [idProperty]: item.id };
      return { item, properties, object: this.find(item.id, idProperty) };
    });
    for (const { item, properties, object } of planned) {
      // Without idProperty the id is a record id: there is nothing to create.
      if (!object && (item.idProperty ?? 'hs_object_id') === 'hs_object_id') return notFound(this.context);
      const problems = this.crm.objects.check(this.type, properties, object?.id);
      if (problems.length > 0) return propertyProblems(this.context, problems);
    }
    const collision = this.uniqueCollision(planned.filter(({ object }) => !object).map(({ properties }) => properties));
    if (collision) return collision;
    const results: Array<CrmObjectJson & { new: boolean }> = [];
    for (const { properties, object } of planned) {
      const result = object ? this.crm.objects.update(this.type, object.id, properties) : this.crm.objects.create(this.type, properties);
      if (!result.ok) return result.failure.kind === 'invalid' ? propertyProblems(this.context, result.failure.problems) : notFound(this.context);
      results.push({ ...this.written(result.object, properties), new: result.created });
    }
    return this.context.api(200, { status: 'COMPLETE', results, ...batchTimes(this.context.now) });
  }

  // POST /crm/v3/objects/{type}/batch/archive: 204 (ids that do not exist are ignored)
  batchArchive(): FakeResponse {
    const input = BatchIdsSchema.safeParse(this.request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const tooMany = this.tooMany(input.data.inputs.length);
    if (tooMany) return tooMany;
    for (const { id } of input.data.inputs) this.crm.objects.archive(this.type, id);
    return this.context.api(204, undefined);
  }

  /**
   * POST /crm/v3/objects/{type}/search: EQ, NEQ, HAS_PROPERTY and NOT_HAS_PROPERTY; groups OR-ed,
   * filters AND-ed. Reads the lagging index: a record just written may be missing or stale.
   * https://developers.hubspot.com/docs/api-reference/search/guide
   */
  search(): FakeResponse {
    const input = SearchSchema.safeParse(this.request.json ?? {});
    if (!input.success) return this.context.invalidInput(input.error);
    const filters = input.data.filterGroups.flatMap((group) => group.filters);
    const unsupported = filters.find((filter) => !['EQ', 'NEQ', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'].includes(filter.operator));
    if (unsupported) return this.context.api(400, this.context.errorBody(`The fake supports EQ, NEQ, HAS_PROPERTY and NOT_HAS_PROPERTY, not ${unsupported.operator}`, 'VALIDATION_ERROR'));
    const valueOf = (object: CrmObject, name: string): string | null => (name === 'hs_object_id' ? object.id : (object.properties.get(name) ?? null));
    const matches = (object: CrmObject, filter: (typeof filters)[number]): boolean => {
      const held = valueOf(object, filter.propertyName);
      const same = held !== null && held === String(filter.value ?? '');
      if (filter.operator === 'EQ') return same;
      if (filter.operator === 'NEQ') return !same;
      if (filter.operator === 'HAS_PROPERTY') return held !== null;
      return held === null;
    };
    const found = this.crm.searchIndexes[this.type]
      .list()
      .filter((object) => input.data.filterGroups.length === 0 || input.data.filterGroups.some((group) => group.filters.every((filter) => matches(object, filter))))
      .sort((a, b) => Number(a.id) - Number(b.id));
    const offset = Number(input.data.after ?? 0) || 0;
    const page = found.slice(offset, offset + input.data.limit).map((object) => this.render(object, input.data.properties));
    const next = offset + input.data.limit < found.length ? { paging: { next: { after: String(offset + input.data.limit) } } } : {};
    return this.context.api(200, { total: found.length, results: page, ...next });
  }
}

function toType(spec: z.infer<typeof AssociationSpecSchema>): AssociationType {
  return { category: spec.associationCategory, typeId: spec.associationTypeId };
}
