import { z } from 'zod';
import type { FakeResponse } from '../../testing/fake-http';
import { LaggingIndex } from '../../testing/lagging-index';
import { AssociationStore, AssociationsSnapshotSchema } from './associations';
import { CatalogSnapshotSchema, type ObjectType, type PropertyCatalog, type ValueProblem } from './catalog';
import { CrmObjectStore, ObjectsSnapshotSchema, type CrmObject, type StoredType } from './objects';
import type { HubspotFakeState } from './state';

/**
 * The fake portal's CRM beyond contacts: property definitions (shared with contacts), orders,
 * line items, communications and their associations, and the search index per object type. Saved with the
 * contacts in the persist file under `crm` (absent in files saved before orders existed).
 */
export class CrmPortal {
  readonly objects: CrmObjectStore;
  readonly associations = new AssociationStore();
  /** HubSpot's search lags writes: each type's index shows a change after `searchLagMs`. */
  readonly searchIndexes: Record<StoredType, LaggingIndex<CrmObject>>;

  constructor(
    now: () => Date,
    readonly catalog: PropertyCatalog,
    readonly contacts: HubspotFakeState,
    searchLagMs: number,
  ) {
    this.objects = new CrmObjectStore(now, catalog);
    const copy = (object: CrmObject): CrmObject => ({ ...object, properties: new Map(object.properties) });
    this.searchIndexes = { orders: new LaggingIndex(searchLagMs, copy), line_items: new LaggingIndex(searchLagMs, copy), communications: new LaggingIndex(searchLagMs, copy) };
    this.objects.onChange((object) => {
      this.searchIndexes[object.type].record(object.id, object.archived ? undefined : object);
      if (object.archived) this.associations.forget(object.type, object.id);
    });
  }

  /** The record's current id when it exists (a merged-away contact id reads as its new record), else undefined. */
  resolve(type: ObjectType, id: string): string | undefined {
    if (type === 'contacts') return this.contacts.get(id)?.id;
    return this.objects.get(type, id)?.id;
  }

  flushSearch(): void {
    for (const index of Object.values(this.searchIndexes)) index.flush();
  }

  private rebuildSearch(): void {
    for (const [type, index] of Object.entries(this.searchIndexes) as Array<[StoredType, LaggingIndex<CrmObject>]>) {
      index.clear();
      for (const object of this.objects.list(type)) index.seed(object.id, object);
    }
  }

  snapshot(): CrmSnapshot {
    return { catalog: this.catalog.snapshot(), objects: this.objects.snapshot(), associations: this.associations.snapshot() };
  }

  load(snapshot: CrmSnapshot): void {
    this.catalog.load(snapshot.catalog);
    this.objects.load(snapshot.objects);
    this.associations.load(snapshot.associations);
    this.rebuildSearch();
  }
}

export const CrmSnapshotSchema = z.object({ catalog: CatalogSnapshotSchema, objects: ObjectsSnapshotSchema, associations: AssociationsSnapshotSchema });
export type CrmSnapshot = z.infer<typeof CrmSnapshotSchema>;

/** What the route modules need from the server: the stores and HubSpot's response shapes. */
export interface ApiContext {
  crm: CrmPortal;
  portalId: number;
  now: () => Date;
  api(status: number, body: unknown, headers?: Record<string, string>): FakeResponse;
  errorBody(message: string, category: string, extra?: Record<string, unknown>): Record<string, unknown>;
  invalidInput(error: z.ZodError): FakeResponse;
}

/**
 * HubSpot's 400 for property values it refuses: the list as JSON in the message, and each
 * property in errors[] (the shape the contacts fake answers, from real bodies).
 */
export function propertyProblems(context: ApiContext, problems: ValueProblem[]): FakeResponse {
  const listed = problems.map((problem) => ({ isValid: false, message: problem.message, error: problem.error, name: problem.name }));
  return context.api(
    400,
    context.errorBody(`Property values were not valid: ${JSON.stringify(listed)}`, 'VALIDATION_ERROR', {
      errors: problems.map((problem) => ({ message: problem.message, code: problem.error, context: { propertyName: [problem.name] } })),
    }),
  );
}

export function notFound(context: ApiContext): FakeResponse {
  return context.api(404, context.errorBody('resource not found', 'OBJECT_NOT_FOUND'));
}

export function batchTimes(now: () => Date): Record<string, string> {
  const at = now().toISOString();
  return { requestedAt: at, startedAt: at, completedAt: at };
}
