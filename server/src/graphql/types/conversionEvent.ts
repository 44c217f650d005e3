import type { ConversionEvent } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';
import { namedConnection } from '../connections.ts';
import { DestinationRef } from './destination.ts';
import { DeliveryStatusEnum } from './queueItem.ts';

const ConversionDeliveryRef = builder.prismaObject('ConversionDelivery', {
  description: 'one conversion event sent to one conversion destination by one offline conversion job',
  fields: (t) => ({
    destination: t.field({
      type: DestinationRef,
      description: 'the conversion destination',
      select: { destinationId: true },
      // findUnique calls of one tick are batched by Prisma into one query
      resolve: (d, _args, ctx) => ctx.prisma.destination.findUniqueOrThrow({ where: { id: d.destinationId } }),
    }),
    syncJob: t.relation('syncJob', { description: 'the OFFLINE_CONVERSION job that carries it there' }),
    status: t.field({
      type: DeliveryStatusEnum,
      description: "its status at this destination: SUCCEEDED or REJECTED once the network answered, else its queue item's status",
      select: { accepted: true, queueItem: { select: { status: true } } },
      resolve: (d) => (d.accepted === true ? 'SUCCEEDED' : d.accepted === false ? 'REJECTED' : (d.queueItem?.status ?? 'PENDING')),
    }),
    reason: t.exposeString('reason', { nullable: true, description: 'why the network rejected it' }),
  }),
});

const ConversionEventRef = builder.prismaNode('ConversionEvent', {
  description: 'An offline conversion captured by capturePaidResponse, deduplicated by its eventId.',
  id: { field: 'id' },
  fields: (t) => ({
    eventId: t.exposeString('eventId', { description: 'Your id of the event; the networks deduplicate on it too.' }),
    conversionName: t.exposeString('conversionName', { description: 'The conversion type, e.g. Purchase.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the conversion happened.' }),
    status: t.expose('status', {
      type: DeliveryStatusEnum,
      description: 'Where its delivery is, over every conversion destination (PENDING while offline conversions are off).',
    }),
    attempts: t.exposeInt('attempts', { description: 'Times it was sent.' }),
    lastAttemptAt: t.expose('lastAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last sent; null before the first attempt.',
    }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it is sent again (WAITING_FOR_RETRY); null otherwise.',
    }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last attempt failed or the network rejected it; null when it did not.',
    }),
    syncJob: t.relation('syncJob', { nullable: true, description: 'The OFFLINE_CONVERSION job that carries it; null until one does.' }),
    deliveries: t.relation('deliveries', {
      type: ConversionDeliveryRef,
      description: 'where the event went: its status at each conversion destination, oldest job first',
      query: { orderBy: [{ syncJobId: 'asc' }, { destinationId: 'asc' }] },
    }),
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

const loadEvent = sharedLoader<{ id: number }, ConversionEvent>((event, ctx) =>
  ctx.prisma.conversionEvent.findUnique({ where: { id: event.id } }),
);

builder.subscriptionFields((t) => ({
  conversionEventUpdated: t.field({
    type: ConversionEventRef,
    description: 'each captured conversion, and every change of its delivery status',
    args: {
      status: t.arg({ type: [DeliveryStatusEnum], description: 'Only events that are now in one of these statuses; all when left out.' }),
    },
    subscribe: (_root, args, ctx) =>
      liveSubscription(ctx, 'conversionEvent', {
        load: (event) => loadEvent(event, ctx),
        accept: (event) => !args.status?.length || args.status.includes(event.status),
      }),
    resolve: (event) => event,
  }),
}));
