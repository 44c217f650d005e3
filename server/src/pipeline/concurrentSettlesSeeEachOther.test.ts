// Two queue items settling at the same moment, each in its own transaction: the one that finishes
// last must see the other's outcome. Read from each transaction's own snapshot, both saw the other
// still SENDING, and a conversion delivered to two networks (or a job of two items) stayed in
// flight for good.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { createLogger } from '../logger.ts';
import { startQueue, type Queue } from '../queue/startQueue.ts';
import { refreshConversionStatuses } from './conversions/refreshConversionStatuses.ts';
import { settleSyncJob } from './settleSyncJob.ts';

let database: TestDatabase;
let pool: pg.Pool;
let queue: Queue;
beforeAll(async () => {
  database = await createTestDatabase();
  queue = await startQueue({ url: database.url, logger: createLogger({ level: 'warn' }), worker: false });
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {});
  await pool.query(`INSERT INTO destinations (id, name, type, settings) VALUES
    (1, 'fb', 'FACEBOOK_ADS', '{}'), (2, 'google', 'GOOGLE_ADS', '{}'), (3, 'web', 'WEB', '{}')`);
});
afterAll(async () => {
  await queue?.stop();
  await pool?.end();
  await database?.drop();
});

async function insertJob(destinationId: number, syncType: string): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO sync_jobs (status, stage, destination_id, destination_type, sync_type, scope_key)
     SELECT 'RUNNING', 'SYNC_MEMBERS', id, type, $2, 'scope@' || id FROM destinations WHERE id = $1 RETURNING id`,
    [destinationId, syncType],
  );
  return rows[0]!.id;
}

async function insertSendingItem(syncJobId: number, operation: string): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO queue_items (sync_job_id, operation, status, record_count, attempts) VALUES ($1, $2, 'SENDING', 1, 1) RETURNING id`,
    [syncJobId, operation],
  );
  return rows[0]!.id;
}

/** Runs `settle` for both items in interleaved transactions: both change their item, then A
 * settles and B starts settling before A commits. */
async function settleTogether(items: [number, number], newStatus: string, settle: (tx: pg.PoolClient, item: number) => Promise<void>) {
  const [a, b] = [await pool.connect(), await pool.connect()];
  try {
    for (const [client, item] of [
      [a, items[0]],
      [b, items[1]],
    ] as const) {
      await client.query('BEGIN');
      await client.query(`UPDATE queue_items SET status = $2 WHERE id = $1`, [item, newStatus]);
    }
    await settle(a, items[0]);
    const settlingB = settle(b, items[1]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // B is now waiting on A, or has read too early
    await a.query('COMMIT');
    await settlingB;
    await b.query('COMMIT');
  } finally {
    a.release();
    b.release();
  }
}

it('marks a conversion SUCCEEDED when its two networks accept it at the same moment', async () => {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO conversion_events (event_id, conversion_name, occurred_at, status) VALUES ('both-at-once', 'Purchase', now(), 'SENDING') RETURNING id`,
  );
  const eventId = rows[0]!.id;
  const items: number[] = [];
  for (const destinationId of [1, 2]) {
    const job = await insertJob(destinationId, 'OFFLINE_CONVERSION');
    const item = await insertSendingItem(job, 'CONVERSION');
    await pool.query(
      `INSERT INTO conversion_deliveries (sync_job_id, conversion_event_id, destination_id, identifiers, row_number, queue_item_id, accepted)
       VALUES ($1, $2, $3, '{}', 1, $4, true)`,
      [job, eventId, destinationId, item],
    );
    items.push(item);
  }

  await settleTogether([items[0]!, items[1]!], 'SUCCEEDED', (tx, item) => refreshConversionStatuses(tx, [item]));

  const { rows: after } = await pool.query<{ status: string }>('SELECT status FROM conversion_events WHERE id = $1', [eventId]);
  expect(after[0]!.status, 'both deliveries succeeded, so the event did').toBe('SUCCEEDED');
});

it('ends a job when its last two items settle at the same moment', async () => {
  const job = await insertJob(3, 'SEGMENT');
  const items = [await insertSendingItem(job, 'ADD'), await insertSendingItem(job, 'ADD')] as [number, number];

  await settleTogether(items, 'FAILED', (tx) => settleSyncJob(queue.boss, tx, job));

  const { rows } = await pool.query<{ status: string; records_failed: number }>(
    'SELECT status, records_failed FROM sync_jobs WHERE id = $1',
    [job],
  );
  expect(rows[0], 'no item is in flight any more, so the job has its final status').toEqual({ status: 'FAILED', records_failed: 2 });
});
