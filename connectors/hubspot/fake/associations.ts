import { z } from 'zod';
import { OBJECT_TYPE_NAMES, type ObjectType } from './catalog';

/**
 * The fake portal's associations (CRM v4), stored in both directions as HubSpot keeps them: an
 * order → contact association (507) reads back from the contact as contact → order (508).
 * A line item belongs to one parent: it cannot be associated with a second order.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/guide
 */

export interface AssociationType {
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  typeId: number;
}

interface Definition {
  from: ObjectType;
  to: ObjectType;
  typeId: number;
  /** The same association read from the other side. */
  reverseTypeId: number;
}

/**
 * HUBSPOT_DEFINED types between the objects the fake serves, each with its reverse, all from
 * HubSpot's table "Association type ID values": order → contact 507 (contact → order 508), order
 * → line item 513 (line item → order 514), communication → contact 81 (contact → communication 82).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/guide#association-type-id-values
 */
const DEFINITIONS: Definition[] = [
  { from: 'orders', to: 'contacts', typeId: 507, reverseTypeId: 508 },
  { from: 'orders', to: 'line_items', typeId: 513, reverseTypeId: 514 },
  { from: 'communications', to: 'contacts', typeId: 81, reverseTypeId: 82 },
];

export function definitionOf(from: ObjectType, to: ObjectType, typeId: number): { typeId: number; reverseTypeId: number } | undefined {
  for (const definition of DEFINITIONS) {
    if (definition.from === from && definition.to === to && definition.typeId === typeId) return definition;
    if (definition.from === to && definition.to === from && definition.reverseTypeId === typeId) return { typeId, reverseTypeId: definition.typeId };
  }
  return undefined;
}

/** The object type an association type id leads to from `from` (an object create's `associations` name no type). */
export function targetTypeOf(from: ObjectType, typeId: number): ObjectType | undefined {
  for (const definition of DEFINITIONS) {
    if (definition.from === from && definition.typeId === typeId) return definition.to;
    if (definition.to === from && definition.reverseTypeId === typeId) return definition.from;
  }
  return undefined;
}

/** The default (unlabeled) type between two object types, as `associations/default` uses it. */
export function defaultTypeOf(from: ObjectType, to: ObjectType): number | undefined {
  for (const definition of DEFINITIONS) {
    if (definition.from === from && definition.to === to) return definition.typeId;
    if (definition.from === to && definition.to === from) return definition.reverseTypeId;
  }
  return undefined;
}

interface Edge {
  fromType: ObjectType;
  fromId: string;
  toType: ObjectType;
  toId: string;
  typeIds: Set<number>;
}

export type AssociateFailure =
  | { kind: 'unknown_type'; typeId: number }
  | { kind: 'second_parent'; lineItemId: string; parentId: string };

export class AssociationStore {
  private readonly edges = new Map<string, Edge>();
  private readonly listeners: Array<() => void> = [];

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private key(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): string {
    return `${fromType}:${fromId}>${toType}:${toId}`;
  }

  /** Whether the association can be made (types known, a line item's one parent), without making it. */
  check(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, types: readonly AssociationType[]): AssociateFailure | undefined {
    for (const type of types) if (!definitionOf(fromType, toType, type.typeId)) return { kind: 'unknown_type', typeId: type.typeId };
    const lineItem = fromType === 'line_items' && toType === 'orders' ? { id: fromId, order: toId } : fromType === 'orders' && toType === 'line_items' ? { id: toId, order: fromId } : undefined;
    if (lineItem) {
      const parent = this.targets('line_items', lineItem.id, 'orders').find((edge) => edge.toId !== lineItem.order);
      if (parent) return { kind: 'second_parent', lineItemId: lineItem.id, parentId: parent.toId };
    }
    return undefined;
  }

  /** Adds the types (both directions); associating again with a type it has is a no-op. */
  associate(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, types: readonly AssociationType[]): AssociateFailure | undefined {
    const failure = this.check(fromType, fromId, toType, toId, types);
    if (failure) return failure;
    const forward = this.edge(fromType, fromId, toType, toId);
    const backward = this.edge(toType, toId, fromType, fromId);
    for (const type of types) {
      forward.typeIds.add(type.typeId);
      backward.typeIds.add(definitionOf(fromType, toType, type.typeId)!.reverseTypeId);
    }
    this.changed();
    return undefined;
  }

