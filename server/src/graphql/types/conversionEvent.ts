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
