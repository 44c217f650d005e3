// Which customers a job is about, as a predicate over `customers c` with its parameters.
import type pg from 'pg';
import { segmentPredicate } from '../segments/segmentMembers.ts';
import { PreparationError, type SyncJobRow } from './pipelineContext.ts';

export async function scopePredicate(db: pg.PoolClient | pg.Pool, job: SyncJobRow, params: unknown[]): Promise<string> {
  if (job.sync_type === 'PII_UPDATE') {
    params.push(job.audience_id);
    return `EXISTS (SELECT 1 FROM memberships m WHERE m.audience_id = $${params.length} AND m.customer_id = c.id AND c.pii_updated_at > m.confirmed_at)`;
  }
  if (job.segment_id !== null) {
    const { rows } = await db.query<{ id: number; criteria: unknown }>('SELECT id, criteria FROM segments WHERE id = $1', [job.segment_id]);
    if (!rows[0]) throw new PreparationError('the segment no longer exists');
    return segmentPredicate(rows[0], params);
  }
  params.push(job.customer_external_ids);
  return `c.external_id = ANY ($${params.length}::text[])`;
}
