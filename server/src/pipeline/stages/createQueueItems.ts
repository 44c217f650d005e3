// Stage 4: queue items sized by the destination's batch size. Item `seq` of an operation covers
// staging rows seq*size+1 .. (seq+1)*size, so no row is updated to point at its item.
import type pg from 'pg';
import { loadDestination } from '../../delivery/loadDestination.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';

export async function createQueueItems(ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage> {
  const { batchSize } = await loadDestination(tx, ctx.cipher, job.destination_id);
  await tx.query("DELETE FROM queue_items WHERE sync_job_id = $1 AND status = 'PENDING'", [job.id]);
  if (job.sync_type === 'OFFLINE_CONVERSION') {
    await tx.query(
      `INSERT INTO queue_items (sync_job_id, operation, seq, record_count, row_from)
       SELECT $1, 'CONVERSION', (row_number - 1) / $2, count(*), min(row_number) FROM conversion_deliveries
        WHERE sync_job_id = $1 GROUP BY 3 ORDER BY 3`,
      [job.id, batchSize],
    );
    // conversions are few per job: each delivery row learns its item, for per-event statuses
    await tx.query(
      `UPDATE conversion_deliveries d SET queue_item_id = q.id FROM queue_items q
        WHERE d.sync_job_id = $1 AND q.sync_job_id = $1 AND q.seq = (d.row_number - 1) / $2`,
      [job.id, batchSize],
    );
  } else {
    await tx.query(
      `INSERT INTO queue_items (sync_job_id, operation, seq, record_count, row_from)
       SELECT $1, operation, (row_number - 1) / $2, count(*), min(row_number) FROM sync_staging
        WHERE sync_job_id = $1 GROUP BY 2, 3 ORDER BY 2 DESC, 3`,
      [job.id, batchSize],
    );
  }
  return 'UPDATE_AUDIENCES';
}
