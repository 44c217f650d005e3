import { Kind, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { FailureLayer, SyncJobStatus, SyncStage, SyncType } from '../../generated/prisma/enums.ts';
import type { Prisma, SyncJob } from '../../generated/prisma/client.ts';
import { retryRefusal } from '../../pipeline/retryRule.ts';
import { canWithdraw } from '../../pipeline/withdrawSyncJob.ts';
import { countSyncJobs } from '../../syncJobs/countSyncJobs.ts';
import { listSyncJobs } from '../../syncJobs/listSyncJobs.ts';
import { readSyncJob } from '../../syncJobs/readSyncJob.ts';
import type { SyncJobWhere } from '../../syncJobs/syncJobWhere.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { namedConnection } from '../connections.ts';
import { decodeId } from '../ids.ts';
import { liveSubscription, sharedLoader } from '../liveSubscription.ts';
import { DestinationTypeEnum } from './destination.ts';
import { DeliveryStatusEnum, QueueItemConnection, RejectedRecordConnection } from './queueItem.ts';

export const SyncJobStatusEnum = builder.enumType(SyncJobStatus, {
  name: 'SyncJobStatus',
  description:
    'Where a sync job is: PENDING → RUNNING → COMPLETED or FAILED; AWAITING_RESPONSE while the network works asynchronously; WITHDRAWN when stopped.',
  values: {
    PENDING: { description: 'Made, its first stage not yet started.' },
    AWAITING_RESPONSE: {
      description: 'Sent; the network is processing it asynchronously (Google offline user data jobs) and paidsync polls for the outcome.',
    },
    RUNNING: { description: 'Its stages or deliveries are running (also after a retrySyncJob).' },
    COMPLETED: { description: 'Every queue item is settled and none failed; rejected records, if any, are listed on the job.' },
    WITHDRAWN: {
      description: 'Stopped by withdrawSyncJob, or superseded by a newer job of the same scope; items already on their way finished.',
    },
    FAILED: {
      description:
        'It could not finish: `failureLayer` and `error` say why, and `canRetry` whether retrySyncJob can resend its failed items.',
    },
  },
});
export const SyncTypeEnum = builder.enumType(SyncType, {
  name: 'SyncType',
  description: 'What made a sync job.',
  values: {
    NEXT_BEST_ACTION: {
      description:
        'A real-time container or event request (requestPaidAction) or an outbound run (triggerOutboundRun, or its schedule); triggeredBy is "issue/group".',
    },
    SEGMENT: {
      description:
        'A segment sync (triggerSegmentSync, or the segment’s schedule); triggeredBy is the segment’s name. Computes the whole audience’s diff.',
    },
    PII_UPDATE: { description: 'The background agent that resends customers whose PII changed; triggeredBy is the agent.' },
    OFFLINE_CONVERSION: {
      description:
        'Captured conversions going out (capturePaidResponse while offline conversions are enabled, or pushHistoricalConversions); triggeredBy is null.',
    },
    CONVERSION_AUDIENCE: {
      description: 'The audience of converted customers, made by each offline conversion job as its child; triggeredBy is null.',
    },
    NOTIFICATION: {
      description: 'One alert or lifecycle webhook going to a Web destination; triggeredBy is "alert: <rule>" or "webhook: <rule>".',
    },
  },
});
export const SyncStageEnum = builder.enumType(SyncStage, {
  name: 'SyncStage',
  description: 'The six stages of a sync job, in order; each runs once, and again safely after a crash.',
  values: {
    IDENTIFY_PAYLOAD: { description: '1. The customers in scope and their identifiers, normalised and hashed for the network.' },
    IDENTIFY_AUDIENCES: {
      description: '2. The diff against confirmed membership: who joins and who leaves each audience (a dry run stops here).',
    },
    WRITE_STAGING: { description: '3. The adds and removes made ready to send (numbered in stage 1 as they are hashed).' },
    CREATE_QUEUE_ITEMS: { description: '4. The adds and removes cut into queue items of the destination’s batch size.' },
    UPDATE_AUDIENCES: { description: '5. Audiences created or updated in the network.' },
    SYNC_MEMBERS: { description: '6. Customers added and removed in the network (the queue items delivered).' },
  },
});
export const FailureLayerEnum = builder.enumType(FailureLayer, {
  name: 'FailureLayer',
  description: 'Where a failed job’s error came from.',
  values: {
    PREPARATION: {
      description:
        'Inside paidsync, before anything was sent (bad data, a missing audience, a stage that kept failing): retrySyncJob does not apply.',
    },
    SYNC: { description: 'Talking to the destination (bad token, destination unavailable): retrySyncJob can resend the failed items.' },
  },
});
export const REALTIME_SOURCES = ['REALTIME_CONTAINER', 'REALTIME_EVENT'] as const;
export const RealtimeSource = builder.enumType('RealtimeSource', {
  description: 'Which real-time channel a paid request came from.',
  values: {
    REALTIME_CONTAINER: { description: 'A real-time container (a decision served to a page or app) asked for the Paid channel.' },
    REALTIME_EVENT: { description: 'A real-time event (something the customer did) asked for the Paid channel.' },
  } as const,
});

const SyncStageRunRef = builder.prismaObject('SyncJobStageRun', {
  name: 'SyncStageRun',
  description: 'When one stage of a sync job ran',
  fields: (t) => ({
    stage: t.expose('stage', { type: SyncStageEnum, description: 'The stage.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the stage began.' }),
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
  description: 'One end-to-end run for one destination: a row of Sync Tracking.',
  id: { field: 'id' },
  fields: (t) => ({
    status: t.expose('status', { type: SyncJobStatusEnum, description: 'Where the job is.' }),
    stage: t.expose('stage', {
      type: SyncStageEnum,
      nullable: true,
      description: 'The stage it is in or last ran; null before the first stage starts.',
    }),
    destination: t.relation('destination', { description: 'Where the job sends.' }),
    destinationType: t.expose('destinationType', { type: DestinationTypeEnum, description: 'The destination’s type, kept on the job.' }),
    syncType: t.expose('syncType', { type: SyncTypeEnum, description: 'What made the job.' }),
    triggeredBy: t.exposeString('triggeredBy', {
      nullable: true,
      description: 'issue/group, segment name or agent name; null for conversion jobs.',
    }),
    issue: t.exposeString('issue', { nullable: true, description: 'The next-best-action issue; null for other sync types.' }),
    group: t.exposeString('group', { nullable: true, description: 'The next-best-action group; null for other sync types.' }),
    segment: t.relation('segment', {
      nullable: true,
      description: 'The segment synced (SEGMENT jobs, outbound runs of a segment); null otherwise or once the segment is deleted.',
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When its first stage began; null while PENDING.' }),
    endedAt: t.expose('endedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When it reached its final status (COMPLETED, FAILED or WITHDRAWN); null until then (and again while a resend or retry runs).',
    }),
    nextRetryAt: t.expose('nextRetryAt', {
      type: 'DateTime',
      nullable: true,
      description: 'when the automatic resend of its items that wait for one (external problems) comes; null when none waits',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the job was made.' }),
    failureLayer: t.expose('failureLayer', {
      type: FailureLayerEnum,
      nullable: true,
      description: 'Where the error came from; null unless FAILED.',
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed (no PII or secrets); null unless FAILED.' }),
    canRetry: t.boolean({
      description: 'exactly when retrySyncJob would accept this job now',
      // no `select`: SyncJob loads every scalar (include mode), and a field with one runs through
      // Pothos' per-row loader lookup, a measurable part of the dashboard's page of 50
      resolve: (job, _args, ctx) => {
        const refusal = retryRefusal(ctx.prisma, job);
        return refusal instanceof Promise ? refusal.then((r) => r === null) : refusal === null;
      },
    }),
    canWithdraw: t.boolean({
      description: 'exactly when withdrawSyncJob would accept this job now (it has not finished)',
      resolve: (job) => canWithdraw(job.status),
    }),
    source: t.field({
      type: RealtimeSource,
      nullable: true,
      description: 'for a real-time request: whether a real-time container or a real-time event made it',
      resolve: (job) => job.source as (typeof REALTIME_SOURCES)[number] | null,
    }),
    dryRun: t.exposeBoolean('dryRun', { description: 'A dry run computes the diff (stages 1 and 2) and sends nothing.' }),
    dryRunSample: t.expose('dryRunSample', {
      type: 'JSON',
      nullable: true,
      description: 'for a dry run: a sample of the adds and removes it computed',
    }),
    parent: t.relation('parent', {
      nullable: true,
      description: 'The job that made this one (a CONVERSION_AUDIENCE job’s OFFLINE_CONVERSION job); null for most jobs.',
    }),
    children: t.relation('children', {
      query: { orderBy: { id: 'asc' } },
      description: 'Jobs this one made, oldest first (empty for most jobs).',
    }),
    recordsTotal: t.exposeInt('recordsTotal', { description: 'Records to send: adds plus removes (or conversions), known after stage 2.' }),
    recordsAdded: t.exposeInt('recordsAdded', { description: 'Adds (or conversions) the network accepted so far.' }),
    recordsRemoved: t.exposeInt('recordsRemoved', { description: 'Removes the network accepted so far.' }),
    recordsRejected: t.exposeInt('recordsRejected', { description: 'Records the network refused (listed in rejectedRecords).' }),
    recordsFailed: t.exposeInt('recordsFailed', { description: 'Records in items that failed or wait for a retry.' }),
    stageRuns: t.relation('stageRuns', {
      type: SyncStageRunRef,
      description: 'when each stage that has run began and finished, in order',
      query: { orderBy: { startedAt: 'asc' } },
    }),
    queueItems: t.relatedConnection(
      'queueItems',
      {
        cursor: 'id',
        description: 'The job’s queue items, oldest first.',
        args: { status: t.arg({ type: [DeliveryStatusEnum], description: 'Only items in one of these statuses; all when left out.' }) },
        query: (args) => ({ where: args.status?.length ? { status: { in: args.status } } : {}, orderBy: { id: 'asc' } }),
        totalCount: true,
      },
      QueueItemConnection,
    ),
    rejectedRecords: t.relatedConnection(
      'rejectedRecords',
      {
        cursor: 'id',
        description:
          'the records the destination refused that no later run of the scope has had accepted yet (the next run sends them again)',
        query: { where: { resolvedAt: null }, orderBy: { id: 'asc' } },
        totalCount: true,
      },
      RejectedRecordConnection,
    ),
  }),
});

export const SyncJobConnection = namedConnection(SyncJobRef, 'SyncJobConnection');

const SyncJobFilter = builder.inputType('SyncJobFilter', {
  description: 'Which sync jobs; every given condition must hold.',
  fields: (t) => ({
    syncType: t.field({ type: SyncTypeEnum, description: 'Only jobs of this type.' }),
    status: t.field({ type: [SyncJobStatusEnum], description: 'Only jobs in one of these statuses.' }),
    destinationId: t.id({ description: 'Only jobs of this destination (global id).' }),
    segmentId: t.id({ description: 'Only jobs of this segment (global id).' }),
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
    ...(filter.destinationId != null
      ? { destinationId: decodeId('Destination', String(filter.destinationId), 'filter.destinationId') }
      : {}),
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

// the rows listSyncJobs read, which carry their destination and segment already (see pageRelationsResolvedDirectly)
const pageRows = new WeakSet<object>();

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
    return page.then((result) => {
      for (const job of result.jobs) pageRows.add(job);
      return result.jobs;
    });
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
      args: { filter: t.arg({ type: SyncJobFilter, description: 'Which jobs; all when left out.' }) },
      resolve: (query, _root, args, ctx, info) => syncJobsPage(ctx, query, args, whereFromFilter(args.filter), info),
      totalCount: (_root, args, ctx) => countedWithPage.get(args) ?? countSyncJobs(ctx.pool, whereFromFilter(args.filter)),
    },
    SyncJobConnection,
  ),
  syncJob: t.prismaField({
    type: 'SyncJob',
    nullable: true,
    description: 'One sync job; null when the id names none.',
    args: { id: t.arg.id({ required: true, description: 'Global id of the job.' }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.syncJob.findUnique({ ...query, where: { id: decodeId('SyncJob', String(args.id)) } }),
  }),
}));

const loadJob = sharedLoader<{ id: number }, SyncJob>((event, ctx) => readSyncJob(ctx.pool, event.id));

builder.subscriptionFields((t) => ({
  syncJobUpdated: t.field({
    type: SyncJobRef,
    description: 'every status, stage or count change',
    args: { filter: t.arg({ type: SyncJobFilter, description: 'Only changes of jobs that match; all jobs when left out.' }) },
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

/**
 * A page row from listSyncJobs holds its destination and segment as loaded: for it, these two fields
 * return them directly instead of through Pothos' relation resolver, which looks the field's loader
 * mapping up by response path on every row (under graphql-jit, whose paths are new objects per call,
 * that lookup cost more than the rest of the row). Every other SyncJob resolves as Pothos planned.
 */
export function pageRelationsResolvedDirectly(schema: GraphQLSchema) {
  const type = schema.getType('SyncJob') as GraphQLObjectType;
  const fields = type.getFields();
  for (const name of PG_PATH_RELATIONS) {
    const field = fields[name]!;
    // the planned resolver is skipped: it must not be where an auth check runs
    if (hasAuthScopes(type.extensions) || hasAuthScopes(field.extensions)) {
      throw new Error(`SyncJob.${name} has auth scopes: pageRelationsResolvedDirectly would skip them`);
    }
    const planned = field.resolve!;
    field.resolve = (job, args, ctx, info) => (pageRows.has(job) ? (job as Record<string, unknown>)[name] : planned(job, args, ctx, info));
  }
}

function hasAuthScopes(extensions: Record<string, unknown> | null | undefined) {
  const options = extensions?.pothosOptions as { authScopes?: unknown; grantScopes?: unknown } | undefined;
  return options?.authScopes !== undefined || options?.grantScopes !== undefined;
}
