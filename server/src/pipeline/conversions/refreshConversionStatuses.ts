// A conversion event's status is the state of its deliveries (one per conversion destination):
// in flight while any is, waiting while any waits, REJECTED / FAILED when a network refused it,
// SUCCEEDED when every destination accepted it. Recomputed for the events of the given items.
//
// Called inside the transaction that changed the items. The events are locked first (in id order, so
// two callers cannot deadlock) and their deliveries read by the next statement, whose snapshot is
// taken once the locks are held: of two networks settling one event at once, the later sees the
// other's outcome, where in one snapshot each saw the other SENDING and the event stayed SENDING.
import type pg from 'pg';

export async function refreshConversionStatuses(tx: pg.PoolClient, queueItemIds: number[]) {
  await tx.query(
    `SELECT 1 FROM conversion_events
      WHERE id IN (SELECT conversion_event_id FROM conversion_deliveries WHERE queue_item_id = ANY ($1::int[]))
      ORDER BY id FOR NO KEY UPDATE`,
    [queueItemIds],
  );
  await tx.query(
    `UPDATE conversion_events e SET
        status = x.status::"DeliveryStatus", attempts = x.attempts, last_attempt_at = x.last_attempt_at,
        next_attempt_at = x.next_attempt_at, last_error = x.last_error
       FROM (
         SELECT d.conversion_event_id,
                CASE WHEN bool_or(q.status = 'RESENDING') THEN 'RESENDING'
                     WHEN bool_or(q.status = 'SENDING') THEN 'SENDING'
                     WHEN bool_or(q.status = 'WAITING_FOR_RETRY') THEN 'WAITING_FOR_RETRY'
                     WHEN bool_or(q.status IS NULL OR q.status = 'PENDING') THEN 'PENDING'
                     WHEN bool_or(d.accepted = false) THEN 'REJECTED'
                     WHEN bool_or(q.status = 'FAILED') THEN 'FAILED'
                     WHEN bool_and(q.status = 'WITHDRAWN') THEN 'WITHDRAWN'
                     ELSE 'SUCCEEDED' END AS status,
                COALESCE(max(q.attempts), 0) AS attempts,
                max(q.last_attempt_at) AS last_attempt_at,
                min(q.next_attempt_at) AS next_attempt_at,
                COALESCE(max(d.reason), max(q.last_error) FILTER (WHERE q.status IN ('FAILED', 'WAITING_FOR_RETRY'))) AS last_error
           FROM conversion_deliveries d
           LEFT JOIN queue_items q ON q.id = d.queue_item_id
          WHERE d.conversion_event_id IN (SELECT conversion_event_id FROM conversion_deliveries WHERE queue_item_id = ANY ($1::int[]))
          GROUP BY d.conversion_event_id) x
      WHERE e.id = x.conversion_event_id`,
    [queueItemIds],
  );
}
