// ApiCall records are kept PAIDSYNC_API_CALL_RETENTION_DAYS days: the scheduled prune deletes the
// older ones, all of them (more than one batch), and keeps the rest.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { pruneApiCalls } from './pruneApiCalls.ts';

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

it('deletes the calls older than the retention, and only those', async () => {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings) VALUES ('kept', 'WEB', '{"url":"https://x.example.com"}') RETURNING id`,
  );
  const insert = (count: number, ageDays: number) =>
    pool.query(
      `INSERT INTO api_calls (destination_id, method, url, duration_ms, at)
       SELECT $1, 'POST', 'https://x.example.com', 1, now() - make_interval(days => $3) - make_interval(secs => g) FROM generate_series(1, $2) g`,
      [rows[0]!.id, count, ageDays],
    );
  await insert(12_000, 31); // past a 30-day retention, more than two batches
  await insert(50, 29); // within it
  const deleted = await pruneApiCalls(pool, 30);
  expect(deleted, 'every call older than 30 days was deleted').toBe(12_000);
  const { rows: left } = await pool.query<{ n: number; oldest: number }>(
    'SELECT count(*)::int AS n, max(extract(epoch FROM now() - at) / 86400)::float AS oldest FROM api_calls',
  );
  expect(left[0]!.n, 'the recent calls are kept').toBe(50);
  expect(left[0]!.oldest, 'none left is older than the retention').toBeLessThan(30);
});
