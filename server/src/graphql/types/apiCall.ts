import { builder } from '../builder.ts';
import { namedConnection } from '../connections.ts';
import { decodeId } from '../ids.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';
import type { ApiCall } from '../../generated/prisma/client.ts';
import { roleAllows } from '../../auth/apiKeys.ts';
import type { GraphQLContext } from '../context.ts';

// bodies hold hashed identifiers and what destinations answered: not for read-only keys
const bodyFor = (ctx: GraphQLContext, body: string | null) => (ctx.principal && roleAllows(ctx.principal.role, 'OPERATOR') ? body : null);

const ApiCallRef = builder.prismaNode('ApiCall', {
  id: { field: 'id' },
  fields: (t) => ({
    destination: t.relation('destination'),
    syncJob: t.relation('syncJob', { nullable: true }),
    method: t.exposeString('method'),
    url: t.exposeString('url', { description: 'secrets (tokens) redacted' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'null when no response came' }),
    durationMs: t.exposeInt('durationMs'),
    at: t.expose('at', { type: 'DateTime' }),
    requestBody: t.string({ nullable: true, description: 'redacted and truncated; OPERATOR and ADMIN only (null for VIEWER)', resolve: (c, _a, ctx) => bodyFor(ctx, c.requestBody) }),
    responseBody: t.string({ nullable: true, description: 'truncated; OPERATOR and ADMIN only (null for VIEWER)', resolve: (c, _a, ctx) => bodyFor(ctx, c.responseBody) }),
  }),
});

const ApiCallConnection = namedConnection(ApiCallRef, 'ApiCallConnection');

function where(args: { destinationId?: string | number | null; syncJobId?: string | number | null }) {
  return {
    ...(args.destinationId != null ? { destinationId: decodeId('Destination', String(args.destinationId), 'destinationId') } : {}),
    ...(args.syncJobId != null ? { syncJobId: decodeId('SyncJob', String(args.syncJobId), 'syncJobId') } : {}),
  };
}

builder.queryFields((t) => ({
  apiCalls: t.prismaConnection(
    {
      type: 'ApiCall',
      cursor: 'id',
      args: { destinationId: t.arg.id(), syncJobId: t.arg.id() },
      resolve: (query, _root, args, ctx) => ctx.prisma.apiCall.findMany({ ...query, where: where(args), orderBy: { id: 'desc' } }),
      totalCount: (_root, args, ctx) => ctx.prisma.apiCall.count({ where: where(args) }),
    },
    ApiCallConnection,
  ),
}));

const loadApiCall = sharedLoader<{ id: number }, ApiCall>((event, ctx) => ctx.prisma.apiCall.findUnique({ where: { id: event.id } }));

builder.subscriptionFields((t) => ({
  apiCallRecorded: t.field({
    type: ApiCallRef,
    description: 'each request made to a destination, as it is recorded (the API inspector, live)',
    args: { destinationId: t.arg.id(), syncJobId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      const filter = where(args);
      return liveSubscription(ctx, 'apiCall', {
        relevant: (event) =>
          (filter.destinationId === undefined || event.destinationId === filter.destinationId) &&
          (filter.syncJobId === undefined || event.syncJobId === filter.syncJobId),
        load: (event) => loadApiCall(event, ctx),
        accept: () => true,
      });
    },
    resolve: (call) => call,
  }),
}));
