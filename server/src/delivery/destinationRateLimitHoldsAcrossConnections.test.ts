// The per-destination rate limit lives in PostgreSQL, so takers on different connections (different
// worker processes) share one budget: the k-th request of a burst is scheduled no earlier than
// (k - burst) / rate seconds after the first.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { waitForRequestSlot } from './destinationRateLimit.ts';

let database: TestDatabase;
let pools: pg.Pool[];
beforeAll(async () => {
  database = await createTestDatabase();
  pools = [new pg.Pool({ connectionString: database.url, max: 4 }), new pg.Pool({ connectionString: database.url, max: 4 })];
  for (const pool of pools) pool.on('error', () => {}); // an idle connection cut at drop is not a test failure
  // every connection open before the burst, so connecting on a busy machine is not measured
  await Promise.all(pools.flatMap((pool) => Array.from({ length: 4 }, () => pool.query('SELECT pg_sleep(0.05)'))));
  await pools[0]!.query(
    `INSERT INTO destinations (id, name, type, settings) VALUES (1, 'limited', 'WEB', '{"url":"http://127.0.0.1:9/"}')`,
  );
});
afterAll(async () => {
  for (const pool of pools ?? []) await pool.end();
  await database?.drop();
});

it('spaces 40 requests taken from two pools at once to 10 per second after a burst of 10', async () => {
  const rate = 10;
  const started = Date.now();
  const slots = await Promise.all(
    Array.from({ length: 40 }, (_, i) => waitForRequestSlot(pools[i % 2]!, 1, rate).then(() => Date.now() - started)),
  );
  slots.sort((a, b) => a - b);
  for (let k = rate; k < slots.length; k++) {
    const earliest = ((k + 1 - rate) / rate) * 1000;
    expect(slots[k], `request ${k + 1} may not go before ${earliest} ms (burst ${rate}, ${rate}/s)`).toBeGreaterThanOrEqual(earliest - 50);
  }
  // the 30 after the burst need 3 s at 10/s; a second of slack absorbs a busy machine's query latency
  expect(slots[slots.length - 1]! - slots[0]!, 'the budget is used, not wasted: the last goes about 3 s after the first').toBeLessThan(
    4_000,
  );
});
