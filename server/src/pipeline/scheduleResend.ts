// Items left WAITING_FOR_RETRY are resent at their next_attempt_at (last attempt plus
// PAIDSYNC_RETRY_INTERVAL_SECONDS). The resend sweep is queued for that moment in the same transaction,
// so it runs on time even if this worker dies; the every-minute sweep is only the backstop.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { inTransaction, QUEUES } from '../queue/queues.ts';

/** `waiting`: the next_attempt_at of each item just left waiting (RETURNING next_attempt_at). */
export async function scheduleResend(boss: PgBoss, tx: pg.PoolClient, waiting: Array<{ next_attempt_at: Date }>): Promise<void> {
  if (waiting.length === 0) return;
  const first = Math.min(...waiting.map((item) => item.next_attempt_at.getTime()));
  await boss.send(QUEUES.resendDue, {}, { ...inTransaction(tx), startAfter: new Date(first) });
}
