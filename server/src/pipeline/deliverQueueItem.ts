// Delivers one queue item: claim it, make sure its audience exists, send its records in one
// request (split on whole-batch refusals, retried within the run), and settle what happened.
import { loadDestination } from '../delivery/loadDestination.ts';
import { adapterContextFor } from './adapterContextFor.ts';
import type { PipelineContext } from './pipelineContext.ts';
import { PreparationError } from '../delivery/preparationError.ts';
import { failSyncJob } from './failSyncJob.ts';
import { backoffDelay } from '../delivery/backoff.ts';
import { sleep } from '../sleep.ts';
import { claimQueueItem, extendLease, type ClaimedItem } from '../delivery/claimQueueItem.ts';
import { isDeliveryError } from '../destinations/deliveryError.ts';
import { withTransaction } from '../db/withTransaction.ts';
import { ensureAudience } from '../delivery/ensureAudience.ts';
import { loadConversionBatch, loadMemberBatch } from '../delivery/loadBatch.ts';
import { loadNotificationBody } from '../delivery/loadNotificationBody.ts';
import { settleQueueItem, type ItemOutcome } from './settleQueueItem.ts';
import { sendSplittingOnRejection } from '../delivery/splitBatch.ts';
import { withInRunRetries } from '../delivery/withInRunRetries.ts';

/** How often a delivery asks again for a slot while its destination has all of them in flight. */
const SLOT_POLL_MS = { first: 50, most: 500 };

export async function deliverQueueItem(ctx: PipelineContext, queueItemId: number, signal?: AbortSignal): Promise<void> {
  const { leaseSeconds } = ctx.config;
  let item = await claimQueueItem(ctx.pool, queueItemId, leaseSeconds);
  for (let attempt = 0; item === 'busy'; attempt++) {
    if (signal?.aborted) throw new Error('delivery stopped while waiting for a free slot of its destination');
    await sleep(Math.min(SLOT_POLL_MS.most, backoffDelay(SLOT_POLL_MS.first, attempt)), signal);
    item = await claimQueueItem(ctx.pool, queueItemId, leaseSeconds);
  }
  if (!item) return; // settled already, held by a live worker, or its job was withdrawn
  const heartbeat = setInterval(() => void extendLease(ctx.pool, item, leaseSeconds).catch(() => {}), (leaseSeconds * 1000) / 3);
  try {
    const outcome = await send(ctx, item, signal);
    await settleQueueItem({ pool: ctx.pool, boss: ctx.boss, item, outcome, retryIntervalSeconds: ctx.config.retryIntervalSeconds });
  } catch (error) {
    if (error instanceof PreparationError) {
      await withTransaction(ctx.pool, (tx) => failSyncJob(tx, item.sync_job_id, { layer: 'PREPARATION', error: error.message }));
      await settleQueueItem({
        pool: ctx.pool,
        boss: ctx.boss,
        item,
        outcome: { kind: 'permanent', error: error.message },
        retryIntervalSeconds: ctx.config.retryIntervalSeconds,
      });
      return;
    }
    throw error; // the item keeps its lease; once it runs out, a retry of this queue job takes it again
  } finally {
    clearInterval(heartbeat);
  }
}

