// Work held by a dead worker: an item still SENDING or RESENDING after its lease ran out goes back on
// the delivery queue (the claim takes expired leases). pg-boss already re-runs the queue job of a
// worker that stopped heartbeating; this sweep covers the case where that job itself was lost.
import type pg from 'pg';
import type { PipelineContext } from './pipelineContext.ts';
import { withTransaction } from '../db/withTransaction.ts';
import { enqueueDeliveries } from './stages/syncMembers.ts';

export async function recoverStuckItems(ctx: PipelineContext): Promise<number> {
  return withTransaction(ctx.pool, async (tx: pg.PoolClient) => {
    const { rows } = await tx.query<{ id: number; destination_id: number }>(
      `SELECT q.id, j.destination_id FROM queue_items q JOIN sync_jobs j ON j.id = q.sync_job_id
        WHERE q.status IN ('SENDING', 'RESENDING') AND (q.lease_until < now() - interval '30 seconds'
              OR (q.lease_until IS NULL AND q.updated_at < now() - interval '2 minutes'))
          AND j.status <> 'WITHDRAWN'
        LIMIT 1000`,
    );
    for (const destinationId of new Set(rows.map((r) => r.destination_id))) {
      await enqueueDeliveries(
        ctx,
        tx,
        destinationId,
        rows.filter((r) => r.destination_id === destinationId).map((r) => r.id),
      );
    }
    return rows.length;
  });
}
