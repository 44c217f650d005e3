// Stage 4: queue items sized by the destination's batch size: for a conversion job over its delivery
// rows, for a membership job as stage 1 planned them (queueItemPlan.ts). Item `seq` of an operation
// covers its rows seq*size+1 .. (seq+1)*size, so no row is updated to point at its item.
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
  } else if (job.queue_item_plan) {
    await tx.query(
      `INSERT INTO queue_items (sync_job_id, operation, seq, record_count, row_from, first_customer_id, last_customer_id)
       SELECT $1, i.operation, i.seq, i."recordCount", i."rowFrom", i."firstCustomerId", i."lastCustomerId"
         FROM jsonb_to_recordset($2::jsonb)
              AS i(operation "QueueOperation", seq int, "recordCount" int, "rowFrom" int, "firstCustomerId" int, "lastCustomerId" int)
        ORDER BY i.operation DESC, i.seq`,
      [job.id, JSON.stringify(job.queue_item_plan)],
    );
    // the items hold it now; the job row stays small for the lists that read it
    await tx.query('UPDATE sync_jobs SET queue_item_plan = NULL WHERE id = $1', [job.id]);
  } else {
    // a job whose stage 1 ran before plans existed (see the diff_in_payload migration): cut by a pass
    // over its numbered rows
    await tx.query(
      `INSERT INTO queue_items (sync_job_id, operation, seq, record_count, row_from, first_customer_id, last_customer_id)
       SELECT $1, v.operation::"QueueOperation", (v.row_number - 1) / $2, count(*), min(v.row_number), min(p.customer_id), max(p.customer_id)
         FROM sync_payloads p
        CROSS JOIN LATERAL (VALUES ('ADD', p.add_row), ('REMOVE', p.remove_row)) AS v(operation, row_number)
        WHERE p.sync_job_id = $1 AND v.row_number IS NOT NULL
        GROUP BY 2, 3 ORDER BY 2 DESC, 3`,
      [job.id, batchSize],
    );
  }
  return 'UPDATE_AUDIENCES';
}
