// What operators do to sync jobs: trigger them (segment, real-time request, outbound run), retry a
// failed one, withdraw one. Each returns the jobs it made or changed.
import { z } from 'zod';
import { RetryRefused, retrySyncJob } from '../../pipeline/retrySyncJob.ts';
import { triggerNextBestAction, type NextBestActionRequest } from '../../pipeline/triggers/triggerNextBestAction.ts';
import { saveOutboundSchedule } from '../../pipeline/triggers/saveOutboundSchedule.ts';
import { TriggerRefused, triggerSegmentSync } from '../../pipeline/triggers/triggerSegmentSync.ts';
import { canWithdraw, withdrawSyncJob } from '../../pipeline/withdrawSyncJob.ts';
import { QUEUES } from '../../queue/queues.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { assertCron } from '../cron.ts';
import { badInput, conflict, notFound, refuse } from '../errors.ts';
import { decodeId, decodeIds } from '../ids.ts';
import { parseInput } from '../validate.ts';
import { RealtimeSource } from './syncJob.ts';

const PaidRequestInput = builder.inputType('PaidRequestInput', {
  description: 'A real-time request to add customers to the audience of a next-best-action issue and group.',
  fields: (t) => ({
    source: t.field({ type: RealtimeSource, required: true, description: 'Where the request came from.' }),
    issue: t.string({ required: true, description: 'The next-best-action issue (1 to 200 characters).' }),
    group: t.string({
      required: true,
      description: 'The group within the issue (1 to 200 characters); the audience is named issue/group.',
    }),
    customerExternalIds: t.stringList({
      required: true,
      description: 'The customers to add (1 to 10,000 upserted externalIds). Only adds: nobody is removed.',
    }),
    destinationIds: t.idList({ required: true, description: 'Global ids of the destinations (1 to 50); one job each.' }),
  }),
});

const OutboundRunInput = builder.inputType('OutboundRunInput', {
  description:
    'A next-best-action outbound run: the issue/group audience becomes exactly a segment or a list. Give segmentId or customerExternalIds, exactly one.',
  fields: (t) => ({
    issue: t.string({ required: true, description: 'The next-best-action issue (1 to 200 characters).' }),
    group: t.string({ required: true, description: 'The group within the issue (1 to 200 characters).' }),
    segmentId: t.id({ description: 'The audience becomes this segment’s members (global id).' }),
    customerExternalIds: t.stringList({ description: 'Or the audience becomes exactly these customers (at most 100,000).' }),
    destinationIds: t.idList({ required: true, description: 'Global ids of the destinations (1 to 50); one job each.' }),
    schedule: t.string({ description: 'a cron expression: also run this outbound run on that schedule from now on' }),
  }),
});

const level = z.string().trim().min(1, 'must not be empty').max(200);
const nbaBase = {
  issue: level,
  group: level,
  destinationIds: z.array(z.string()).min(1, 'name at least one destination').max(50),
};
const paidRequestSchema = z.object({
  ...nbaBase,
  source: z.string(),
  customerExternalIds: z.array(z.string().min(1).max(256)).min(1).max(10_000),
});
const outboundRunSchema = z
  .object({
    ...nbaBase,
    segmentId: z.string().nullish(),
    customerExternalIds: z.array(z.string().min(1).max(256)).max(100_000).nullish(),
    schedule: z.string().trim().min(9).max(100).nullish(),
  })
  .refine((i) => (i.segmentId != null) !== (i.customerExternalIds != null), 'give segmentId or customerExternalIds, exactly one');

async function jobsById(ctx: GraphQLContext, query: object, ids: number[]) {
  const jobs = await ctx.prisma.syncJob.findMany({ ...query, where: { id: { in: ids } }, orderBy: { id: 'asc' } });
  return jobs;
}

function refused(error: unknown): never {
  if (error instanceof TriggerRefused) refuse(error.code, error.message);
  throw error;
}

async function runNextBestAction(ctx: GraphQLContext, request: NextBestActionRequest) {
  return triggerNextBestAction(ctx, request).catch(refused);
}

