// Fails a job that is still in progress (compare-and-set on its status). Queue items that were never
// sent become FAILED with the same reason, so a Retry resends them. Returns whether this call failed it.
import type pg from 'pg';
import { refreshConversionStatuses } from './conversions/refreshConversionStatuses.ts';

export async function failSyncJob(
  tx: pg.PoolClient,
  syncJobId: number,
  failure: { layer: 'PREPARATION' | 'SYNC'; error: string },
): Promise<boolean> {
  const { rows } = await tx.query<{ failed: number; items: number[] }>(
    `WITH failed AS (
       UPDATE sync_jobs SET status = 'FAILED', failure_layer = $2, error = $3, ended_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('PENDING', 'RUNNING', 'AWAITING_RESPONSE')
        RETURNING id),
     unsent AS (
       UPDATE queue_items q SET status = 'FAILED', last_error = 'not sent: ' || $3, updated_at = now()
         FROM failed WHERE q.sync_job_id = failed.id AND q.status = 'PENDING'
        RETURNING q.id, q.operation)
     SELECT (SELECT count(*)::int FROM failed) AS failed,
            ARRAY(SELECT id FROM unsent WHERE operation = 'CONVERSION') AS items`,
    [syncJobId, failure.layer, failure.error.slice(0, 1000)],
  );
  // conversion events follow their items' statuses
  if (rows[0]!.items.length) await refreshConversionStatuses(tx, rows[0]!.items);
  return rows[0]!.failed > 0;
}
