// Done when 5 of "Closed to strangers": a key revoked while the API's LISTEN connection was down
// (its NOTIFY lost) still ends that key's live subscriptions, within 30 s. The LISTEN session is
// terminated, and the key is revoked the way another process's revocation looks here when its
// NOTIFY never arrives: the row changes, no event comes.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subscribe, syncJobProbe, untilListening } from '../../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

it('a subscription whose key was revoked while LISTEN was down ends UNAUTHENTICATED within 30 s', async () => {
  const probe = await syncJobProbe(db, 'lost notify');
  const { poke, isProbe } = probe;
  const key = await t.keyFor('VIEWER');
  const survivorKey = await t.keyFor('VIEWER');
  const doomed = subscribe(t.ws(key), 'subscription { syncJobUpdated { id recordsTotal } }');
  const survivor = subscribe(t.ws(survivorKey), 'subscription { syncJobUpdated { id recordsTotal } }');
  await untilListening(doomed, poke, isProbe);
  await untilListening(survivor, poke, isProbe);

  // the revocation commits while no LISTEN session exists: its NOTIFY (none is sent here) is lost
  const listeners = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
  );
  expect(listeners.rows.length, 'the API has a LISTEN session to lose').toBeGreaterThan(0);
  const { rows: keys } = await db.query<{ id: number }>(
    "SELECT id FROM api_keys WHERE key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
    [key],
  );
  await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keys[0]!.id]);
  for (const { pid } of listeners.rows) await db.query('SELECT pg_terminate_backend($1)', [pid]);

  const started = Date.now();
  const ending = await doomed.ended(30_000);
  expect(
    ending.errors?.map((e) => e.extensions?.code),
    'the subscription of the revoked key ends with UNAUTHENTICATED',
  ).toEqual(['UNAUTHENTICATED']);
  expect(Date.now() - started, 'within 30 s').toBeLessThan(30_000);
  await t.app.services.liveEvents.ready();
  await poke();
  const latest = await db.query<{ records_total: number }>('SELECT records_total FROM sync_jobs WHERE id = $1', [probe.id]);
  await survivor.next(
    (p) => p.data?.syncJobUpdated?.recordsTotal === latest.rows[0]!.records_total,
    'the other key still gets events after the reconnect',
  );
});
