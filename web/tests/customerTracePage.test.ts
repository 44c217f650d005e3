// The Customer trace page in a real browser: a customer who is a member of one audience and waits for a
// retry in another, looked up by external id from the nav, with no PII on the page.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../server/test/support/syncScenario.ts';
import { assertDashboardBuilt, launchBrowser, screenshot, signIn } from './support.ts';

let s: SyncScenario;
let browser: Browser;

beforeAll(async () => {
  assertDashboardBuilt();
  s = await startSyncScenario();
  browser = await launchBrowser();
  const up = await s.webDestination('trace-up', { batchSize: 10 });
  const down = await s.webDestination('trace-down', { batchSize: 10 });
  await s.customers([{ externalId: 'page-1', email: 'page.one@example.com', phone: '+15550001111' }]);
  await s.control({ faults: [{ network: 'web', endpoint: 'trace-down', kind: 'outage', mode: 'unavailable' }] });
  const jobs = await s.syncSegment(await s.segment('Loyal buyers', [up, down], ['page-1']));
  for (const id of jobs) await s.waitForJob(id, ['COMPLETED', 'FAILED']);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

it('traces a customer from the nav: a member in one audience, waiting for retry in the other', async () => {
  const page = await signIn(browser, s.t.url, await s.t.keyFor('VIEWER'));
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Trace', exact: true }).click();
  await page.getByLabel('External id').fill('page-1');
  await page.getByRole('button', { name: 'Trace' }).click();

  const member = page.locator('article[data-verdict="MEMBER"]');
  await member.waitFor();
  expect(await member.innerText()).toMatch(/trace-up · Loyal buyers[\s\S]*Member[\s\S]*includes the customer[\s\S]*EMAIL [0-9a-f]{8}…/);
  const waiting = page.locator('article[data-verdict="WAITING_FOR_RETRY"]');
  expect(await waiting.innerText()).toMatch(/trace-down · Loyal buyers[\s\S]*Waiting for retry[\s\S]*next attempt/);
  expect(page.url(), 'the trace is addressable').toMatch(/\/trace\?id=page-1$/);
  const text = await page.locator('body').innerText();
  expect(text, 'no raw PII on the page').not.toMatch(/page\.one@example\.com|5550001111/);
  await screenshot(page, 'customer-trace');
});
