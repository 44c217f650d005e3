// The Retry action: a failed job, when the retry rule allows it, runs again from its audience stage
// and resends only its failed (or waiting) queue items; items that were delivered stay delivered, and
// items a newer job of the scope has superseded are withdrawn rather than sent over the newer state.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Prisma } from '../db/connectDatabase.ts';
import { withTransaction } from '../db/withTransaction.ts';
import { inTransaction, QUEUES } from '../queue/queues.ts';
import { refreshConversionStatuses } from './conversions/refreshConversionStatuses.ts';
import { retryRefusal } from './retryRule.ts';
import { supersededItem } from './supersededItem.ts';

export class RetryRefused extends Error {}

export async function retrySyncJob(deps: { pool: pg.Pool; boss: PgBoss; prisma: Prisma }, syncJobId: number): Promise<void> {
  const job = await deps.prisma.syncJob.findUnique({ where: { id: syncJobId } });
  if (!job) throw new RetryRefused('not found');
  const refusal = await retryRefusal(deps.prisma, job);
  if (refusal) throw new RetryRefused(refusal);
  await withTransaction(deps.pool, async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE sync_jobs SET status = 'RUNNING', stage = 'UPDATE_AUDIENCES', error = NULL, failure_layer = NULL,
              ended_at = NULL, records_failed = 0, updated_at = now()
        WHERE id = $1 AND status = 'FAILED' AND failure_layer = 'SYNC'`,
      [syncJobId],
    );
    if (!rowCount) throw new RetryRefused('the job changed meanwhile; it is no longer a failed job');
    // as on the automatic schedule, membership items a newer job of the scope covers are withdrawn
    const { rows } = await tx.query<{ id: number }>(
      `UPDATE queue_items q SET
          status = CASE WHEN ${supersededItem('q', 'j')} THEN 'WITHDRAWN' ELSE 'PENDING' END::"DeliveryStatus",
          next_attempt_at = NULL, lease_until = NULL, updated_at = now()
         FROM sync_jobs j
        WHERE j.id = q.sync_job_id AND q.sync_job_id = $1 AND q.status IN ('FAILED', 'WAITING_FOR_RETRY') RETURNING q.id`,
      [syncJobId],
    );
    if (job.syncType === 'OFFLINE_CONVERSION')
      await refreshConversionStatuses(
        tx,
        rows.map((r) => r.id),
      );
    await deps.boss.send(QUEUES.stage, { syncJobId, stage: 'UPDATE_AUDIENCES' }, inTransaction(tx));
  });
}
