// Whether a full-diff run may read only the customers changed since an earlier run of its scope (its
// base) instead of joining every customer with every membership, and which run that is.
//
// A customer's part in the diff follows from its own row, its membership and the scope. When
//   1. the scope reads nothing but the customer's row (scopePredicate's ownRowOnly) and is the very
//      scope the base read (same SQL, same parameters: `diff_scope`),
//   2. the base completed whole: not a dry run, every item SUCCEEDED, no record rejected (its diff,
//      computed in its snapshot, is exactly what the memberships now say),
//   3. nothing but the base wrote the audience's memberships since the base's snapshot (membership
//      writes not visible in that snapshot are all the base's own), and
//   4. the base's completion is visible in this run's snapshot (it is read in it),
// then a customer whose row is unchanged since the base's snapshot is in scope as it was and has the
// membership the base gave it: its part in the diff is "nothing", and PostgreSQL need not read it.
// The base may itself have read only changes: by induction back to a run that read everyone.
// A change committed after this run's snapshot is not visible in it, so the next run, whose base is
// this one, reads it.
//
// membership_writes keeps 7 days (pruneMembershipWrites.ts) and a base older than 6 days is not used:
// that day between assumes no membership-writing transaction lasts a day.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SyncJobRow } from './pipelineContext.ts';

export const DIFF_BASE_MAX_AGE_DAYS = 6;

export interface DiffBase {
  syncJobId: number;
  /** its stage-1 snapshot, txid_snapshot text (`xmin:xmax:xip,…`) */
  snapshot: string;
  /** customers written since it (an upper bound: those it can see but at or above its xmin count too) */
  changedCustomers: number;
}

/** The run's scope as a digest, stored on the job: the next run of the same scope compares it. */
export function diffScopeDigest(job: SyncJobRow, scopeSql: string, scopeParams: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([job.sync_type, scopeSql, scopeParams]))
    .digest('base64');
}

/** Read in the run's own snapshot (REPEATABLE READ, the one its COPY reads in). */
export async function findDiffBase(db: pg.PoolClient, job: SyncJobRow, scopeDigest: string): Promise<DiffBase | null> {
  if (job.audience_id === null) return null;
  const { rows } = await db.query<{ id: number; diff_snapshot: string; changed_customers: number }>(
    `SELECT b.id, b.diff_snapshot,
            (SELECT count(*)::int FROM customers c WHERE c.changed_xid >= pg_snapshot_xmin(b.diff_snapshot::pg_snapshot)) AS changed_customers
       FROM sync_jobs b
      WHERE b.audience_id = $1 AND b.id <> $2 AND b.diff_scope = $3
        AND b.diff_snapshot_at > now() - make_interval(days => $4)
        AND b.status = 'COMPLETED' AND NOT b.dry_run AND b.records_rejected = 0 AND b.records_failed = 0
        AND NOT EXISTS (SELECT 1 FROM queue_items q WHERE q.sync_job_id = b.id AND q.status <> 'SUCCEEDED')
        AND NOT EXISTS (
          SELECT 1 FROM membership_writes w
           WHERE (w.audience_id = b.audience_id OR w.audience_id IS NULL)
             AND w.xid >= pg_snapshot_xmin(b.diff_snapshot::pg_snapshot)
             AND w.sync_job_id IS DISTINCT FROM b.id
             AND NOT pg_visible_in_snapshot(w.xid, b.diff_snapshot::pg_snapshot))
      ORDER BY b.diff_snapshot_at DESC, b.id DESC
      LIMIT 1`,
    [job.audience_id, job.id, scopeDigest, DIFF_BASE_MAX_AGE_DAYS],
  );
  const base = rows[0];
  return base ? { syncJobId: base.id, snapshot: base.diff_snapshot, changedCustomers: base.changed_customers } : null;
}

/** SQL over `customers c` (parameters appended): the rows written since `snapshot`, which it cannot
 * see. pg_snapshot_xmin of a literal is folded to a constant when planned, so the index serves the range. */
export function changedSince(snapshot: string, params: unknown[]): string {
  params.push(snapshot);
  const at = `$${params.length}::pg_snapshot`;
  return `(c.changed_xid >= pg_snapshot_xmin(${at}) AND NOT pg_visible_in_snapshot(c.changed_xid, ${at}))`;
}
