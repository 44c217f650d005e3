import { Kind, type GraphQLResolveInfo } from 'graphql';
import { FailureLayer, SyncJobStatus, SyncStage, SyncType } from '../../generated/prisma/enums.ts';
import type { Prisma, SyncJob } from '../../generated/prisma/client.ts';
import { retryRefusal } from '../../pipeline/retryRule.ts';
import { canWithdraw } from '../../pipeline/withdrawSyncJob.ts';
import { countSyncJobs } from '../../syncJobs/countSyncJobs.ts';
import { listSyncJobs } from '../../syncJobs/listSyncJobs.ts';
import type { SyncJobWhere } from '../../syncJobs/syncJobWhere.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { namedConnection } from '../connections.ts';
import { decodeId } from '../ids.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';
import { DestinationTypeEnum } from './destination.ts';
import { DeliveryStatusEnum, QueueItemConnection, RejectedRecordConnection } from './queueItem.ts';

export const SyncJobStatusEnum = builder.enumType(SyncJobStatus, { name: 'SyncJobStatus' });
export const SyncTypeEnum = builder.enumType(SyncType, { name: 'SyncType' });
export const SyncStageEnum = builder.enumType(SyncStage, { name: 'SyncStage' });
export const FailureLayerEnum = builder.enumType(FailureLayer, { name: 'FailureLayer' });
export const REALTIME_SOURCES = ['REALTIME_CONTAINER', 'REALTIME_EVENT'] as const;
export const RealtimeSource = builder.enumType('RealtimeSource', { values: REALTIME_SOURCES });

const SyncStageRunRef = builder.prismaObject('SyncJobStageRun', {
  name: 'SyncStageRun',
  description: 'When one stage of a sync job ran',
  fields: (t) => ({
    stage: t.expose('stage', { type: SyncStageEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'when the stage finished; for SYNC_MEMBERS, whose deliveries run after it, when the job ended (null until then)',
      select: { stage: true, endedAt: true, syncJob: { select: { endedAt: true } } },
      resolve: (run) => (run.stage === 'SYNC_MEMBERS' ? run.syncJob.endedAt : run.endedAt),
    }),
  }),
});

export const SyncJobRef = builder.prismaNode('SyncJob', {
  id: { field: 'id' },
  fields: (t) => ({
    status: t.expose('status', { type: SyncJobStatusEnum }),
    stage: t.expose('stage', { type: SyncStageEnum, nullable: true }),
    destination: t.relation('destination'),
    destinationType: t.expose('destinationType', { type: DestinationTypeEnum }),
    syncType: t.expose('syncType', { type: SyncTypeEnum }),
    triggeredBy: t.exposeString('triggeredBy', { nullable: true }),
    issue: t.exposeString('issue', { nullable: true }),
    group: t.exposeString('group', { nullable: true }),
    segment: t.relation('segment', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'when the job reached its final status; null while it has not' }),
    nextRetryAt: t.expose('nextRetryAt', {
      type: 'DateTime',
      nullable: true,
      description: 'when the automatic resend of its items that wait for one (external problems) comes; null when none waits',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    failureLayer: t.expose('failureLayer', { type: FailureLayerEnum, nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    canRetry: t.boolean({
      description: 'exactly when retrySyncJob would accept this job now',
      select: { id: true, status: true, failureLayer: true, syncType: true, scopeKey: true },
      resolve: (job, _args, ctx) => {
        const refusal = retryRefusal(ctx.prisma, job);
        return refusal instanceof Promise ? refusal.then((r) => r === null) : refusal === null;
      },
    }),
    canWithdraw: t.boolean({
      description: 'exactly when withdrawSyncJob would accept this job now (it has not finished)',
      select: { status: true },
      resolve: (job) => canWithdraw(job.status),
    }),
    source: t.field({
      type: RealtimeSource,
      nullable: true,
      description: 'for a real-time request: whether a real-time container or a real-time event made it',
      select: { source: true },
      resolve: (job) => job.source as (typeof REALTIME_SOURCES)[number] | null,
    }),
    dryRun: t.exposeBoolean('dryRun'),
    dryRunSample: t.expose('dryRunSample', {
      type: 'JSON',
      nullable: true,
      description: 'for a dry run: a sample of the adds and removes it computed',
    }),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: { id: 'asc' } } }),
    recordsTotal: t.exposeInt('recordsTotal'),
    recordsAdded: t.exposeInt('recordsAdded'),
    recordsRemoved: t.exposeInt('recordsRemoved'),
    recordsRejected: t.exposeInt('recordsRejected'),
    recordsFailed: t.exposeInt('recordsFailed'),
    stageRuns: t.relation('stageRuns', {
      type: SyncStageRunRef,
      description: 'when each stage that has run began and finished, in order',
      query: { orderBy: { startedAt: 'asc' } },
    }),
    queueItems: t.relatedConnection(
      'queueItems',
      {
        cursor: 'id',
        args: { status: t.arg({ type: [DeliveryStatusEnum] }) },
        query: (args) => ({ where: args.status?.length ? { status: { in: args.status } } : {}, orderBy: { id: 'asc' } }),
        totalCount: true,
      },
      QueueItemConnection,
    ),
    rejectedRecords: t.relatedConnection(
      'rejectedRecords',
      {
        cursor: 'id',
        description: 'the records the destination refused that no later run of the scope has had accepted yet (the next run sends them again)',
        query: { where: { resolvedAt: null }, orderBy: { id: 'asc' } },
        totalCount: true,
      },
      RejectedRecordConnection,
    ),
  }),
});

