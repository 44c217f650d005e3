// A completed job no longer needs the payload rows no membership points at: a million-member sync
// leaves a million. They are deleted by a queue job sent when the job completes, not in the
// transaction that completes it, so the job shows COMPLETED without waiting.
//
// A payload row a membership points at (memberships.sent_job_id) holds the identifiers the network
// last accepted for that customer, so it stays until a later job replaces or removes the membership:
// the customers that later job added or removed are the only ones whose older rows can have been freed.
//
// A completed full-diff job also takes the rows of the older failed or withdrawn jobs of its
// audience once none of their items is in flight: it covers their membership items
// (supersededItem.ts), so even a Retry never sends from them. An add-only job covers nobody else's
// customers, so the rows of older jobs whose items can still be sent are kept.
// Compare-and-set on final statuses, so running it twice, or late, is harmless.
import type pg from 'pg';

export async function discardSyncRows(pool: pg.Pool, syncJobId: number): Promise<void> {
  const unreferenced = `NOT EXISTS (SELECT 1 FROM memberships m
                                     WHERE m.audience_id = j.audience_id AND m.customer_id = p.customer_id AND m.sent_job_id = p.sync_job_id)`;
  await pool.query(
    `WITH j AS (SELECT id, audience_id FROM sync_jobs WHERE id = $1 AND status = 'COMPLETED'),
     superseded AS (
       SELECT old.id FROM sync_jobs old JOIN sync_jobs j ON old.audience_id = j.audience_id
        WHERE j.id = $1 AND j.status = 'COMPLETED' AND j.full_diff AND NOT j.dry_run
          AND old.id < j.id AND old.status IN ('FAILED', 'WITHDRAWN')
          AND NOT EXISTS (SELECT 1 FROM queue_items q
                           WHERE q.sync_job_id = old.id AND q.status IN ('PENDING', 'SENDING', 'RESENDING'))),
     own AS (DELETE FROM sync_payloads p USING j WHERE p.sync_job_id = j.id AND ${unreferenced}),
     swept AS (DELETE FROM sync_payloads p USING j WHERE p.sync_job_id IN (SELECT id FROM superseded) AND ${unreferenced}),
     changed AS MATERIALIZED (
       SELECT p.customer_id FROM sync_payloads p JOIN j ON p.sync_job_id = j.id
        WHERE p.add_row IS NOT NULL OR p.remove_row IS NOT NULL)
     DELETE FROM sync_payloads p USING j, changed c, sync_jobs old
      WHERE old.audience_id = j.audience_id AND old.id < j.id AND old.status = 'COMPLETED'
        AND p.sync_job_id = old.id AND p.customer_id = c.customer_id AND ${unreferenced}`,
    [syncJobId],
  );
}
