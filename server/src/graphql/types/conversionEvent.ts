import type { ConversionEvent } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';
import { namedConnection } from '../connections.ts';
import { DeliveryStatusEnum } from './queueItem.ts';

const ConversionEventRef = builder.prismaNode('ConversionEvent', {
  id: { field: 'id' },
  fields: (t) => ({
    eventId: t.exposeString('eventId'),
    conversionName: t.exposeString('conversionName'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    syncJob: t.relation('syncJob', { nullable: true }),
  }),
});

const ConversionEventConnection = namedConnection(ConversionEventRef, 'ConversionEventConnection');

builder.queryFields((t) => ({
  conversionEvents: t.prismaConnection(
    {
      type: 'ConversionEvent',
      cursor: 'id',
      args: { status: t.arg({ type: [DeliveryStatusEnum] }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.conversionEvent.findMany({
          ...query,
          where: args.status?.length ? { status: { in: args.status } } : {},
          orderBy: { id: 'desc' },
        }),
      totalCount: (_root, args, ctx) =>
        ctx.prisma.conversionEvent.count({ where: args.status?.length ? { status: { in: args.status } } : {} }),
    },
    ConversionEventConnection,
  ),
}));

const loadEvent = sharedLoader<{ id: number }, ConversionEvent>((event, ctx) => ctx.prisma.conversionEvent.findUnique({ where: { id: event.id } }));

builder.subscriptionFields((t) => ({
  conversionEventUpdated: t.field({
    type: ConversionEventRef,
    description: 'each captured conversion, and every change of its delivery status',
    args: { status: t.arg({ type: [DeliveryStatusEnum] }) },
    subscribe: (_root, args, ctx) =>
      liveSubscription(ctx, 'conversionEvent', {
        load: (event) => loadEvent(event, ctx),
        accept: (event) => !args.status?.length || args.status.includes(event.status),
      }),
    resolve: (event) => event,
  }),
}));
