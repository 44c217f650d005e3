// Takes a queue item for sending (compare-and-set): a PENDING item, a RESENDING one the retry
// schedule released, or one whose worker died (its lease ran out). `attempts` after the claim is
// the claim's token: only the holder can settle the item.
//
// A claim is also one of the destination's `concurrency` slots: an item held under a live lease is a
// request in flight. Claims of one destination queue on its row lock, and the in-flight count is read
// once the lock is held, so two workers claiming at the same moment cannot both take the last slot
// (pg-boss's group limit, counted at fetch time, let a burst of fetches through together). A dead
// worker's slot frees itself when its lease runs out.
import type pg from 'pg';
import { withTransaction } from '../db/withTransaction.ts';
import { adapterFor } from '../destinations/adapters.ts';
import type { DestinationType } from '../generated/prisma/enums.ts';
import { concurrencyOf } from './loadDestination.ts';

export interface ClaimedItem {
  id: number;
  sync_job_id: number;
  operation: 'ADD' | 'REMOVE' | 'CONVERSION' | 'NOTIFICATION';
  status: 'SENDING' | 'RESENDING';
  row_from: number;
  record_count: number;
  /** a membership item's rows lie in this customer range (null for conversions and notifications) */
  first_customer_id: number | null;
  last_customer_id: number | null;
  attempts: number;
  destination_id: number;
  audience_id: number | null;
  sync_type: string;
}

/** The claimed item; null when there is nothing to claim; 'busy' when the destination has as many
 * requests in flight as its concurrency allows (try again shortly). */
export async function claimQueueItem(pool: pg.Pool, queueItemId: number, leaseSeconds: number): Promise<ClaimedItem | null | 'busy'> {
  return withTransaction(pool, async (tx) => {
    const { rows: destinations } = await tx.query<{ id: number; type: DestinationType; settings: Record<string, any> }>(
      `SELECT d.id, d.type, d.settings FROM queue_items q JOIN sync_jobs j ON j.id = q.sync_job_id JOIN destinations d ON d.id = j.destination_id
        WHERE q.id = $1 FOR NO KEY UPDATE OF d`,
      [queueItemId],
    );
    const destination = destinations[0];
    if (!destination) return null;
    const { rows: inFlight } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM queue_items q JOIN sync_jobs j ON j.id = q.sync_job_id
        WHERE q.status IN ('SENDING', 'RESENDING') AND q.lease_until > now() AND j.destination_id = $1`,
      [destination.id],
    );
    if (inFlight[0]!.n >= concurrencyOf(destination.settings, adapterFor(destination.type))) return 'busy';
    return claim(tx, queueItemId, leaseSeconds);
  });
}

async function claim(db: pg.PoolClient, queueItemId: number, leaseSeconds: number): Promise<ClaimedItem | null> {
  const { rows } = await db.query<ClaimedItem>(
    `UPDATE queue_items q
        SET status = CASE WHEN q.status = 'PENDING' THEN 'SENDING' ELSE q.status END,
            attempts = q.attempts + 1, last_attempt_at = now(), next_attempt_at = NULL,
            lease_until = now() + make_interval(secs => $2), updated_at = now()
       FROM sync_jobs j
      WHERE q.id = $1 AND j.id = q.sync_job_id AND j.status IN ('RUNNING', 'FAILED', 'AWAITING_RESPONSE')
        AND (q.status = 'PENDING' OR (q.status IN ('SENDING', 'RESENDING') AND (q.lease_until IS NULL OR q.lease_until < now())))
      RETURNING q.id, q.sync_job_id, q.operation, q.status, q.row_from, q.record_count, q.first_customer_id, q.last_customer_id, q.attempts,
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
