import type { ConversionEvent } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';
import { namedConnection } from '../connections.ts';
import { DeliveryStatusEnum } from './queueItem.ts';

const ConversionEventRef = builder.prismaNode('ConversionEvent', {
  description: 'An offline conversion captured by capturePaidResponse, deduplicated by its eventId.',
  id: { field: 'id' },
  fields: (t) => ({
    eventId: t.exposeString('eventId', { description: 'Your id of the event; the networks deduplicate on it too.' }),
    conversionName: t.exposeString('conversionName', { description: 'The conversion type, e.g. Purchase.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the conversion happened.' }),
    status: t.expose('status', { type: DeliveryStatusEnum, description: 'Where its delivery is, over every conversion destination (PENDING while offline conversions are off).' }),
    attempts: t.exposeInt('attempts', { description: 'Times it was sent.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When it was last sent; null before the first attempt.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When it is sent again (WAITING_FOR_RETRY); null otherwise.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed or the network rejected it; null when it did not.' }),
    syncJob: t.relation('syncJob', { nullable: true, description: 'The OFFLINE_CONVERSION job that carries it; null until one does.' }),
  }),
});

const ConversionEventConnection = namedConnection(ConversionEventRef, 'ConversionEventConnection');

builder.queryFields((t) => ({
  conversionEvents: t.prismaConnection(
    {
      type: 'ConversionEvent',
      cursor: 'id',
      description: 'Captured conversions, newest first.',
      args: { status: t.arg({ type: [DeliveryStatusEnum], description: 'Only events in one of these statuses; all when left out.' }) },
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
    args: { status: t.arg({ type: [DeliveryStatusEnum], description: 'Only events that are now in one of these statuses; all when left out.' }) },
    subscribe: (_root, args, ctx) =>
      liveSubscription(ctx, 'conversionEvent', {
        load: (event) => loadEvent(event, ctx),
        accept: (event) => !args.status?.length || args.status.includes(event.status),
      }),
    resolve: (event) => event,
  }),
}));
