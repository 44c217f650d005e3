// Which customers a job is about, as a predicate over `customers c` with its parameters. An add-only
// job is also about the records earlier jobs of its scope saw rejected and no job has had accepted
// since (DESIGN.md: rejected records are sent again on the next run of the same scope); a full-diff
// job needs no such help: a rejected customer it keeps has no membership, so its diff adds it.
//
// `ownRowOnly` says the predicate reads nothing but the customer's own row (a segment's criteria: no
// other table, no clock), so a customer whose row did not change is in scope exactly as before
// (what diffBase.ts relies on).
import type pg from 'pg';
import { segmentPredicate } from '../segments/segmentMembers.ts';
import type { SyncJobRow } from './pipelineContext.ts';
import { PreparationError } from '../delivery/preparationError.ts';

export interface Scope {
  sql: string;
  ownRowOnly: boolean;
}

export async function scopePredicate(db: pg.PoolClient | pg.Pool, job: SyncJobRow, params: unknown[]): Promise<Scope> {
  const own = await ownScope(db, job, params);
  if (job.full_diff) return own;
  params.push(job.scope_key, job.id);
  return {
    sql: `(${own.sql} OR c.external_id IN (
    SELECT r.primary_key FROM sync_jobs rj JOIN rejected_records r ON r.sync_job_id = rj.id
     WHERE rj.scope_key = $${params.length - 1} AND rj.id < $${params.length} AND r.resolved_at IS NULL))`,
    ownRowOnly: false,
  };
}

async function ownScope(db: pg.PoolClient | pg.Pool, job: SyncJobRow, params: unknown[]): Promise<Scope> {
  if (job.sync_type === 'PII_UPDATE') {
    params.push(job.audience_id);
    return {
      sql: `EXISTS (SELECT 1 FROM memberships m WHERE m.audience_id = $${params.length} AND m.customer_id = c.id AND c.pii_updated_at > m.confirmed_at)`,
      ownRowOnly: false,
    };
  }
  if (job.segment_id !== null) {
    const { rows } = await db.query<{ id: number; criteria: unknown }>('SELECT id, criteria FROM segments WHERE id = $1', [job.segment_id]);
    if (!rows[0]) throw new PreparationError('the segment no longer exists');
    // a static segment's list is another table
    return { sql: segmentPredicate(rows[0], params), ownRowOnly: rows[0].criteria != null };
  }
  params.push(job.customer_external_ids);
  return { sql: `c.external_id = ANY ($${params.length}::text[])`, ownRowOnly: true };
}