builder.mutationFields((t) => ({
  triggerSegmentSync: t.prismaField({
    type: ['SyncJob'],
    description: 'one job per destination of the segment; a dry run computes the diff and sends nothing',
    args: {
      segmentId: t.arg.id({ required: true, description: 'Global id of a segment with paidSyncEnabled.' }),
      dryRun: t.arg.boolean({ description: 'true: compute the diff and send nothing (see SyncJob.dryRunSample). Default false.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      const segmentId = decodeId('Segment', String(args.segmentId), 'segmentId');
      const ids = await triggerSegmentSync(ctx, { segmentId, dryRun: args.dryRun ?? false }).catch(refused);
      return jobsById(ctx, query, ids);
    },
  }),
  requestPaidAction: t.prismaField({
    type: ['SyncJob'],
    description: 'a real-time container or real-time event request for the Paid channel',
    args: { input: t.arg({ type: PaidRequestInput, required: true, description: 'The request.' }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(paidRequestSchema, args.input);
      const ids = await runNextBestAction(ctx, {
        issue: input.issue,
        group: input.group,
        destinationIds: decodeIds('Destination', input.destinationIds, 'destinationIds'),
        customerExternalIds: [...new Set(input.customerExternalIds)],
        fullDiff: false,
        source: input.source,
      });
      return jobsById(ctx, query, ids);
    },
  }),
  triggerOutboundRun: t.prismaField({
    type: ['SyncJob'],
    description: 'a next-best-action outbound run: the audience of the issue and group becomes the segment or list',
    args: { input: t.arg({ type: OutboundRunInput, required: true, description: 'The run.' }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(outboundRunSchema, args.input);
      const destinationIds = decodeIds('Destination', input.destinationIds, 'destinationIds');
      const segmentId = input.segmentId != null ? decodeId('Segment', input.segmentId, 'segmentId') : null;
      const customerExternalIds = input.customerExternalIds ? [...new Set(input.customerExternalIds)] : [];
      if (input.schedule) assertCron(ctx.boss, input.schedule); // before any job is made: a bad one changes nothing
      const ids = await runNextBestAction(ctx, {
        issue: input.issue,
        group: input.group,
        destinationIds,
        segmentId,
        customerExternalIds,
        fullDiff: true,
      });
      if (input.schedule) {
        const outboundScheduleId = await saveOutboundSchedule(ctx.pool, {
          issue: input.issue,
          group: input.group,
          segmentId,
          customerExternalIds,
          destinationIds,
          cron: input.schedule,
        });
        await ctx.boss
          .schedule(QUEUES.scheduledOutboundRun, input.schedule, { outboundScheduleId }, { key: `outbound-${outboundScheduleId}` })
          .catch((error: Error) => badInput(`schedule is not a valid cron expression: ${error.message}`, { field: 'schedule' }));
      }
      return jobsById(ctx, query, ids);
    },
  }),
  retrySyncJob: t.prismaField({
    type: 'SyncJob',
    description: 'for a job that failed talking to its destination: resend only its failed queue items',
    args: { id: t.arg.id({ required: true, description: 'Global id of a FAILED job whose canRetry is true; NOT_RETRYABLE otherwise.' }) },
    resolve: async (query, _root, args, ctx) => {
      const id = decodeId('SyncJob', String(args.id));
      try {
        await retrySyncJob(ctx, id);
      } catch (error) {
        if (error instanceof RetryRefused) {
          if (error.message === 'not found') notFound('SyncJob');
          refuse('NOT_RETRYABLE', `This job cannot be retried: ${error.message}`);
        }
        throw error;
      }
      return ctx.prisma.syncJob.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  withdrawSyncJob: t.prismaField({
    type: 'SyncJob',
    description: 'stop a job that has not finished; items already on their way finish',
    args: { id: t.arg.id({ required: true, description: 'Global id of a job that has not finished; CONFLICT when it has.' }) },
    resolve: async (query, _root, args, ctx) => {
      const id = decodeId('SyncJob', String(args.id));
      const existing = await ctx.prisma.syncJob.findUnique({ where: { id }, select: { status: true } });
      if (!existing) notFound('SyncJob');
      if (!canWithdraw(existing!.status)) conflict(`a ${existing!.status} job cannot be withdrawn`);
      if (!(await withdrawSyncJob(ctx.pool, id))) conflict(`a ${existing!.status} job cannot be withdrawn`);
      return ctx.prisma.syncJob.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
