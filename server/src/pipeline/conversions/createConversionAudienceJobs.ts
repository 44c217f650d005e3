// Each offline conversion job makes CONVERSION_AUDIENCE children that add its converting customers
// to the audience of their conversion ("Converted: Purchase") in the same destination.
import type pg from 'pg';
import { createSyncJobs } from '../createSyncJobs.ts';
import type { PipelineContext, SyncJobRow } from '../pipelineContext.ts';

export async function createConversionAudienceJobs(ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient) {
  const { rowCount } = await tx.query('SELECT 1 FROM sync_jobs WHERE parent_id = $1 LIMIT 1', [job.id]);
  if (rowCount) return; // made already by an earlier run of this stage
  const { rows } = await tx.query<{ conversion_name: string; external_ids: string[] }>(
    `SELECT e.conversion_name, array_agg(DISTINCT e.customer_external_id) AS external_ids
       FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.conversion_event_id
      WHERE d.sync_job_id = $1 AND e.customer_id IS NOT NULL
      GROUP BY e.conversion_name ORDER BY 1`,
    [job.id],
  );
  await createSyncJobs(
    ctx.boss,
    tx,
    rows.map((r) => ({
      destinationId: job.destination_id,
      syncType: 'CONVERSION_AUDIENCE',
      triggeredBy: null,
      parentId: job.id,
      customerExternalIds: r.external_ids,
      scopeKey: `conversion-audience:${r.conversion_name}@${job.destination_id}`,
      fullDiff: false,
      audience: { scopeKey: `conversion:${r.conversion_name}`, name: `Converted: ${r.conversion_name}` },
    })),
  );
}
