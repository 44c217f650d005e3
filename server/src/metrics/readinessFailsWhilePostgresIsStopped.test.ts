// /readyz says whether this process can work: its database and its queue (pg-boss, on connections
// of its own) both answer. It runs on a PostgreSQL of its own that it stops and starts again, never
// the machine's shared one. /healthz stays the plain liveness probe.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/startEmbeddedPostgres.ts';
import { createLogger } from '../logger.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

const logger = createLogger({ level: 'error' });
let dir: string;
let cluster: EmbeddedDatabase | null = null;
let t: TestApp;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-readyz-'));
  cluster = await startEmbeddedPostgres({ dir, logger, database: 'paidsync' });
  // the outage is the point: its connection warnings are expected, so they are not printed
  t = await startTestApp({ database: { url: cluster.url, drop: async () => {} }, log: () => {} });
});
afterAll(async () => {
  await t?.stop();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function readiness() {
  const response = await fetch(`${t.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

it('is ready while PostgreSQL runs, not ready while it is stopped, and ready again after', async () => {
  expect(await readiness(), 'ready while the database and the queue answer').toEqual({
    status: 200,
    body: { status: 'ready', database: 'ok', queue: 'ok' },
  });

  await cluster!.stop();
  cluster = null;
  expect(await readiness(), 'not ready while PostgreSQL is stopped').toEqual({
    status: 503,
    body: { status: 'not ready', database: 'unreachable', queue: 'unreachable' },
  });

  cluster = await startEmbeddedPostgres({ dir, logger, database: 'paidsync' });
  const deadline = Date.now() + 30_000;
  let last = await readiness();
  while (last.status !== 200) {
    if (Date.now() > deadline)
      throw new Error(`expected /readyz to be ready again after PostgreSQL restarted; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await readiness();
  }
  expect(last.body).toEqual({ status: 'ready', database: 'ok', queue: 'ok' });
}, 90_000);
