// A key is kept 24 h: after that the same key is a new request, and the scheduled sweep (a pg-boss
// job every 10 minutes) deletes it.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUES } from '../queue/queues.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { postGraphQL } from '../../test/support/postGraphQL.ts';
import { until } from '../../test/support/serverProcess.ts';

let s: SyncScenario;
let db: pg.Pool;
let segment: string;

beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Pool({ connectionString: s.t.databaseUrl, max: 2 });
  const destination = await s.webDestination('sweep');
  await s.customers(makeCustomers(1, 'sweep'));
  segment = await s.segment('Sweep', [destination], ['sweep-0']);
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

const send = (query: string, idempotencyKey: string) =>
  postGraphQL(s.t.url, { apiKey: s.t.adminKey, query, variables: { s: segment }, idempotencyKey });

it('a key older than 24 h is a new request, and the scheduled sweep deletes expired keys only', async () => {
  const first = await send('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', 'sweep-old');
  await send('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', 'sweep-fresh');
  const { rows } = await db.query<{ hours: number }>(
    "SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_keys WHERE key = 'sweep-old'",
  );
  expect(Number(rows[0]!.hours), 'kept for 24 h').toBe(24);

  await db.query(
    "UPDATE idempotency_keys SET created_at = created_at - interval '25 hours', expires_at = expires_at - interval '25 hours' WHERE key = 'sweep-old'",
  );
  const other = await send('mutation($s: ID!) { triggerSegmentSync(segmentId: $s, dryRun: true) { id } }', 'sweep-old');
  expect(other.errors, 'an expired key may be used for another request').toBeUndefined();
  expect(other.data.triggerSegmentSync[0].id).not.toBe(first.data.triggerSegmentSync[0].id);

  await db.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'sweep-old'");
  const schedules = await s.t.app.services.boss.getSchedules(QUEUES.sweepIdempotencyKeys);
  expect(
    schedules.map((x) => x.cron),
    'the sweep is scheduled',
  ).toEqual(['*/10 * * * *']);
  await s.t.app.services.boss.send(QUEUES.sweepIdempotencyKeys, {}); // what the schedule sends
  const left = await until(
    'the sweep to delete the expired key',
    async () => {
      const { rows: keys } = await db.query<{ key: string }>('SELECT key FROM idempotency_keys ORDER BY key');
      return keys.some((k) => k.key === 'sweep-old') ? undefined : keys.map((k) => k.key);
    },
    30_000,
  );
  expect(left, 'the key still inside its 24 h stays').toEqual(['sweep-fresh']);
});
