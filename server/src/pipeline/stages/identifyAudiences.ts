// Stage 2: which customers must join the audience and which must leave it. A dry run ends here,
// with its counts and a sample of the diff, having sent nothing and changed no membership.
import type pg from 'pg';
import { identifyConversionAudiences } from '../conversions/identifyConversionAudiences.ts';
import { ADDS, REMOVES } from '../membershipDiff.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';

const SAMPLE_SIZE = 20;

export async function identifyAudiences(_ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage | null> {
  if (job.sync_type === 'OFFLINE_CONVERSION') {
    await identifyConversionAudiences(job, tx);
    return 'WRITE_STAGING';
  }
  const { rows } = await tx.query<{ adds: number; removes: number }>(
    `SELECT (SELECT count(*) FROM sync_payloads p WHERE ${ADDS})::int AS adds,
            (SELECT count(*) FROM sync_payloads p WHERE ${REMOVES})::int AS removes`,
    [job.id, job.audience_id],
  );
  const { adds, removes } = rows[0]!;
  await tx.query('UPDATE sync_jobs SET records_total = $2 WHERE id = $1', [job.id, adds + removes]);
  if (!job.dry_run) return 'WRITE_STAGING';

  const sample = async (predicate: string) =>
    (
      await tx.query<{ external_id: string }>(
        `SELECT c.external_id FROM sync_payloads p JOIN customers c ON c.id = p.customer_id
          WHERE ${predicate} ORDER BY p.customer_id LIMIT ${SAMPLE_SIZE}`,
        [job.id, job.audience_id],
      )
    ).rows.map((r) => r.external_id);
  const dryRunSample = { adds: await sample(ADDS), removes: await sample(REMOVES), addCount: adds, removeCount: removes };
  await tx.query(
    `UPDATE sync_jobs SET status = 'COMPLETED', ended_at = now(), dry_run_sample = $2,
            records_added = $3, records_removed = $4 WHERE id = $1`,
    [job.id, JSON.stringify(dryRunSample), adds, removes],
  );
  await tx.query('DELETE FROM sync_payloads WHERE sync_job_id = $1', [job.id]);
  return null;
}
