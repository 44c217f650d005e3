// What a new user sees after the first start with the simulator on: completed syncs to all five
// destination types, a rejected record and an item waiting for its automatic retry — within a minute.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let dmpRoot: string;
beforeAll(async () => {
  dmpRoot = await mkdtemp(path.join(os.tmpdir(), 'paidsync-demo-dmp-'));
  t = await startTestApp({ env: { PAIDSYNC_SIMULATOR: 'on', PAIDSYNC_DMP_ROOT: dmpRoot } });
});
afterAll(async () => {
  await t?.stop();
  await rm(dmpRoot, { recursive: true, force: true });
});

interface Seen {
  completedTypes: Set<string>;
  rejected: number;
  waiting: number;
}

async function look(): Promise<Seen> {
  const { syncJobs } = await t.ok<any>('{ syncJobs(first: 200) { edges { node { status destinationType recordsRejected } } } }');
  const { queueItems } = await t.ok<any>('{ queueItems(filter: { status: [WAITING_FOR_RETRY] }, first: 1) { totalCount } }');
  const jobs = syncJobs.edges.map((e: any) => e.node);
  return {
    completedTypes: new Set(jobs.filter((j: any) => j.status === 'COMPLETED').map((j: any) => j.destinationType)),
    rejected: jobs.reduce((n: number, j: any) => n + j.recordsRejected, 0),
    waiting: queueItems.totalCount,
  };
}

it('shows completed syncs to all five destination types, a rejected record and a waiting retry within 60 s', async () => {
  const started = Date.now();
  let seen = await look();
  while (Date.now() - started < 60_000 && !(seen.completedTypes.size === 5 && seen.rejected > 0 && seen.waiting > 0)) {
    await new Promise((r) => setTimeout(r, 500));
    seen = await look();
  }
  expect([...seen.completedTypes].sort(), 'a completed job for every destination type').toEqual([
    'DMP',
    'FACEBOOK_ADS',
    'GOOGLE_ADS',
    'LINKEDIN_ADS',
    'WEB',
  ]);
  expect(seen.rejected, 'a rejected record to look at').toBeGreaterThan(0);
  expect(seen.waiting, 'an item waiting for its automatic retry').toBeGreaterThan(0);
  const { destinations } = await t.ok<any>('{ destinations { type settings } }');
  expect(destinations.length, 'one demo destination of each type').toBe(5);
}, 90_000);
