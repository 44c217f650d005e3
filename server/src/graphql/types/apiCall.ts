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
  description: 'One request paidsync made to a destination, for the API inspector. Tokens, secrets and raw PII are redacted.',
  id: { field: 'id' },
  fields: (t) => ({
    destination: t.relation('destination', { description: 'The destination called.' }),
    syncJob: t.relation('syncJob', {
      nullable: true,
      description: 'The job it was made for; null for calls outside a job or once the job is gone.',
    }),
    method: t.exposeString('method', { description: 'HTTP method: GET, POST, DELETE, …' }),
    url: t.exposeString('url', { description: 'The URL requested, secrets (tokens) redacted' }),
    statusCode: t.exposeInt('statusCode', {
      nullable: true,
      description: 'HTTP status of the response; null when no response came (network error, timeout)',
    }),
    durationMs: t.exposeInt('durationMs', { description: 'Time from sending to the full response, in milliseconds.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When it was sent.' }),
    requestBody: t.string({
      nullable: true,
      description:
        'The request body, redacted (no tokens, no raw PII) and truncated; null for a request without a body, and for VIEWER keys (OPERATOR and ADMIN only).',
      resolve: (c, _a, ctx) => bodyFor(ctx, c.requestBody),
    }),
    responseBody: t.string({
      nullable: true,
      description: 'The response, redacted and truncated; null when no response came, and for VIEWER keys (OPERATOR and ADMIN only).',
      resolve: (c, _a, ctx) => bodyFor(ctx, c.responseBody),
    }),
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
      description: 'Requests made to destinations, newest first.',
      args: {
        destinationId: t.arg.id({ description: 'Only calls to this destination (global id).' }),
        syncJobId: t.arg.id({ description: 'Only calls made for this job (global id).' }),
      },
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
    args: {
      destinationId: t.arg.id({ description: 'Only calls to this destination (global id).' }),
      syncJobId: t.arg.id({ description: 'Only calls made for this job (global id).' }),
    },
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
