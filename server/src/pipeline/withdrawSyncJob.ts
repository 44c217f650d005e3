// Withdraws a job that has not finished: it becomes WITHDRAWN and its items that are not on their
// way stop (PENDING and WAITING_FOR_RETRY become WITHDRAWN). Items already being sent finish; what
// the network accepts is still recorded as membership.
import type pg from 'pg';
import { withTransaction } from '../db/withTransaction.ts';
import { refreshConversionStatuses } from './conversions/refreshConversionStatuses.ts';

/** The one rule for Withdraw: a job that has not finished, failed ones included (their items may
 * still wait for the automatic resend). `canWithdraw` and the mutation both ask here. */
export const WITHDRAWABLE_STATUSES = ['PENDING', 'RUNNING', 'AWAITING_RESPONSE', 'FAILED'] as const;

export function canWithdraw(status: string): boolean {
  return (WITHDRAWABLE_STATUSES as readonly string[]).includes(status);
}

export async function withdrawSyncJob(pool: pg.Pool, syncJobId: number): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ sync_type: string }>(
      `UPDATE sync_jobs SET status = 'WITHDRAWN', ended_at = now(), next_retry_at = NULL, updated_at = now()
        WHERE id = $1 AND status = ANY ($2::"SyncJobStatus"[])
        RETURNING sync_type`,
      [syncJobId, WITHDRAWABLE_STATUSES],
    );
    if (!rows[0]) return false;
    const { rows: items } = await tx.query<{ id: number }>(
      `UPDATE queue_items SET status = 'WITHDRAWN', next_attempt_at = NULL, updated_at = now()
        WHERE sync_job_id = $1 AND status IN ('PENDING', 'WAITING_FOR_RETRY', 'FAILED') RETURNING id`,
      [syncJobId],
    );
    if (rows[0].sync_type === 'OFFLINE_CONVERSION')
      await refreshConversionStatuses(
        tx,
        items.map((i) => i.id),
      );
    return true;
  });
}
