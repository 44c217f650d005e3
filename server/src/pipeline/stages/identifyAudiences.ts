// Stage 2: which customers must join the audience and which must leave it (stage 1 marked them in the
// payload). A dry run ends here, with its counts and a sample of the diff, having sent nothing and
// changed no membership.
import type pg from 'pg';
import { identifyConversionAudiences } from '../conversions/identifyConversionAudiences.ts';
import { inOperation } from '../membershipDiff.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';

const SAMPLE_SIZE = 20;

export async function identifyAudiences(_ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage | null> {
  if (job.sync_type === 'OFFLINE_CONVERSION') {
    await identifyConversionAudiences(job, tx);
    return 'WRITE_STAGING';
  }
  if (!job.dry_run) return 'WRITE_STAGING'; // stage 1 counted the diff (records_total)

  const sample = async (operation: 'ADD' | 'REMOVE') =>
    (
      await tx.query<{ external_id: string }>(
        `SELECT p.external_id FROM sync_payloads p WHERE p.sync_job_id = $1 AND ${inOperation(operation)}
          ORDER BY p.customer_id LIMIT ${SAMPLE_SIZE}`,
        [job.id],
      )
    ).rows.map((r) => r.external_id);
  const { rows } = await tx.query<{ adds: number; removes: number }>(
    'SELECT count(add_row)::int AS adds, count(remove_row)::int AS removes FROM sync_payloads WHERE sync_job_id = $1',
    [job.id],
  );
  const { adds, removes } = rows[0]!;
  const dryRunSample = { adds: await sample('ADD'), removes: await sample('REMOVE'), addCount: adds, removeCount: removes };
  await tx.query(
    `UPDATE sync_jobs SET status = 'COMPLETED', ended_at = now(), dry_run_sample = $2,
            records_added = $3, records_removed = $4 WHERE id = $1`,
    [job.id, JSON.stringify(dryRunSample), adds, removes],
  );
  await tx.query('DELETE FROM sync_payloads WHERE sync_job_id = $1', [job.id]);
  return null;
}
