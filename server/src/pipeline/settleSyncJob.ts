// Once none of a job's queue items is still in flight, the job's status follows from them:
// COMPLETED when none failed (rejected records are counted, not failures), FAILED in the sync layer
// when any failed or waits for the retry schedule. A job whose items wait says when the automatic
// resend comes (next_retry_at) and has no end yet; its end is when it reaches a final status (a
// failed job whose items later succeed on their resend becomes COMPLETED, ending then).
// Compare-and-set: a withdrawn job is left alone.
//
// Called inside the transaction that changed an item. The job row is locked first, and the items are
// read by the next statement: its snapshot is taken once the lock is held, so of two items settling
// at once the later sees the other's outcome (read in the same snapshot, each saw the other still
// SENDING and the job never ended).
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { inTransaction, QUEUES } from '../queue/queues.ts';

export async function settleSyncJob(boss: PgBoss, tx: pg.PoolClient, syncJobId: number): Promise<void> {
  await tx.query('SELECT 1 FROM sync_jobs WHERE id = $1 FOR NO KEY UPDATE', [syncJobId]);
  const { rows } = await tx.query<{ status: string; sync_type: string }>(
    `WITH s AS (
       SELECT count(*) FILTER (WHERE status IN ('PENDING', 'SENDING', 'RESENDING')) AS active,
              count(*) FILTER (WHERE status IN ('FAILED', 'WAITING_FOR_RETRY')) AS failed,
              count(*) FILTER (WHERE status = 'WAITING_FOR_RETRY') AS waiting,
              COALESCE(sum(record_count) FILTER (WHERE status IN ('FAILED', 'WAITING_FOR_RETRY')), 0) AS failed_records,
              (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE status IN ('FAILED', 'WAITING_FOR_RETRY')))[1] AS last_error,
              min(next_attempt_at) FILTER (WHERE status = 'WAITING_FOR_RETRY') AS next_retry,
              CASE WHEN count(*) FILTER (WHERE status IN ('FAILED', 'WAITING_FOR_RETRY')) > 0 THEN 'FAILED' ELSE 'COMPLETED' END::"SyncJobStatus" AS status
         FROM queue_items WHERE sync_job_id = $1)
     UPDATE sync_jobs j SET
       status = s.status,
       next_retry_at = s.next_retry,
       failure_layer = CASE WHEN s.failed > 0 THEN 'SYNC'::"FailureLayer" END,
       error = CASE
         WHEN s.failed = 0 THEN NULL
         WHEN j.status = 'FAILED' AND j.error IS NOT NULL THEN j.error
         WHEN s.waiting > 0 THEN 'destination unavailable: ' || s.waiting || ' queue item(s) wait for the automatic retry; last error: ' || COALESCE(s.last_error, 'unknown')
         ELSE COALESCE(s.last_error, 'delivery failed') END,
       records_failed = s.failed_records,
       ended_at = CASE WHEN s.waiting > 0 THEN NULL WHEN j.status = s.status AND j.ended_at IS NOT NULL THEN j.ended_at ELSE now() END,
       updated_at = now()
     FROM s
     WHERE j.id = $1 AND s.active = 0 AND j.stage = 'SYNC_MEMBERS'
       AND j.status IN ('RUNNING', 'FAILED', 'AWAITING_RESPONSE')
       AND (j.status <> 'FAILED' OR s.failed = 0 OR j.records_failed <> s.failed_records OR j.next_retry_at IS DISTINCT FROM s.next_retry)
     RETURNING j.status, j.sync_type`,
    [syncJobId],
  );
  // an offline conversion job has no payload rows to discard (its deliveries are kept, for the statuses)
  if (rows[0]?.status === 'COMPLETED' && rows[0].sync_type !== 'OFFLINE_CONVERSION') {
    await boss.send(QUEUES.discardSyncRows, { syncJobId }, inTransaction(tx));
  }
}
