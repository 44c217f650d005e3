// One webhook (an alert or a lifecycle event) as a one-item NOTIFICATION job to a WEB destination,
// written in the caller's transaction with its delivery queued: from here the delivery engine owns
// it — in-run retries, WAITING_FOR_RETRY and the 30-minute resend, the API inspector — as for any item.
import type pg from 'pg';
import type { PipelineContext } from '../pipeline/pipelineContext.ts';
import { enqueueDeliveries } from '../pipeline/stages/syncMembers.ts';

export async function createNotification(
  ctx: PipelineContext,
  tx: pg.PoolClient,
  notification: { ruleId: number; webhookDestinationId: number; triggeredBy: string; body: object },
): Promise<number | null> {
  const { rows } = await tx.query<{ queue_item_id: number }>(
    `WITH j AS (
       INSERT INTO sync_jobs (status, stage, destination_id, destination_type, sync_type, triggered_by, scope_key, full_diff, started_at, records_total)
       SELECT 'RUNNING', 'SYNC_MEMBERS', d.id, d.type, 'NOTIFICATION', $2, 'notification:' || $3::int, false, now(), 1
         FROM destinations d WHERE d.id = $1 AND d.type = 'WEB'
       RETURNING id),
     q AS (INSERT INTO queue_items (sync_job_id, operation, record_count) SELECT id, 'NOTIFICATION', 1 FROM j RETURNING id)
     INSERT INTO notifications (queue_item_id, rule_id, body) SELECT id, $3::int, $4::jsonb FROM q RETURNING queue_item_id`,
    [notification.webhookDestinationId, notification.triggeredBy.slice(0, 200), notification.ruleId, JSON.stringify(notification.body)],
  );
  const itemId = rows[0]?.queue_item_id;
  if (itemId === undefined) return null; // its receiver is gone or no longer a webhook
  await enqueueDeliveries(ctx, tx, notification.webhookDestinationId, [itemId]);
  return itemId;
}
