// Registers this process's handlers for every pipeline queue, and the recurring schedules.
import { deliverQueueItem } from './deliverQueueItem.ts';
import { pruneApiCalls } from '../delivery/pruneApiCalls.ts';
import { MAX_CONCURRENCY } from '../destinations/destinationSettings.ts';
import { sweepExpiredIdempotencyKeys } from '../idempotency/sweepExpiredIdempotencyKeys.ts';
import { QUEUES } from '../queue/queues.ts';
import type { LiveEvents } from '../db/liveEvents.ts';
import { batchConversions } from './conversions/batchConversions.ts';
import { startConversionBatcher } from './conversions/startConversionBatcher.ts';
import { runPiiUpdateAgent } from './piiUpdateAgent.ts';
import type { PipelineContext, Stage } from './pipelineContext.ts';
import { discardSyncRows } from './discardSyncRows.ts';
import { pruneMembershipWrites } from './pruneMembershipWrites.ts';
import { recoverStuckItems } from './recoverStuckItems.ts';
import { resendDueItems } from './resendDueItems.ts';
import { runStage } from './runStage.ts';
import { triggerNextBestAction } from './triggers/triggerNextBestAction.ts';
import { triggerSegmentSync } from './triggers/triggerSegmentSync.ts';

const STAGE_RETRY_LIMIT = 5; // as createQueues sets it

// a delivery's tier is its destination's concurrency (enqueueDeliveries): pg-boss starts about n of
// tier "n" at once (the claim holds the limit exactly); deliveries queued without a tier get 4
const DESTINATION_CONCURRENCY = {
  default: 4,
  tiers: Object.fromEntries(Array.from({ length: MAX_CONCURRENCY }, (_, i) => [String(i + 1), i + 1])),
};

/** How one process fetches deliveries: `localConcurrency` loops, each holding a fetched batch. */
const DELIVERY_LOOPS = { localConcurrency: 4, batchSize: 2 };
/** The most deliveries one worker process holds at once (a destination's concurrency above it needs a second worker to be reached). */
export const DELIVERIES_PER_WORKER = DELIVERY_LOOPS.localConcurrency * DELIVERY_LOOPS.batchSize;