async function send(ctx: PipelineContext, item: ClaimedItem, signal?: AbortSignal): Promise<ItemOutcome> {
  const destination = await loadDestination(ctx.pool, ctx.cipher, item.destination_id);
  const adapterContext = adapterContextFor(ctx, destination, {
    syncJobId: item.sync_job_id,
    queueItemId: item.id,
    signal,
    awaitingResponse: (waiting) => markAwaitingResponse(ctx, item, waiting),
  });
  const retrying = <T>(attempt: () => Promise<T>) =>
    withInRunRetries(
      {
        pool: ctx.pool,
        destinationId: destination.id,
        requestsPerSecond: destination.requestsPerSecond,
        backoffBaseMs: ctx.config.backoffBaseMs,
        signal,
        onWait: (reason, ms) => ctx.metrics?.recordWait({ destinationId: destination.id, reason, ms }),
      },
      attempt,
    );
  try {
    if (item.operation === 'NOTIFICATION') {
      const sendNotification = destination.adapter.sendNotification;
      if (!sendNotification) throw new PreparationError(`${destination.type} destinations take no webhooks`);
      const body = await loadNotificationBody(ctx.pool, item.id);
      await retrying(() => sendNotification(adapterContext, { body, idempotencyKey: `paidsync-${item.id}` }));
      return { kind: 'delivered', rejected: [] };
    }
    if (item.operation === 'CONVERSION') {
      const sendConversions = destination.adapter.sendConversions;
      if (!sendConversions) throw new PreparationError(`${destination.type} destinations take no offline conversions`);
      const records = await loadConversionBatch(ctx.pool, item);
      const { rejected } = await sendSplittingOnRejection(records, (batch, range) =>
        retrying(() =>
          sendConversions(adapterContext, { records: batch, idempotencyKey: `paidsync-${item.id}-${range.offset}-${range.length}` }),
        ),
      );
      return { kind: 'delivered', rejected };
    }
    const records = await loadMemberBatch(ctx.pool, item);
    const sendTo = async (audience: { name: string; externalId: string }) =>
      sendSplittingOnRejection(records, (batch, range) =>
        retrying(() =>
          destination.adapter.sendMembers(adapterContext, {
            audience,
            operation: item.operation as 'ADD' | 'REMOVE',
            records: batch,
            idempotencyKey: `paidsync-${item.id}-${range.offset}-${range.length}`,
          }),
        ),
      );
    const audienceOptions = {
      pool: ctx.pool,
      destination,
      adapterContext,
      audienceId: item.audience_id!,
      backoffBaseMs: ctx.config.backoffBaseMs,
    };
    let audience = await ensureAudience(audienceOptions);
    let result;
    try {
      result = await sendTo(audience);
    } catch (error) {
      if (!isDeliveryError(error) || error.kind !== 'audienceMissing') throw error;
      // the network lost the audience (deleted, unshared): recreate it once
      audience = await ensureAudience({ ...audienceOptions, stale: audience.externalId });
      result = await sendTo(audience);
    }
    // rejections are rare: the customers are looked up only when there are some
    const customerOf = result.rejected.length ? new Map(records.map((r) => [r.key, r.customerId])) : undefined;
    return {
      kind: 'delivered',
      rejected: result.rejected.map((r) => ({ ...r, customerId: customerOf?.get(r.key) })),
      matchRate: result.matchRate,
    };
  } catch (error) {
    if (!isDeliveryError(error)) throw error;
    switch (error.kind) {
      case 'external':
      case 'throttled':
        return { kind: 'external', error: error.message };
      case 'auth':
        return { kind: 'auth', error: error.message };
      default:
        return { kind: 'permanent', error: error.message };
    }
  }
}

async function markAwaitingResponse(ctx: PipelineContext, item: ClaimedItem, waiting: boolean) {
  // the job awaits the network while any of its items does; items of one job may poll at once, so
  // the job row is locked before the items are read (as in settleSyncJob)
  await withTransaction(ctx.pool, async (tx) => {
    await tx.query('UPDATE queue_items SET awaiting_response = $2 WHERE id = $1', [item.id, waiting]);
    await tx.query('SELECT 1 FROM sync_jobs WHERE id = $1 FOR NO KEY UPDATE', [item.sync_job_id]);
    await tx.query(
      `UPDATE sync_jobs SET status = CASE WHEN EXISTS (
                 SELECT 1 FROM queue_items WHERE sync_job_id = $1 AND awaiting_response) THEN 'AWAITING_RESPONSE' ELSE 'RUNNING' END::"SyncJobStatus",
              updated_at = now()
        WHERE id = $1 AND status IN ('RUNNING', 'AWAITING_RESPONSE')`,
      [item.sync_job_id],
    );
  });
}
