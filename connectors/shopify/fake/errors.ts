import {
  Kind,
  TypeInfo,
  getLocation,
  getNamedType,
  getVariableValues,
  print,
  validate,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * Shopify's answers to a document it will not run, with Shopify's wording (graphql-ruby's):
 * HTTP 200, `errors` only, no `data`.
 * - a field the type does not have: "Field 'x' doesn't exist on type 'T'", code undefinedField;
 * - an argument the field does not take: "Field 'f' doesn't accept argument 'a'", code argumentNotAccepted;
 * - a variable of the wrong shape or missing: "Variable $v of type T was provided invalid value",
 *   code INVALID_VARIABLE, with `value` and `problems` (path inside the value, explanation).
 * Other validation failures keep graphql-js's message (same meaning, different words).
 */

export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export function documentErrors(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ShopifyGraphqlError[] {
  const errors = [...undefinedFields(schema, document, operation)];
  for (const error of validate(schema, document)) {
    if (error.message.startsWith('Cannot query field')) continue; // reported above, Shopify's way
    const argument = /^Unknown argument "(\w+)" on field "\w+\.(\w+)"\.$/.exec(error.message);
    if (argument) {
      errors.push({
        message: `Field '${argument[2]}' doesn't accept argument '${argument[1]}'`,
        ...locations(error),
        extensions: { code: 'argumentNotAccepted', name: argument[2], typeName: 'Field', argumentName: argument[1] },
      });
      continue;
    }
    errors.push({ message: error.message, ...locations(error) });
  }
  return errors;
}

/** The variables, coerced, or Shopify's INVALID_VARIABLE errors. */
export function variableErrors(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): ShopifyGraphqlError[] {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
  if (!result.errors) return [];
  return result.errors.map((error) => {
    const name = /^Variable "\$(\w+)"/.exec(error.message)?.[1] ?? '';
    const definition = operation.variableDefinitions?.find((variable) => variable.variable.name.value === name);
    const at = /at "[^".]+((?:\.[^".]+)*)"/.exec(error.message)?.[1];
    const path = at ? at.slice(1).split('.').filter(Boolean) : [];
    const explanation = error.message.includes('was not provided') || error.message.includes('must not be null')
      ? 'Expected value to not be null'
      : (error.message.split('; ').slice(1).join('; ') || error.message);
    return {
      message: `Variable $${name} of type ${definition ? print(definition.type) : 'unknown'} was provided invalid value`,
      ...locations(error),
      extensions: { code: 'INVALID_VARIABLE', value: variables[name] ?? null, problems: [{ path, explanation }] },
    };
  });
}

/** Fields not defined on their parent type, with the path Shopify reports ("query Name", …, field). */
function undefinedFields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ShopifyGraphqlError[] {
  const errors: ShopifyGraphqlError[] = [];
  const typeInfo = new TypeInfo(schema);
  const path: string[] = [];
  const root = operation.name ? `${operation.operation} ${operation.name.value}` : operation.operation;
  visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          path.push(node.alias ? `${node.alias.value}: ${node.name.value}` : node.name.value);
          const parent = typeInfo.getParentType();
          if (parent && !typeInfo.getFieldDef() && node.name.value !== '__typename') {
            const typeName = getNamedType(parent).name;
            errors.push({
              message: `Field '${node.name.value}' doesn't exist on type '${typeName}'`,
              ...locationOf(node),
              path: [root, ...path],
              extensions: { code: 'undefinedField', typeName, fieldName: node.name.value },
            });
          }
        },
        leave() {
          path.pop();
        },
      },
      InlineFragment: {
        enter(node) {
          path.push(node.typeCondition ? `... on ${node.typeCondition.name.value}` : '...');
        },
        leave() {
          path.pop();
        },
      },
    }),
  );
  // Fields inside named fragments: reported with the fragment as the root of the path.
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const fragmentInfo = new TypeInfo(schema);
    const fragmentPath: string[] = [];
    visit(
      definition,
      visitWithTypeInfo(fragmentInfo, {
        Field: {
          enter(node) {
            fragmentPath.push(node.name.value);
            const parent = fragmentInfo.getParentType();
            if (parent && !fragmentInfo.getFieldDef() && node.name.value !== '__typename') {
              const typeName = getNamedType(parent).name;
              errors.push({
                message: `Field '${node.name.value}' doesn't exist on type '${typeName}'`,
                ...locationOf(node),
                path: [`fragment ${definition.name.value}`, ...fragmentPath],
                extensions: { code: 'undefinedField', typeName, fieldName: node.name.value },
              });
            }
          },
          leave() {
            fragmentPath.pop();
          },
        },
      }),
    );
  }
  return errors;
}

function locations(error: GraphQLError): { locations?: { line: number; column: number }[] } {
  return error.locations ? { locations: error.locations.map(({ line, column }) => ({ line, column })) } : {};
}

function locationOf(node: ASTNode): { locations?: { line: number; column: number }[] } {
  if (!node.loc) return {};
  const { line, column } = getLocation(node.loc.source, node.loc.start);
  return { locations: [{ line, column }] };
}
