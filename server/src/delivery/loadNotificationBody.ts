// The JSON body of a NOTIFICATION queue item (written with the item by server/src/alerts).
import type pg from 'pg';

export async function loadNotificationBody(db: pg.Pool, queueItemId: number): Promise<object> {
  const { rows } = await db.query<{ body: object }>('SELECT body FROM notifications WHERE queue_item_id = $1', [queueItemId]);
  if (!rows[0]) throw new Error(`notification of queue item ${queueItemId} not found`);
  return rows[0].body;
}
