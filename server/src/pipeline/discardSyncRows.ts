// A completed job no longer needs its payload and staging rows: a million-member sync leaves a
// million of each. They are deleted by a queue job sent when the job completes, not in the
// transaction that completes it, so the job shows COMPLETED without waiting on the deletes.
// Compare-and-set on COMPLETED (a final status), so running it twice, or late, is harmless.
import type pg from 'pg';

export async function discardSyncRows(pool: pg.Pool, syncJobId: number): Promise<void> {
  await pool.query(
    `WITH done AS (SELECT id FROM sync_jobs WHERE id = $1 AND status = 'COMPLETED'),
          staging AS (DELETE FROM sync_staging WHERE sync_job_id IN (SELECT id FROM done))
     DELETE FROM sync_payloads WHERE sync_job_id IN (SELECT id FROM done)`,
    [syncJobId],
  );
}
