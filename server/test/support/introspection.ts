// The served schema, read through introspection over HTTP, and a minimal, well-typed call of any
// root field built from it: every required argument gets a value of its type, so the request
// passes GraphQL validation and coercion and reaches the field's authorization and resolver.
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { TestApp } from './testApp.ts';

export async function servedSchema(t: TestApp): Promise<{ schema: GraphQLSchema; introspection: IntrospectionQuery }> {
  const introspection = await t.ok<IntrospectionQuery>(getIntrospectionQuery());
  return { schema: buildClientSchema(introspection), introspection };
}

function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return '1';
      case 'Float':
        return '1.5';
      case 'Boolean':
        return 'false';
      case 'DateTime':
        return '"2020-01-01T00:00:00.000Z"';
      case 'JSON':
        return '{}';
      case 'ID':
        return '"not-a-real-id"';
      default:
        return '"x"';
    }
  }
  throw new Error(`no literal for ${String(type)}`);
}

/** `mutation { name(requiredArg: value, ...) { __typename } }` */
export function minimalCall(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const argText = args.length ? `(${args.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})` : '';
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
  return `${operation} { ${field.name}${argText}${selection} }`;
}
