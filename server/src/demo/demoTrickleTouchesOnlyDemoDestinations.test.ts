// The demo trickle makes up paid requests, conversions and PII changes: they go to the demo's own
// (simulated) destinations only. A real destination added beside them, even one configured for
// offline conversions, gets nothing from it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { runDemoTrickle } from './runDemoTrickle.ts';

let t: TestApp;
let dmpRoot: string;
let real: http.Server;
const realHits: string[] = [];
beforeAll(async () => {
  real = http.createServer((req, res) => {
    realHits.push(`${req.method} ${req.url}`);
    res.end('{"results":[]}');
  });
  await new Promise<void>((r) => real.listen(0, '127.0.0.1', r));
  dmpRoot = await mkdtemp(path.join(os.tmpdir(), 'paidsync-trickle-dmp-'));
  t = await startTestApp({ env: { PAIDSYNC_SIMULATOR: 'on', PAIDSYNC_DMP_ROOT: dmpRoot } });
});
afterAll(async () => {
  await t?.stop();
  real?.close();
  await rm(dmpRoot, { recursive: true, force: true });
});

it('sends made-up requests only to the destinations the demo seeded', async () => {
  const { createDestination } = await t.ok<{ createDestination: { id: string } }>(
    'mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }',
    { input: { name: 'the real CRM', type: 'WEB', settings: { url: `http://127.0.0.1:${(real.address() as AddressInfo).port}/hook` } } },
  );
  const { paidConfiguration } = await t.ok<{ paidConfiguration: { conversionDestinations: Array<{ id: string }> } }>(
    '{ paidConfiguration { conversionDestinations { id } } }',
  );
  await t.ok('mutation($ids: [ID!]) { updatePaidConfiguration(input: { conversionDestinationIds: $ids }) { offlineConversionsEnabled } }', {
    ids: [...paidConfiguration.conversionDestinations.map((d) => d.id), createDestination.id],
  });
  const count = async () =>
    (await t.app.services.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_jobs WHERE sync_type = 'NEXT_BEST_ACTION'"))
      .rows[0]!.n;
  const conversionCount = async () =>
    (await t.app.services.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM conversion_events')).rows[0]!.n;
  const conversionsBefore = await conversionCount();
  const before = await count();
  const trickle = runDemoTrickle({ services: t.app.services, simulatorUrl: `${t.url}/sim`, everyMs: 50 });
  try {
    const deadline = Date.now() + 30_000;
    while ((await count()) < before + 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    trickle.stop();
  }
  expect(await count(), 'the trickle made paid requests for the demo destinations').toBeGreaterThanOrEqual(before + 10);
  const { rows } = await t.app.services.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sync_jobs j JOIN destinations d ON d.id = j.destination_id WHERE d.name = 'the real CRM'`,
  );
  expect(rows[0]!.n, 'no sync job of the trickle is for the real destination').toBe(0);
  expect(await conversionCount(), 'no made-up conversion was captured while a real destination takes conversions').toBe(conversionsBefore);
  expect(realHits, 'the real destination got no request').toEqual([]);
}, 60_000);
