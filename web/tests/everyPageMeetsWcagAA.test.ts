// axe-core on every page of the dashboard, with data in it (failed, waiting and rejected rows, API
// calls, an expanded job), against the WCAG 2 A and AA rules: any violation fails the test.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, Db, globalId, launchBrowser, signIn } from './support.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** The page's WCAG 2 A/AA violations, one line per element, so a failure names what to fix. */
async function wcagViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol: the dashboard's CSP rightly refuses an inline <script>
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations as AxeViolation[];
  });
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
  );
}

let t: TestApp;
let db: Db;
let browser: Browser;
let failedJob: number;

beforeAll(async () => {
  assertDashboardBuilt();
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new Db(t.databaseUrl);
  browser = await launchBrowser();
  const created = await t.ok<{ fb: { id: string } }>(`mutation {
    fb: createDestination(input: { name: "Meta Retail", type: FACEBOOK_ADS, settings: { adAccountId: "123" }, credentials: { accessToken: "t" } }) { id }
  }`);
  const destinationId = Number(Buffer.from(created.fb.id, 'base64').toString().split(':').pop());
  const done = await db.insertJob({
    destinationId,
    syncType: 'SEGMENT',
    triggeredBy: 'High-value shoppers',
    recordsTotal: 1200,
    recordsRejected: 1,
  });
  await db.query(`INSERT INTO rejected_records (sync_job_id, primary_key, reason) VALUES ($1, 'cust-1', 'Invalid email hash')`, [done]);
  await db.query(
    `INSERT INTO queue_items (sync_job_id, operation, status, record_count, attempts, next_attempt_at)
     VALUES ($1, 'ADD', 'WAITING_FOR_RETRY', 1200, 3, now() + interval '20 minutes')`,
    [done],
  );
  failedJob = await db.insertJob({
    destinationId,
    syncType: 'NEXT_BEST_ACTION',
    status: 'FAILED',
    triggeredBy: 'retention / winback',
    failureLayer: 'SYNC',
    error: 'the access token expired',
  });
  await db.insertJob({
    destinationId,
    syncType: 'PII_UPDATE',
    status: 'RUNNING',
    stage: 'CREATE_QUEUE_ITEMS',
    triggeredBy: 'pii-update agent',
  });
  await db.insertApiCall({
    destinationId,
    syncJobId: done,
    url: 'https://graph.facebook.com/v27.0/act_123/customaudiences',
    statusCode: 200,
  });
  await db.insertApiCall({
    destinationId,
    syncJobId: failedJob,
    url: 'https://graph.facebook.com/v27.0/act_123/customaudiences',
    statusCode: 401,
  });
});

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await t?.stop();
});

describe('every dashboard page meets WCAG 2 A and AA (axe-core)', () => {
  it('the sign-in page', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(t.url + '/');
    await page.getByLabel('API key').waitFor();
    expect(await wcagViolations(page), 'axe-core found WCAG 2 A/AA violations on the sign-in page').toEqual([]);
  });

  const pages: Array<[string, () => string, string]> = [
    ['Sync Tracking', () => '/', 'table'],
    ['Sync Tracking with a failed job expanded', () => `/?job=${encodeURIComponent(globalId('SyncJob', failedJob))}`, 'table'],
    ['Overview', () => '/overview', 'h1'],
    ['Conversions', () => '/conversions', 'h1'],
    ['Destinations', () => '/destinations', 'h1'],
    ['Segments', () => '/segments', 'h1'],
    ['API inspector', () => '/api-calls', 'table'],
    ['Settings', () => '/settings', 'h1'],
  ];
  for (const [name, path, ready] of pages) {
    it(name, async () => {
      const page = await signIn(browser, t.url, t.adminKey);
      await page.goto(t.url + path());
      await page.locator(ready).first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => {}); // live pages keep a socket open
      expect(await wcagViolations(page), `axe-core found WCAG 2 A/AA violations on ${name}`).toEqual([]);
    });
  }
});
