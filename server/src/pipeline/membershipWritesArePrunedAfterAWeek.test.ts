// membership_writes decides whether a re-sync may start from a run at most 6 days old
// (diffBase.ts): the hourly prune deletes the records older than 7 days, all of them (more than
// one batch), and keeps the rest.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { pruneMembershipWrites } from './pruneMembershipWrites.ts';

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

it('deletes the records older than 7 days, and only those', async () => {
  const insert = (count: number, ageDays: number) =>
    pool.query(
      `INSERT INTO membership_writes (audience_id, sync_job_id, written_at)
       SELECT 1, 1, now() - make_interval(days => $2) - make_interval(secs => g) FROM generate_series(1, $1) g`,
      [count, ageDays],
    );
  await insert(12_000, 7); // past the week, more than two batches
  await insert(50, 6); // a base of 6 days may still need these
  expect(await pruneMembershipWrites(pool), 'every record older than 7 days was deleted').toBe(12_000);
  const { rows } = await pool.query<{ n: number; oldest: number }>(
    'SELECT count(*)::int AS n, max(extract(epoch FROM now() - written_at) / 86400)::float AS oldest FROM membership_writes',
  );
  expect(rows[0]!.n, 'the recent records are kept').toBe(50);
  expect(rows[0]!.oldest, 'none left is older than 7 days').toBeLessThan(7);
});
