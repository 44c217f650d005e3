import { DeliveryStatus, QueueOperation } from '../../generated/prisma/enums.ts';
import type { QueueItem } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { namedConnection } from '../connections.ts';
import { decodeId } from '../ids.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';

export const DeliveryStatusEnum = builder.enumType(DeliveryStatus, {
  name: 'DeliveryStatus',
  values: {
    OFFLINE_CONVERSION_DISABLED: {
      description: 'A conversion captured while offline conversion was disabled: kept (and deduplicated), never sent except by pushHistoricalConversions',
    },
  },
});
export const QueueOperationEnum = builder.enumType(QueueOperation, { name: 'QueueOperation' });

export const QueueItemRef = builder.prismaNode('QueueItem', {
  id: { field: 'id' },
  fields: (t) => ({
    syncJob: t.relation('syncJob'),
    operation: t.expose('operation', { type: QueueOperationEnum }),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    recordCount: t.exposeInt('recordCount'),
    attempts: t.exposeInt('attempts'),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
  }),
});

export const QueueItemConnection = namedConnection(QueueItemRef, 'QueueItemConnection');

const RejectedRecordRef = builder.prismaObject('RejectedRecord', {
  fields: (t) => ({
    primaryKey: t.exposeString('primaryKey'),
    reason: t.exposeString('reason'),
    queueItem: t.relation('queueItem', { nullable: true }),
  }),
});

export const RejectedRecordConnection = namedConnection(RejectedRecordRef, 'RejectedRecordConnection');

const QueueItemFilter = builder.inputType('QueueItemFilter', {
  fields: (t) => ({
    syncJobId: t.id(),
    status: t.field({ type: [DeliveryStatusEnum] }),
  }),
});

function whereFromFilter(filter: { syncJobId?: string | number | null; status?: DeliveryStatus[] | null } | null | undefined) {
  return {
    ...(filter?.syncJobId != null ? { syncJobId: decodeId('SyncJob', String(filter.syncJobId), 'filter.syncJobId') } : {}),
    ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
  };
}

builder.queryFields((t) => ({
  queueItems: t.prismaConnection(
    {
      type: 'QueueItem',
      cursor: 'id',
      args: { filter: t.arg({ type: QueueItemFilter }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.queueItem.findMany({ ...query, where: whereFromFilter(args.filter), orderBy: { id: 'desc' } }),
      totalCount: (_root, args, ctx) => ctx.prisma.queueItem.count({ where: whereFromFilter(args.filter) }),
    },
    QueueItemConnection,
  ),
}));

const loadItem = sharedLoader<{ id: number }, QueueItem>((event, ctx) => ctx.prisma.queueItem.findUnique({ where: { id: event.id } }));

builder.subscriptionFields((t) => ({
  queueItemUpdated: t.field({
    type: QueueItemRef,
    args: { syncJobId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      const syncJobId = args.syncJobId != null ? decodeId('SyncJob', String(args.syncJobId), 'syncJobId') : null;
      return liveSubscription(ctx, 'queueItem', {
        relevant: (event) => syncJobId === null || event.syncJobId === syncJobId,
        load: (event) => loadItem(event, ctx),
        accept: () => true,
      });
    },
    resolve: (item) => item,
  }),
}));
