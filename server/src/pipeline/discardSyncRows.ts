// A completed job no longer needs its payload and staging rows: a million-member sync leaves a
// million of each. They are deleted by a queue job sent when the job completes, not in the
// transaction that completes it, so the job shows COMPLETED without waiting on the deletes.
// A completed full-diff job also takes the rows of the older failed or withdrawn jobs of its
// audience once none of their items is in flight: it covers their membership items
// (supersededItem.ts), so even a Retry never sends from them. An add-only job covers nobody else's
// customers, so the rows of older jobs whose items still wait for their resend are kept.
// Compare-and-set on final statuses, so running it twice, or late, is harmless.
import type pg from 'pg';

export async function discardSyncRows(pool: pg.Pool, syncJobId: number): Promise<void> {
  await pool.query(
    `WITH done AS (
       SELECT old.id FROM sync_jobs j JOIN sync_jobs old ON old.id = j.id OR old.audience_id = j.audience_id
        WHERE j.id = $1 AND j.status = 'COMPLETED'
          AND (old.id = j.id
               OR (old.id < j.id AND j.full_diff AND NOT j.dry_run AND old.status IN ('FAILED', 'WITHDRAWN')
                   AND NOT EXISTS (SELECT 1 FROM queue_items q
                                    WHERE q.sync_job_id = old.id AND q.status IN ('PENDING', 'SENDING', 'RESENDING'))))),
     staging AS (DELETE FROM sync_staging WHERE sync_job_id IN (SELECT id FROM done))
     DELETE FROM sync_payloads WHERE sync_job_id IN (SELECT id FROM done)`,
    [syncJobId],
  );
}
