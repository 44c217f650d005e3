// Takes a queue item for sending (compare-and-set): a PENDING item, a RESENDING one the retry
// schedule released, or one whose worker died (its lease ran out). `attempts` after the claim is
// the claim's token: only the holder can settle the item.
import type pg from 'pg';

export interface ClaimedItem {
  id: number;
  sync_job_id: number;
  operation: 'ADD' | 'REMOVE' | 'CONVERSION';
  status: 'SENDING' | 'RESENDING';
  row_from: number;
  record_count: number;
  attempts: number;
  destination_id: number;
  audience_id: number | null;
  sync_type: string;
}

export async function claimQueueItem(db: pg.Pool, queueItemId: number, leaseSeconds: number): Promise<ClaimedItem | null> {
  const { rows } = await db.query<ClaimedItem>(
    `UPDATE queue_items q
        SET status = CASE WHEN q.status = 'PENDING' THEN 'SENDING' ELSE q.status END,
            attempts = q.attempts + 1, last_attempt_at = now(), next_attempt_at = NULL,
            lease_until = now() + make_interval(secs => $2), updated_at = now()
       FROM sync_jobs j
      WHERE q.id = $1 AND j.id = q.sync_job_id AND j.status IN ('RUNNING', 'FAILED', 'AWAITING_RESPONSE')
        AND (q.status = 'PENDING' OR (q.status IN ('SENDING', 'RESENDING') AND (q.lease_until IS NULL OR q.lease_until < now())))
      RETURNING q.id, q.sync_job_id, q.operation, q.status, q.row_from, q.record_count, q.attempts,
                j.destination_id, j.audience_id, j.sync_type`,
    [queueItemId, leaseSeconds],
  );
  return rows[0] ?? null;
}

/** Keeps the claim alive while a long send runs. */
export async function extendLease(db: pg.Pool, item: ClaimedItem, leaseSeconds: number): Promise<void> {
  await db.query(
    `UPDATE queue_items SET lease_until = now() + make_interval(secs => $3)
      WHERE id = $1 AND attempts = $2 AND status IN ('SENDING', 'RESENDING')`,
    [item.id, item.attempts, leaseSeconds],
  );
}
