// The one Pothos builder. Plugins: scope-auth (roles), prisma (models and connections), relay
// (Node, global ids, connections named as contract.graphql names them).
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { roleAllows } from '../auth/apiKeys.ts';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { GraphQLContext } from './context.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './operationLimits.ts';
import { isoString } from '../db/isoDate.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: { viewer: boolean; operator: boolean; admin: boolean };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      viewer: !!ctx.principal,
      operator: !!ctx.principal && roleAllows(ctx.principal.role, 'OPERATOR'),
      admin: !!ctx.principal && roleAllows(ctx.principal.role, 'ADMIN'),
    }),
    unauthorizedError: (_parent, ctx, info) =>
      ctx.principal
        ? new GraphQLError(`Your API key's role (${ctx.principal.role}) may not use ${info.parentType.name}.${info.fieldName}`, {
            extensions: { code: 'FORBIDDEN' },
          })
        : new GraphQLError('An API key is required', { extensions: { code: 'UNAUTHENTICATED' } }),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    // every connection: `first`/`last` above MAX_PAGE_SIZE return MAX_PAGE_SIZE (hasNextPage says more)
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false, description: 'The items of this page, each with its cursor, in the order of the list.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    nodesQueryOptions: false,
    nodeTypeOptions: { description: 'An object with a global id: any of them can be fetched again with `node(id:)`.' },
    idFieldOptions: { description: 'Global id (opaque; stable for the life of the object).' },
    nodeQueryOptions: {
      description:
        'The object with this global id, or null when there is none. Any role (VIEWER and up); an ApiKey only for ADMIN or the key itself.',
      args: { id: { description: 'A global id as returned by an `id` field.' } },
    },
    cursorFieldOptions: { description: 'Opaque cursor of this item: pass it as `after` (or `before`) to continue from here.' },
    pageInfoFieldOptions: { description: 'Whether there are more items, and the cursors to fetch them.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its list (Relay cursor pagination).' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page: fetch them with `after: endCursor`.' },
    hasPreviousPageFieldOptions: { description: 'Whether items come before this page: fetch them with `before: startCursor` and `last`.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page; null when the page is empty.' },
    firstArgOptions: {
      description: 'Page size counting forward: at most 100 items are returned (20 when neither `first` nor `last` is given).',
    },
    afterArgOptions: { description: 'Return the items after this cursor (an `endCursor` or edge `cursor` from an earlier page).' },
    lastArgOptions: { description: 'Page size counting backward from `before` (or the end): at most 100 items.' },
    beforeArgOptions: { description: 'Return the items before this cursor.' },
  },
});

builder.addScalarType(
  'DateTime',
  new GraphQLScalarType<Date, string>({
    name: 'DateTime',
    description:
      'An instant as an ISO-8601 string in UTC with milliseconds, e.g. 2026-12-06T01:45:00.000Z. Input accepts any ISO-8601 date-time (years 0001 to 9999).',
    serialize: (value) => isoString(value instanceof Date ? value : new Date(value as string)),
    parseValue: (value) => parseDate(value),
    parseLiteral: (ast) => (ast.kind === Kind.STRING ? parseDate(ast.value) : invalidDate()),
  }),
);

builder.scalarType('JSON', {
  description: 'Any JSON value (object, array, string, number, boolean or null); its shape is described on each field that uses it.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

function parseDate(value: unknown): Date {
  if (typeof value !== 'string') return invalidDate();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return invalidDate();
  // JavaScript dates reach ±275,760 years; PostgreSQL's and ISO-8601's four-digit years do not
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new GraphQLError('DateTime must be between the years 0001 and 9999', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

function invalidDate(): never {
  throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
}

builder.queryType({
  authScopes: { viewer: true },
  description: 'Reads. Every field needs an API key of any role (VIEWER, OPERATOR or ADMIN) unless it says otherwise.',
});
builder.mutationType({
  authScopes: { operator: true },
  description:
    'Changes. Every field needs an OPERATOR or ADMIN key unless it says ADMIN. Every mutation accepts an `Idempotency-Key` HTTP header ' +
    '(over graphql-ws: `extensions.idempotencyKey` of the operation): a repeat with the same key, operation and variables from the same ' +
    'API key within 24 hours returns the first answer and does nothing else; the same key with another operation or variables is ' +
    'refused with CONFLICT.',
});
builder.subscriptionType({
  authScopes: { viewer: true },
  description: 'Live updates over graphql-ws (`connectionParams.authorization`). Any role may subscribe.',
});
