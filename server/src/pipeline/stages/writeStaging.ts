// Stage 3: the adds and removes written as numbered staging rows, one INSERT … SELECT each; members
// whose identifiers did not change learn the PII version they were hashed from. A staging row is
// only (operation, number, customer): the identifiers stay in the payload row it points at.
import type pg from 'pg';
import { ADDS, REMOVES, UNCHANGED } from '../membershipDiff.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';

export async function writeStaging(_ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage> {
  if (job.sync_type === 'OFFLINE_CONVERSION') return 'CREATE_QUEUE_ITEMS'; // its deliveries are its staging
  await tx.query('DELETE FROM sync_staging WHERE sync_job_id = $1', [job.id]);
  for (const [operation, predicate] of [
    ['REMOVE', REMOVES],
    ['ADD', ADDS],
  ] as const) {
    await tx.query(
      `INSERT INTO sync_staging (sync_job_id, operation, row_number, customer_id)
       SELECT $1, '${operation}', row_number() OVER (ORDER BY p.customer_id), p.customer_id
         FROM sync_payloads p WHERE ${predicate}`,
      [job.id, job.audience_id],
    );
  }
  // members whose PII changed but still hash to what the network has: nothing to send, yet their
  // membership learns the new version so the next run need not hash them again. Found from the
  // payload by key lookups and updated by key (nested loops only), so the audience's whole
  // membership is never scanned for a handful of rows (see membershipDiff.ts).
  await tx.query('SET LOCAL enable_hashjoin = off');
  await tx.query('SET LOCAL enable_mergejoin = off');
  await tx.query(
    `WITH unchanged AS MATERIALIZED (SELECT p.customer_id, p.pii_version FROM sync_payloads p WHERE ${UNCHANGED})
     UPDATE memberships m SET pii_version = u.pii_version
       FROM unchanged u WHERE m.audience_id = $2 AND m.customer_id = u.customer_id`,
    [job.id, job.audience_id],
  );
  await tx.query('RESET enable_hashjoin');
  await tx.query('RESET enable_mergejoin');
  return 'CREATE_QUEUE_ITEMS';
}
