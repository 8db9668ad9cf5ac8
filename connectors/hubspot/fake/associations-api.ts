import { z } from 'zod';
import type { FakeRequest, FakeResponse } from '../../testing/fake-http';
import { defaultTypeOf, describeAssociateFailure, invalidAssociationsBody, type AssociationType } from './associations';
import { OBJECT_TYPE_IDS, objectTypeOf, type ObjectType } from './catalog';
import { batchTimes, type ApiContext } from './crm';

/**
 * CRM v4 association routes (`crm.associations.v4.basicApi` / `batchApi`): associate two records
 * with types or with the default type, one pair or a batch, list a record's associations, and
 * remove them. Associating again is a no-op; a record that does not exist is HubSpot's 400
 * "One or more associations are invalid".
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/guide
 */

const SpecsSchema = z.array(z.object({ associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']), associationTypeId: z.number().int() })).min(1);
const IdSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
const BatchCreateSchema = z.object({ inputs: z.array(z.object({ from: IdSchema, to: IdSchema, types: SpecsSchema })) });
const BatchDefaultSchema = z.object({ inputs: z.array(z.object({ from: IdSchema, to: IdSchema })) });

export function serveAssociations(request: FakeRequest, context: ApiContext): FakeResponse | undefined {
  const { method, path } = request;
  const single = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/(?:(default)\/)?([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (single) {
    const [, fromSegment, fromId, isDefault, toSegment, toId] = single;
    const from = objectTypeOf(fromSegment!);
    const to = objectTypeOf(toSegment!);
    if (!from || !to) return unknownType(context, !from ? fromSegment! : toSegment!);
    const routes = new AssociationRoutes(from, to, context);
    if (toId === undefined && method === 'GET' && !isDefault) return routes.list(decodeURIComponent(fromId!), request);
    if (toId !== undefined && method === 'PUT' && isDefault) return routes.putDefault(decodeURIComponent(fromId!), decodeURIComponent(toId));
    if (toId !== undefined && method === 'PUT') return routes.put(decodeURIComponent(fromId!), decodeURIComponent(toId), request);
    if (toId !== undefined && method === 'DELETE' && !isDefault) return routes.remove(decodeURIComponent(fromId!), decodeURIComponent(toId));
    return context.api(405, context.errorBody(`${method} is not allowed here`, 'VALIDATION_ERROR'));
  }
  const batch = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/(create|associate\/default)$/.exec(path);
  if (batch && method === 'POST') {
    const from = objectTypeOf(batch[1]!);
    const to = objectTypeOf(batch[2]!);
    if (!from || !to) return unknownType(context, !from ? batch[1]! : batch[2]!);
    const routes = new AssociationRoutes(from, to, context);
    return batch[3] === 'create' ? routes.batchCreate(request) : routes.batchDefault(request);
  }
  return undefined;
}

// Wording not confirmed against HubSpot.
function unknownType(context: ApiContext, segment: string): FakeResponse {
  return context.api(400, context.errorBody(`Unable to infer object type from: ${segment}`, 'VALIDATION_ERROR'));
}

type Pair = { fromId: string; toId: string; types: AssociationType[] };

class AssociationRoutes {
  constructor(
    private readonly from: ObjectType,
    private readonly to: ObjectType,
    private readonly context: ApiContext,
  ) {}

  private get crm() {
    return this.context.crm;
  }

  private defaultTypes(): AssociationType[] | undefined {
    const typeId = defaultTypeOf(this.from, this.to);
    return typeId === undefined ? undefined : [{ category: 'HUBSPOT_DEFINED', typeId }];
  }

  /** Resolves the ids (a merged-away contact id names its new record) and checks every pair; undefined when all can be made. */
  private refuse(pairs: Pair[]): { response: FakeResponse; resolved?: never } | { response?: never; resolved: Pair[] } {
    const missing: Array<{ type: ObjectType; id: string }> = [];
    const resolved: Pair[] = [];
    for (const pair of pairs) {
      const fromId = this.crm.resolve(this.from, pair.fromId);
      const toId = this.crm.resolve(this.to, pair.toId);
      if (!fromId) missing.push({ type: this.from, id: pair.fromId });
      if (!toId) missing.push({ type: this.to, id: pair.toId });
      if (fromId && toId) resolved.push({ ...pair, fromId, toId });
    }
    if (missing.length > 0) {
      const { message, context } = invalidAssociationsBody(missing);
      return { response: this.context.api(400, this.context.errorBody(message, 'VALIDATION_ERROR', { context })) };
    }
    for (const pair of resolved) {
      const failure = this.crm.associations.check(this.from, pair.fromId, this.to, pair.toId, pair.types);
      if (failure) return { response: this.context.api(400, this.context.errorBody(describeAssociateFailure(failure, this.from, this.to), 'VALIDATION_ERROR')) };
    }
    return { resolved };
  }

  private labels(pair: Pair): Record<string, unknown> {
    return {
      fromObjectTypeId: OBJECT_TYPE_IDS[this.from],
      fromObjectId: Number(pair.fromId),
      toObjectTypeId: OBJECT_TYPE_IDS[this.to],
      toObjectId: Number(pair.toId),
      labels: [],
    };
  }

  private defaultResult(pair: Pair): Record<string, unknown> {
    const type = pair.types[0]!;
    return { from: { id: pair.fromId }, to: { id: pair.toId }, associationSpec: { associationCategory: type.category, associationTypeId: type.typeId } };
  }

  // PUT /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId} [{associationCategory, associationTypeId}]: 201
  put(fromId: string, toId: string, request: FakeRequest): FakeResponse {
    const specs = SpecsSchema.safeParse(request.json);
    if (!specs.success) return this.context.invalidInput(specs.error);
    const types = specs.data.map((spec) => ({ category: spec.associationCategory, typeId: spec.associationTypeId }));
    const checked = this.refuse([{ fromId, toId, types }]);
    if (checked.response) return checked.response;
    const pair = checked.resolved[0]!;
    this.crm.associations.associate(this.from, pair.fromId, this.to, pair.toId, pair.types);
    return this.context.api(201, this.labels(pair));
  }

  // PUT /crm/v4/objects/{from}/{fromId}/associations/default/{to}/{toId} (no body): 200
  putDefault(fromId: string, toId: string): FakeResponse {
    const types = this.defaultTypes();
    if (!types) return this.context.api(400, this.context.errorBody(`No default association type between ${this.from} and ${this.to}`, 'VALIDATION_ERROR'));
    const checked = this.refuse([{ fromId, toId, types }]);
    if (checked.response) return checked.response;
    const pair = checked.resolved[0]!;
    this.crm.associations.associate(this.from, pair.fromId, this.to, pair.toId, pair.types);
    return this.context.api(200, { status: 'COMPLETE', results: [this.defaultResult(pair)], ...batchTimes(this.context.now) });
  }

  // DELETE /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId}: 204
  remove(fromId: string, toId: string): FakeResponse {
    const from = this.crm.resolve(this.from, fromId);
    const to = this.crm.resolve(this.to, toId);
    if (from && to) this.crm.associations.dissociate(this.from, from, this.to, to);
    return this.context.api(204, undefined);
  }

  // GET /crm/v4/objects/{from}/{fromId}/associations/{to}?limit&after: pages of {toObjectId, associationTypes}
  list(fromId: string, request: FakeRequest): FakeResponse {
    const from = this.crm.resolve(this.from, fromId);
    // Wording not confirmed: HubSpot answers a missing record's associations with an error naming it.
    if (!from) return this.context.api(404, this.context.errorBody(`No ${this.from} with id ${fromId}`, 'OBJECT_NOT_FOUND'));
    const limit = Math.min(Number(request.query.get('limit') ?? 500) || 500, 500);
    const offset = Number(request.query.get('after') ?? 0) || 0;
    const all = this.crm.associations.targets(this.from, from, this.to).map((target) => ({
      toObjectId: Number(target.toId),
      associationTypes: target.typeIds.map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId, label: null })),
    }));
    const next = offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {};
    return this.context.api(200, { results: all.slice(offset, offset + limit), ...next });
  }

  // POST /crm/v4/associations/{from}/{to}/batch/create {inputs:[{from:{id}, to:{id}, types}]}: 201, all or nothing
  batchCreate(request: FakeRequest): FakeResponse {
    const input = BatchCreateSchema.safeParse(request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const pairs = input.data.inputs.map((item) => ({
      fromId: item.from.id,
      toId: item.to.id,
      types: item.types.map((spec) => ({ category: spec.associationCategory, typeId: spec.associationTypeId })),
    }));
    const checked = this.refuse(pairs);
    if (checked.response) return checked.response;
    for (const pair of checked.resolved) this.crm.associations.associate(this.from, pair.fromId, this.to, pair.toId, pair.types);
    return this.context.api(201, { status: 'COMPLETE', results: checked.resolved.map((pair) => this.labels(pair)), ...batchTimes(this.context.now) });
  }

  // POST /crm/v4/associations/{from}/{to}/batch/associate/default {inputs:[{from:{id}, to:{id}}]}: 200
  batchDefault(request: FakeRequest): FakeResponse {
    const input = BatchDefaultSchema.safeParse(request.json);
    if (!input.success) return this.context.invalidInput(input.error);
    const types = this.defaultTypes();
    if (!types) return this.context.api(400, this.context.errorBody(`No default association type between ${this.from} and ${this.to}`, 'VALIDATION_ERROR'));
    const checked = this.refuse(input.data.inputs.map((item) => ({ fromId: item.from.id, toId: item.to.id, types })));
    if (checked.response) return checked.response;
    for (const pair of checked.resolved) this.crm.associations.associate(this.from, pair.fromId, this.to, pair.toId, pair.types);
    return this.context.api(200, { status: 'COMPLETE', results: checked.resolved.map((pair) => this.defaultResult(pair)), ...batchTimes(this.context.now) });
  }
}