export const SyncJobConnection = namedConnection(SyncJobRef, 'SyncJobConnection');

const SyncJobFilter = builder.inputType('SyncJobFilter', {
  fields: (t) => ({
    syncType: t.field({ type: SyncTypeEnum }),
    status: t.field({ type: [SyncJobStatusEnum] }),
    destinationId: t.id(),
    segmentId: t.id(),
  }),
});

type SyncJobFilterValue = {
  syncType?: SyncType | null;
  status?: SyncJobStatus[] | null;
  destinationId?: string | number | null;
  segmentId?: string | number | null;
};

function whereFromFilter(filter: SyncJobFilterValue | null | undefined): SyncJobWhere {
  if (!filter) return {};
  return {
    ...(filter.syncType ? { syncType: filter.syncType } : {}),
    ...(filter.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter.destinationId != null ? { destinationId: decodeId('Destination', String(filter.destinationId), 'filter.destinationId') } : {}),
    ...(filter.segmentId != null ? { segmentId: decodeId('Segment', String(filter.segmentId), 'filter.segmentId') } : {}),
  };
}

function matchesFilter(job: SyncJob, where: SyncJobWhere) {
  if (where.syncType && job.syncType !== where.syncType) return false;
  if (where.status && !where.status.in.includes(job.status)) return false;
  if (where.destinationId && job.destinationId !== where.destinationId) return false;
  if (where.segmentId && job.segmentId !== where.segmentId) return false;
  return true;
}

interface ConnectionQuery {
  include?: Prisma.SyncJobInclude;
  select?: Prisma.SyncJobSelect;
  cursor?: Prisma.SyncJobWhereUniqueInput;
  take: number;
  skip: number;
}

const PG_PATH_RELATIONS = new Set(['destination', 'segment']);

// totalCount counted by the page's own statement, by the field's args (the same object reaches
// `resolve` and `totalCount`); absent, totalCount asks countSyncJobs itself
const countedWithPage = new WeakMap<object, Promise<number>>();

/** Whether the connection selects totalCount directly (through a fragment it is counted on its own). */
function selectsTotalCount(info: GraphQLResolveInfo) {
  return info.fieldNodes.some((node) => node.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'totalCount'));
}

/**
 * The dashboard's page (first/after, with at most destination and segment) is read by one pg
 * statement (listSyncJobs); any other selection (more relations, last/before) by Prisma, which
 * Pothos plans in full. Both page by keyset on id rather than Prisma's cursor, so a cursor whose
 * job has since been deleted still pages on.
 */
function syncJobsPage(ctx: GraphQLContext, query: ConnectionQuery, args: object, where: SyncJobWhere, info: GraphQLResolveInfo) {
  const include: Record<string, unknown> = query.include ?? {};
  const cursorId = query.cursor?.id;
  const pgPath =
    !query.select && query.take > 0 && Object.entries(include).every(([name, value]) => PG_PATH_RELATIONS.has(name) && value === true);
  if (pgPath) {
    const withTotalCount = selectsTotalCount(info);
    const page = listSyncJobs(ctx.pool, where, {
      take: query.take,
      beforeId: cursorId,
      include: { destination: include.destination === true, segment: include.segment === true },
      withTotalCount,
    });
    if (withTotalCount) {
      const count = page.then((result) => result.totalCount!);
      count.catch(() => {}); // a failed page fails the field; its count must not go unhandled
      countedWithPage.set(args, count);
    }
    return page.then((result) => result.jobs);
  }
  const { cursor: _cursor, skip: _skip, ...rest } = query;
  const keyset = cursorId != null ? { id: query.take > 0 ? { lt: cursorId } : { gt: cursorId } } : {};
  return ctx.prisma.syncJob.findMany({ ...rest, where: { ...where, ...keyset }, orderBy: { id: 'desc' } });
}

builder.queryFields((t) => ({
  syncJobs: t.prismaConnection(
    {
      type: 'SyncJob',
      cursor: 'id',
      description: 'newest first',
      args: { filter: t.arg({ type: SyncJobFilter }) },
      resolve: (query, _root, args, ctx, info) => syncJobsPage(ctx, query, args, whereFromFilter(args.filter), info),
      totalCount: (_root, args, ctx) => countedWithPage.get(args) ?? countSyncJobs(ctx.pool, whereFromFilter(args.filter)),
    },
    SyncJobConnection,
  ),
  syncJob: t.prismaField({
    type: 'SyncJob',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.syncJob.findUnique({ ...query, where: { id: decodeId('SyncJob', String(args.id)) } }),
  }),
}));

const loadJob = sharedLoader<{ id: number }, SyncJob>((event, ctx) => ctx.prisma.syncJob.findUnique({ where: { id: event.id } }));

builder.subscriptionFields((t) => ({
  syncJobUpdated: t.field({
    type: SyncJobRef,
    description: 'every status, stage or count change',
    args: { filter: t.arg({ type: SyncJobFilter }) },
    subscribe: (_root, args, ctx) => {
      const where = whereFromFilter(args.filter);
      return liveSubscription(ctx, 'syncJob', {
        load: (event) => loadJob(event, ctx),
        accept: (job) => matchesFilter(job, where),
      });
    },
    resolve: (job) => job,
  }),
}));
