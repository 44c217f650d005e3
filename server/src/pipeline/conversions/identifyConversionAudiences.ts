// Stage 2 of an offline conversion job: nothing to diff, only the count of events it carries.
import type pg from 'pg';
import type { SyncJobRow } from '../pipelineContext.ts';

export async function identifyConversionAudiences(job: SyncJobRow, tx: pg.PoolClient) {
  await tx.query('UPDATE sync_jobs SET records_total = (SELECT count(*) FROM conversion_deliveries WHERE sync_job_id = $1) WHERE id = $1', [
    job.id,
  ]);
}