  private edge(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): Edge {
    const key = this.key(fromType, fromId, toType, toId);
    let edge = this.edges.get(key);
    if (!edge) {
      edge = { fromType, fromId, toType, toId, typeIds: new Set() };
      this.edges.set(key, edge);
    }
    return edge;
  }

  /** Removes every association between the two records (DELETE /crm/v4/objects/.../associations/{to}/{toId}). */
  dissociate(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): void {
    const removed = this.edges.delete(this.key(fromType, fromId, toType, toId));
    this.edges.delete(this.key(toType, toId, fromType, fromId));
    if (removed) this.changed();
  }

  /** A merge: the merged records' associations are the survivor's (HubSpot combines them on the new record). */
  move(type: ObjectType, fromIds: readonly string[], toId: string): void {
    let moved = false;
    for (const [key, edge] of [...this.edges]) {
      const isFrom = edge.fromType === type && fromIds.includes(edge.fromId);
      const isTo = edge.toType === type && fromIds.includes(edge.toId);
      if (!isFrom && !isTo) continue;
      this.edges.delete(key);
      const target = this.edge(edge.fromType, isFrom ? toId : edge.fromId, edge.toType, isTo ? toId : edge.toId);
      for (const typeId of edge.typeIds) target.typeIds.add(typeId);
      moved = true;
    }
    if (moved) this.changed();
  }

  /** A deleted record keeps no associations. */
  forget(type: ObjectType, id: string): void {
    let removed = false;
    for (const [key, edge] of this.edges) {
      if ((edge.fromType === type && edge.fromId === id) || (edge.toType === type && edge.toId === id)) {
        this.edges.delete(key);
        removed = true;
      }
    }
    if (removed) this.changed();
  }

  targets(fromType: ObjectType, fromId: string, toType: ObjectType): Array<{ toId: string; typeIds: number[] }> {
    return [...this.edges.values()]
      .filter((edge) => edge.fromType === fromType && edge.fromId === fromId && edge.toType === toType && edge.typeIds.size > 0)
      .map((edge) => ({ toId: edge.toId, typeIds: [...edge.typeIds].sort((a, b) => a - b) }))
      .sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  snapshot(): AssociationsSnapshot {
    return [...this.edges.values()].map((edge) => ({ ...edge, typeIds: [...edge.typeIds] }));
  }

  load(snapshot: AssociationsSnapshot): void {
    this.edges.clear();
    for (const edge of snapshot) this.edges.set(this.key(edge.fromType, edge.fromId, edge.toType, edge.toId), { ...edge, typeIds: new Set(edge.typeIds) });
  }
}

const TypeSchema = z.enum(['contacts', 'orders', 'line_items', 'communications']);
export const AssociationsSnapshotSchema = z.array(
  z.object({ fromType: TypeSchema, fromId: z.string(), toType: TypeSchema, toId: z.string(), typeIds: z.array(z.number().int()) }),
);
export type AssociationsSnapshot = z.infer<typeof AssociationsSnapshotSchema>;

/**
 * HubSpot's 400 for an association to a record that does not exist (real body, reported in
 * HubSpot/hubspot-api-nodejs#646): message, context INVALID_OBJECT_IDS / objectId / objectType.
 */
export function invalidAssociationsBody(missing: Array<{ type: ObjectType; id: string }>): { message: string; context: Record<string, string[]> } {
  return {
    message: 'One or more associations are invalid',
    context: {
      INVALID_OBJECT_IDS: missing.map(({ type, id }) => `${OBJECT_TYPE_NAMES[type]}=${id} is not valid`),
      objectId: missing.map(({ id }) => id),
      objectType: missing.map(({ type }) => OBJECT_TYPE_NAMES[type]),
    },
  };
}

/** Wordings not confirmed (no public sample found): the fake's own, stating what HubSpot enforces. */
export function describeAssociateFailure(failure: AssociateFailure, from: ObjectType, to: ObjectType): string {
  if (failure.kind === 'unknown_type') return `Association type id ${failure.typeId} is not valid between ${OBJECT_TYPE_NAMES[from]} and ${OBJECT_TYPE_NAMES[to]}`;
  return `LINE_ITEM=${failure.lineItemId} is already associated with ORDER=${failure.parentId}: a line item belongs to one parent object`;
}
