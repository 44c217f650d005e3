// The automatic retry schedule (seeds/001): an item that failed for an external reason waits
// PAIDSYNC_RETRY_INTERVAL_SECONDS from its last attempt, then becomes RESENDING and is delivered
// again, and its job RUNNING (with no end) until they settle. Membership items that a newer full-diff
// job of the same audience covers are WITHDRAWN instead (supersededItem.ts).
import { withTransaction } from '../db/withTransaction.ts';
import { refreshConversionStatuses } from './conversions/refreshConversionStatuses.ts';
import type { PipelineContext } from './pipelineContext.ts';
import { settleSyncJob } from './settleSyncJob.ts';
import { supersededItem } from './supersededItem.ts';
import { enqueueDeliveries } from './stages/syncMembers.ts';

export async function resendDueItems(ctx: PipelineContext): Promise<{ resending: number; withdrawn: number }> {
  return withTransaction(ctx.pool, async (tx) => {
    const { rows } = await tx.query<{ id: number; status: string; sync_job_id: number; destination_id: number; operation: string }>(
      `UPDATE queue_items q SET
          status = CASE WHEN ${supersededItem('q', 'j')} THEN 'WITHDRAWN' ELSE 'RESENDING' END::"DeliveryStatus",
          next_attempt_at = NULL, lease_until = NULL, updated_at = now()
         FROM sync_jobs j
        WHERE j.id = q.sync_job_id AND q.status = 'WAITING_FOR_RETRY' AND q.next_attempt_at <= now()
          AND j.status <> 'WITHDRAWN'
        RETURNING q.id, q.status, q.sync_job_id, j.destination_id, q.operation`,
    );
    const resend = rows.filter((r) => r.status === 'RESENDING');
    await tx.query(
      `UPDATE sync_jobs SET status = 'RUNNING', next_retry_at = NULL, ended_at = NULL, updated_at = now()
        WHERE id = ANY ($1::int[]) AND status = 'FAILED'`,
      [[...new Set(resend.map((r) => r.sync_job_id))]],
    );
    for (const destinationId of new Set(resend.map((r) => r.destination_id))) {
      await enqueueDeliveries(
        ctx,
        tx,
        destinationId,
        resend.filter((r) => r.destination_id === destinationId).map((r) => r.id),
      );
    }
    const conversions = rows.filter((r) => r.operation === 'CONVERSION').map((r) => r.id);
    if (conversions.length) await refreshConversionStatuses(tx, conversions);
    for (const jobId of new Set(rows.filter((r) => r.status === 'WITHDRAWN').map((r) => r.sync_job_id)))
      await settleSyncJob(ctx.boss, tx, jobId);
    return { resending: resend.length, withdrawn: rows.length - resend.length };
  });
}
