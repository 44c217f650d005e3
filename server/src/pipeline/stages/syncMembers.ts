// Stage 6: every pending queue item goes on the delivery queue, grouped by destination so no more
// than its `concurrency` setting are in flight at once across all workers. A job with nothing to
// send is settled here and then.
import type pg from 'pg';
import { inTransaction, QUEUES } from '../../queue/queues.ts';
import { loadDestinationConcurrency } from '../../delivery/loadDestination.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';
import { settleSyncJob } from '../settleSyncJob.ts';

export async function syncMembers(ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage | null> {
  const { rows } = await tx.query<{ id: number }>("SELECT id FROM queue_items WHERE sync_job_id = $1 AND status = 'PENDING' ORDER BY id", [
    job.id,
  ]);
  await enqueueDeliveries(
    ctx,
    tx,
    job.destination_id,
    rows.map((r) => r.id),
  );
  if (rows.length === 0) await settleSyncJob(ctx.boss, tx, job.id);
  return null;
}

/** The group is the destination, its tier the destination's concurrency. The claim is what holds
 * the limit (claimQueueItem.ts); the tier only keeps pg-boss from starting many more deliveries of
 * one destination than may send, which would wait for a slot in loops other destinations need. */
export async function enqueueDeliveries(ctx: PipelineContext, tx: pg.PoolClient, destinationId: number, itemIds: number[]) {
  if (itemIds.length === 0) return;
  const group = { id: `destination-${destinationId}`, tier: String(await loadDestinationConcurrency(tx, destinationId)) };
  await ctx.boss.insert(
    QUEUES.deliver,
    itemIds.map((queueItemId) => ({ data: { queueItemId }, group })),
    inTransaction(tx),
  );
}
