// The whole product in a browser: jobs triggered through the API, run by the real pipeline against the
// simulator, followed in Sync Tracking without a reload — to Completed, and from a bad token's Failure
// through Retry (Running, then Completed).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../../server/src/simulator/index.ts';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, launchBrowser, screenshot, signIn, waitUntilLive } from './support.ts';

let t: TestApp;
let sim: StartedSimulator;
let browser: Browser;

beforeAll(async () => {
  assertDashboardBuilt();
  sim = await startSimulator();
  t = await startTestApp({ env: { PAIDSYNC_BACKOFF_BASE_MS: '20' } });
  browser = await launchBrowser();
  await t.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', {
    c: [0, 1, 2].map((i) => ({ externalId: `e2e-${i}`, email: `e2e.${i}@example.com` })),
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await sim?.close();
});

async function segmentOn(endpoint: string): Promise<string> {
  const { createDestination } = await t.ok<any>(
    'mutation($s: JSON!, $n: String!) { createDestination(input: { name: $n, type: WEB, settings: $s }) { id } }',
    {
      n: endpoint,
      s: { url: `${sim.url}/web/${endpoint}` },
    },
  );
  const { createSegment } = await t.ok<any>('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: {
      name: `Segment ${endpoint}`,
      paidSyncEnabled: true,
      destinationIds: [createDestination.id],
      customerExternalIds: ['e2e-0', 'e2e-1', 'e2e-2'],
    },
  });
  return createSegment.id;
}

async function trigger(segmentId: string): Promise<string> {
  const { triggerSegmentSync } = await t.ok<any>('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: segmentId });
  return triggerSegmentSync[0].id;
}

async function openSyncTracking(): Promise<Page> {
  const page = await signIn(browser, t.url, t.adminKey);
  await waitUntilLive(page);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  return page;
}

const stillSamePage = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

it('shows a job triggered through the API at the top and follows it to Completed, without a reload', async () => {
  const segment = await segmentOn('e2e-ok');
  const page = await openSyncTracking();
  sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'e2e-ok', kind: 'latency', ms: 800 }] });
  const jobId = await trigger(segment);
  const row = page.locator(`tr.job[data-job-id="${jobId}"]`);
  await expect.poll(() => row.count(), { message: 'the new job appears in the table', timeout: 15_000 }).toBe(1);
  expect(await page.locator('tr.job').first().getAttribute('data-job-id'), 'newest first: at the top').toBe(jobId);
  await expect
    .poll(() => row.getAttribute('data-status'), { message: 'the row reaches COMPLETED live', timeout: 30_000 })
    .toBe('COMPLETED');
  expect(await stillSamePage(page), 'no reload happened').toBe(true);
  await screenshot(page, 'sync-tracking-end-to-end');

  // the expanded row tells how long each stage took
  await row.getByRole('button', { name: /Show details/ }).click();
  const track = page.locator(`[id="detail-${jobId}"]`).getByRole('list', { name: 'Stages' });
  await expect
    .poll(() => track.locator('[data-stage-duration]').count(), { message: 'each of the six stages shows its duration', timeout: 15_000 })
    .toBe(6);
  const [, amount, unit] = /([\d.]+) (ms|s)$/.exec((await track.locator('[data-stage-duration]').last().textContent()) ?? '') ?? [];
  expect(Number(amount) * (unit === 's' ? 1000 : 1), 'adding members took at least the 800 ms the network was slow').toBeGreaterThanOrEqual(
    800,
  );
  await screenshot(page, 'sync-tracking-stage-times');
  await page.context().close();
});

it('offers Retry on a job failed by a bad token; Retry turns it Running, then Completed', async () => {
  const segment = await segmentOn('e2e-token');
  const page = await openSyncTracking();
  sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'e2e-token', kind: 'invalidToken' }] });
  const jobId = await trigger(segment);
  const row = page.locator(`tr.job[data-job-id="${jobId}"]`);
  await expect.poll(() => row.getAttribute('data-status'), { message: 'the bad token fails the job', timeout: 30_000 }).toBe('FAILED');
  const retry = row.getByRole('button', { name: 'Retry' });
  await expect.poll(() => retry.count(), { message: 'a sync-layer failure offers Retry' }).toBe(1);

  // the token is fixed; a slow network keeps the retried job visibly Running for a moment
  sim.simulator.control.apply({ clearFaults: 'web', faults: [{ network: 'web', endpoint: 'e2e-token', kind: 'latency', ms: 2500 }] });
  await retry.click();
  await expect.poll(() => row.getAttribute('data-status'), { message: 'Retry turns the row Running', timeout: 10_000 }).toBe('RUNNING');
  await expect.poll(() => row.getAttribute('data-status'), { message: 'then Completed', timeout: 30_000 }).toBe('COMPLETED');
  expect(await retry.count(), 'no Retry on a completed job').toBe(0);
  expect(await stillSamePage(page), 'no reload happened').toBe(true);
  await page.context().close();
});
