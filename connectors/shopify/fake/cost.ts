import {
  Kind,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Shopify's calculated query cost, as documented
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation):
 * a field returning a scalar or an enum costs 0, an object (interface, union) 1, a connection
 * is sized by its `first`/`last` argument: 2 + size × the cost of one node (the node object
 * itself included), and every mutation field costs 10. A list of objects is sized like a
 * connection without the 2: by `first`, or by the length of `ids` for `nodes(ids:)`.
 * A field on an interface or union costs the "maximum of possible selections": fragments on
 * different types are alternatives, the dearest counts.
 *
 * The requested cost is computed from the document before running it; the actual cost walks
 * the answer: a null object costs nothing, a connection or list is sized by what it returned.
 * Shopify charges the requested cost first and refunds requested − actual afterwards.
 */

/** "A single query to the API cannot exceed a cost of 1,000." Enforced before execution. */
export const MAX_SINGLE_QUERY_COST = 1000;
const MUTATION_COST = 10;
const CONNECTION_COST = 2;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function requestedCost(context: CostContext, operation: OperationDefinitionNode): number {
  if (operation.operation === 'mutation') return MUTATION_COST * countFields(operation.selectionSet, context);
  const root = context.schema.getQueryType();
  return root ? selectionCost(operation.selectionSet, root, context, undefined) : 0;
}

/** The cost of what the query actually returned (`data` as executed). */
export function actualCost(context: CostContext, operation: OperationDefinitionNode, data: unknown): number {
  if (operation.operation === 'mutation') return requestedCost(context, operation);
  const root = context.schema.getQueryType();
  return root ? selectionCost(operation.selectionSet, root, context, { value: data }) : 0;
}

/** `returned` undefined: requested cost; `{ value }`: actual cost of that value. */
function selectionCost(selectionSet: SelectionSetNode, parent: GraphQLCompositeType, context: CostContext, returned: { value: unknown } | undefined): number {
  let cost = 0;
  // On an interface or union (`nodes(ids:)`), fragments on different types are alternatives:
  // one node is one type, so it costs the dearest of them, never their sum.
  const alternatives = new Map<string, number>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT && isAbstractType(parent) && selection.typeCondition && selection.typeCondition.name.value !== parent.name) {
      const name = selection.typeCondition.name.value;
      const type = typeNamed(context, name) ?? parent;
      alternatives.set(name, (alternatives.get(name) ?? 0) + selectionCost(selection.selectionSet, type, context, returned));
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment) cost += selectionCost(fragment.selectionSet, typeNamed(context, fragment.typeCondition.name.value) ?? parent, context, returned);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? typeNamed(context, selection.typeCondition.name.value) : parent;
      cost += selectionCost(selection.selectionSet, type ?? parent, context, returned);
      continue;
    }
    if (!selection.selectionSet || !('getFields' in parent)) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    const responseKey = selection.alias?.value ?? selection.name.value;
    const value = returned ? { value: recordOf(returned.value)?.[responseKey] } : undefined;
    cost += fieldCost(field, selection.selectionSet, selection.arguments ?? [], context, value);
  }
  return cost + Math.max(0, ...alternatives.values());
}

function fieldCost(
  field: GraphQLField<unknown, unknown>,
  selectionSet: SelectionSetNode,
  args: readonly { name: { value: string }; value: ValueNode }[],
  context: CostContext,
  returned: { value: unknown } | undefined,
): number {
  const type = getNamedType(field.type);
  if (!isCompositeType(type)) return 0;
  if (returned && (returned.value === null || returned.value === undefined)) return 0;

  if (isObjectType(type) && type.name.endsWith('Connection')) {
    const nodeCost = (node: { value: unknown } | undefined) => connectionNodeCost(selectionSet, type, context, node);
    if (!returned) return CONNECTION_COST + pageSize(args, context) * nodeCost(undefined);
    const record = recordOf(returned.value);
    const nodes = Array.isArray(record?.['nodes']) ? record['nodes'] : Array.isArray(record?.['edges']) ? record['edges'].map((edge) => recordOf(edge)?.['node']) : [];
    return CONNECTION_COST + nodes.reduce<number>((sum, node) => sum + nodeCost({ value: node }), 0);
  }
  if (isListType(getNullableType(field.type))) {
    const each = (item: { value: unknown } | undefined) => (item && item.value == null ? 0 : 1 + selectionCost(selectionSet, type, context, item));
    if (!returned) return listSize(args, context) * each(undefined);
    const items = Array.isArray(returned.value) ? returned.value : [];
    return items.reduce<number>((sum, item) => sum + each({ value: item }), 0);
  }
  return 1 + selectionCost(selectionSet, type, context, returned);
}

/** One node of a connection: its `nodes { … }` or `edges { node { … } }` selection (the larger). */
function connectionNodeCost(selectionSet: SelectionSetNode, connection: GraphQLCompositeType, context: CostContext, node: { value: unknown } | undefined): number {
  if (node && node.value == null) return 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet || !('getFields' in connection)) continue;
    const field = connection.getFields()[selection.name.value];
    const type = field ? getNamedType(field.type) : undefined;
    if (!type || !isCompositeType(type)) continue;
    if (selection.name.value === 'nodes') cost = Math.max(cost, 1 + selectionCost(selection.selectionSet, type, context, node));
    if (selection.name.value === 'edges') {
      const edgeNode = selection.selectionSet.selections.find((child) => child.kind === Kind.FIELD && child.name.value === 'node');
      const nodeType = 'getFields' in type ? getNamedType(type.getFields()['node']?.type) : undefined;
      if (edgeNode?.kind === Kind.FIELD && edgeNode.selectionSet && nodeType && isCompositeType(nodeType)) {
        cost = Math.max(cost, 1 + selectionCost(edgeNode.selectionSet, nodeType, context, node));
      }
    }
    // pageInfo is part of the connection's own 2 points.
  }
  return cost;
}

function pageSize(args: readonly { name: { value: string }; value: ValueNode }[], context: CostContext): number {
  const size = args.find((arg) => arg.name.value === 'first' || arg.name.value === 'last');
  return size ? Math.max(0, numberValue(size.value, context)) : 1;
}

function listSize(args: readonly { name: { value: string }; value: ValueNode }[], context: CostContext): number {
  const ids = args.find((arg) => arg.name.value === 'ids');
  if (ids) return listLength(ids.value, context);
  return pageSize(args, context);
}

function numberValue(value: ValueNode, context: CostContext): number {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const raw = context.variables[value.name.value];
    return typeof raw === 'number' ? raw : 1;
  }
  return 1;
}

function listLength(value: ValueNode, context: CostContext): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const raw = context.variables[value.name.value];
    return Array.isArray(raw) ? raw.length : 1;
  }
  return 1;
}

function countFields(selectionSet: SelectionSetNode, context: CostContext): number {
  return selectionSet.selections.reduce((count, selection) => {
    if (selection.kind === Kind.FIELD) return count + 1;
    if (selection.kind === Kind.INLINE_FRAGMENT) return count + countFields(selection.selectionSet, context);
    const fragment = context.fragments.get(selection.name.value);
    return count + (fragment ? countFields(fragment.selectionSet, context) : 0);
  }, 0);
}

function typeNamed(context: CostContext, name: string): GraphQLCompositeType | undefined {
  const type = context.schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
