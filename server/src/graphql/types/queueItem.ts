import { DeliveryStatus, QueueOperation } from '../../generated/prisma/enums.ts';
import type { QueueItem } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { namedConnection } from '../connections.ts';
import { decodeId } from '../ids.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';

export const DeliveryStatusEnum = builder.enumType(DeliveryStatus, {
  name: 'DeliveryStatus',
  description: 'Where a queue item or a captured conversion is in its delivery to the destination.',
  values: {
    PENDING: { description: 'Made, not yet sent.' },
    SENDING: { description: 'A worker is sending it now (under a lease: a dead worker’s item is taken over within about a minute).' },
    SUCCEEDED: { description: 'The network accepted it (records it rejected one by one are rejected records of the job).' },
    REJECTED: {
      description:
        'The network refused every record in it (or the conversion) for a reason in the data; the records are the job’s rejected records and go again on the next run of the same scope.',
    },
    WAITING_FOR_RETRY: {
      description:
        'Sending failed for an external reason (network down, 5xx, timeout, throttling); resent automatically PAIDSYNC_RETRY_INTERVAL_SECONDS after the last attempt (nextAttemptAt).',
    },
    RESENDING: { description: 'Being sent again by the retry schedule or a retrySyncJob.' },
    FAILED: {
      description:
        'Sending failed for a reason that retrying will not fix by itself (bad token, refused request); retrySyncJob may resend it.',
    },
    WITHDRAWN: { description: 'Not sent: its job was withdrawn, or a newer full-diff job of the same audience covers its customers.' },
    OFFLINE_CONVERSION_DISABLED: {
      description:
        'A conversion captured while offline conversion was disabled: kept (and deduplicated), never sent except by pushHistoricalConversions.',
    },
  },
});
export const QueueOperationEnum = builder.enumType(QueueOperation, {
  name: 'QueueOperation',
  description: 'What a queue item asks of the destination.',
  values: {
    ADD: { description: 'Add its customers to the audience.' },
    REMOVE: { description: 'Remove its customers from the audience (by the identifiers the network holds).' },
    CONVERSION: { description: 'Upload its offline conversions (each with its event id, which the network deduplicates on).' },
    NOTIFICATION: { description: 'Post one alert or lifecycle webhook to a Web destination (see AlertRule).' },
  },
});

export const QueueItemRef = builder.prismaNode('QueueItem', {
  description: 'One unit of delivery of a sync job: a batch of adds, of removes or of conversions, sized by the destination’s batchSize.',
  id: { field: 'id' },
  fields: (t) => ({
    syncJob: t.relation('syncJob', { description: 'The job the item belongs to.' }),
    operation: t.expose('operation', { type: QueueOperationEnum, description: 'Add, remove or conversion upload.' }),
    status: t.expose('status', { type: DeliveryStatusEnum, description: 'Where its delivery is.' }),
    recordCount: t.exposeInt('recordCount', { description: 'Records (customers or conversions) in the batch.' }),
    attempts: t.exposeInt('attempts', { description: 'Times it was sent (a run’s in-run retries count as one attempt).' }),
    lastAttemptAt: t.expose('lastAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last sent; null before the first attempt.',
    }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the retry schedule sends it again (WAITING_FOR_RETRY only); null otherwise.',
    }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last attempt failed (no PII or secrets); null when it did not.',
    }),
  }),
});

export const QueueItemConnection = namedConnection(QueueItemRef, 'QueueItemConnection');

const RejectedRecordRef = builder.prismaObject('RejectedRecord', {
  description: 'One record a destination refused. It is sent again on the next run of the same scope, so data fixed upstream goes through.',
  fields: (t) => ({
    primaryKey: t.exposeString('primaryKey', { description: 'The record’s key: the customer’s externalId, or the conversion’s eventId.' }),
    reason: t.exposeString('reason', { description: 'Why the network refused it, as the network said (no PII).' }),
    queueItem: t.relation('queueItem', { nullable: true, description: 'The item it was sent in; null once that item is gone.' }),
  }),
});

export const RejectedRecordConnection = namedConnection(RejectedRecordRef, 'RejectedRecordConnection');

const QueueItemFilter = builder.inputType('QueueItemFilter', {
  description: 'Which queue items to list; every given condition must hold.',
  fields: (t) => ({
    syncJobId: t.id({ description: 'Only the items of this job (global id).' }),
    status: t.field({ type: [DeliveryStatusEnum], description: 'Only items in one of these statuses.' }),
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
      description: 'Queue items of every job, newest first.',
      args: { filter: t.arg({ type: QueueItemFilter, description: 'Which items; all when left out.' }) },
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
    description: 'Each queue item as it is made and at every change of its status or attempts.',
    args: { syncJobId: t.arg.id({ description: 'Only the items of this job (global id); all items when left out.' }) },
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