/** Returns what stops the in-process parts (the conversion batcher); pg-boss stops its own workers. */
export async function startWorkers(ctx: PipelineContext, liveEvents: LiveEvents): Promise<() => Promise<void>> {
  const { boss, logger } = ctx;
  const fast = { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 5 };
  // A pg-boss worker loop waits out its poll interval after every job, and only new jobs NOTIFY: a
  // delivery held back by groupConcurrency (or retried after a failure) is fetched by the next poll.
  // With the 5 s backstop a destination moved about 4 items per 5 s; 1 s keeps it busy.
  const busy = { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 1 };
  // Stage jobs come in bursts (a conversion stream makes several jobs a second, each six stages):
  // fetched one at a time, each worker waited up to the NOTIFY backstop after every job, and a
  // backlog drained at about one stage a second per worker, holding conversions back for a minute.
  // Fetched two at a time, a full fetch means more is waiting, and pg-boss fetches again at once.
  await boss.work<{ syncJobId: number; stage: Stage }>(
    QUEUES.stage,
    { ...busy, localConcurrency: 2, batchSize: 2, burstWhenBatchFull: true },
    async (jobs) => {
      let failure: unknown = null;
      for (const job of jobs) {
        // a stage that fails is retried with its batch-mate; a stage already done is a no-op then
        await runStage(ctx, job.data, { final: job.retryCount >= STAGE_RETRY_LIMIT }).catch((error) => (failure ??= error));
      }
      if (failure) throw failure;
    },
  );
  // Deliveries are fetched two at a time and sent side by side, for the same reason as stage jobs:
  // fetched one at a time, each of the eight loops waited out the NOTIFY backstop after every item,
  // and a destination's backlog went out at under half its concurrency.
  await boss.work<{ queueItemId: number }>(
    QUEUES.deliver,
    { ...busy, ...DELIVERY_LOOPS, burstWhenBatchFull: true, groupConcurrency: DESTINATION_CONCURRENCY },
    async (jobs) => {
      const results = await Promise.allSettled(jobs.map((job) => deliverQueueItem(ctx, job.data.queueItemId, job.signal)));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason; // both go again; the delivered one is then a no-op
    },
  );
  await boss.work(QUEUES.resendDue, fast, async () => {
    const result = await resendDueItems(ctx);
    if (result.resending || result.withdrawn) logger.info('retry schedule ran', result);
  });
  // the sweep; captures are batched as they arrive by startConversionBatcher
  await boss.work(QUEUES.batchConversions, fast, async () => {
    while ((await batchConversions(ctx)).full);
  });
  await boss.work(QUEUES.piiAgent, async () => {
    const jobs = await runPiiUpdateAgent(ctx);
    if (jobs.length) logger.info('PII update agent created jobs', { jobs: jobs.length });
  });
  await boss.work<{ syncJobId: number }>(QUEUES.discardSyncRows, async ([job]) => discardSyncRows(ctx.pool, job!.data.syncJobId));
  await boss.work(QUEUES.pruneApiCalls, async () => {
    const deleted = await pruneApiCalls(ctx.pool, ctx.config.apiCallRetentionDays);
    if (deleted) logger.info('api calls past their retention deleted', { deleted, retentionDays: ctx.config.apiCallRetentionDays });
  });
  await boss.work(QUEUES.pruneMembershipWrites, async () => {
    const deleted = await pruneMembershipWrites(ctx.pool);
    if (deleted) logger.info('old membership write records deleted', { deleted });
  });
  await boss.work(QUEUES.recoverStuckItems, async () => {
    const recovered = await recoverStuckItems(ctx);
    if (recovered) logger.warn('re-queued items left by a dead worker', { items: recovered });
  });
  await boss.work<{ segmentId: number }>(QUEUES.scheduledSegmentSync, async ([job]) => {
    await triggerSegmentSync(ctx, { segmentId: job!.data.segmentId, dryRun: false }).catch((error) =>
      logger.warn('scheduled segment sync refused', { segmentId: job!.data.segmentId, error }),
    );
  });
  await boss.work<{ outboundScheduleId: number }>(QUEUES.scheduledOutboundRun, async ([job]) => {
    const { rows } = await ctx.pool.query('SELECT * FROM outbound_schedules WHERE id = $1', [job!.data.outboundScheduleId]);
    const schedule = rows[0];
    if (!schedule) return;
    await triggerNextBestAction(ctx, {
      issue: schedule.issue,
      group: schedule.group_name,
      destinationIds: schedule.destination_ids,
      segmentId: schedule.segment_id,
      customerExternalIds: schedule.customer_external_ids,
      fullDiff: true,
    }).catch((error) => logger.warn('scheduled outbound run refused', { outboundScheduleId: schedule.id, error }));
  });

  // safety nets beside the exact-time sends: a minute's sweep for due retries and stuck items
  await boss.schedule(QUEUES.resendDue, '* * * * *', {}, { key: 'sweep' });
  await boss.schedule(QUEUES.recoverStuckItems, '* * * * *', {}, { key: 'sweep' });
  await boss.schedule(QUEUES.piiAgent, '*/5 * * * *', {}, { key: 'agent' });
  await boss.schedule(QUEUES.batchConversions, '* * * * *', {}, { key: 'sweep' });
  await boss.schedule(QUEUES.pruneApiCalls, '17 * * * *', {}, { key: 'retention' });
  await boss.schedule(QUEUES.pruneMembershipWrites, '23 * * * *', {}, { key: 'retention' });
  await boss.work(QUEUES.sweepIdempotencyKeys, async () => {
    const swept = await sweepExpiredIdempotencyKeys(ctx.pool);
    if (swept) logger.info('expired idempotency keys swept', { keys: swept });
  });
  await boss.schedule(QUEUES.sweepIdempotencyKeys, '*/10 * * * *', {}, { key: 'sweep' });
  return startConversionBatcher(ctx, liveEvents);
}
