// What the dashboard tells about a job and a conversion, straight from the server's answers: when a
// waiting job retries by itself, "Completed · N rejected" in the collapsed row, Withdraw exactly where
// the server's canWithdraw allows it, a real-time request's source, each conversion's status at each
// destination, and a throttled destination's pause. In a real browser against the real server.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, Db, globalId, launchBrowser, screenshot, signIn } from './support.ts';

let t: TestApp;
let db: Db;
let browser: Browser;
const dest = { web: 0, facebook: 0 };
const jobs: Record<string, number> = {};

const idOf = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':').pop());

beforeAll(async () => {
  assertDashboardBuilt();
  // api only: no workers, so the rows written here stay exactly as written
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new Db(t.databaseUrl);
  browser = await launchBrowser();
  const created = await t.ok<{ web: { id: string }; fb: { id: string } }>(`mutation {
    web: createDestination(input: { name: "CRM webhook", type: WEB, settings: { url: "http://127.0.0.1:9/crm" } }) { id }
    fb: createDestination(input: { name: "Meta Retail", type: FACEBOOK_ADS, settings: { adAccountId: "123" }, credentials: { accessToken: "t" } }) { id }
  }`);
  Object.assign(dest, { web: idOf(created.web.id), facebook: idOf(created.fb.id) });

  jobs.waiting = await db.insertJob({
    destinationId: dest.facebook,
    syncType: 'SEGMENT',
    status: 'FAILED',
    failureLayer: 'SYNC',
    triggeredBy: 'Winback',
    error: 'destination unavailable',
  });
  await db.query(`UPDATE sync_jobs SET ended_at = NULL, next_retry_at = '2030-01-01T10:30:00Z' WHERE id = $1`, [jobs.waiting]);
  jobs.rejected = await db.insertJob({
    destinationId: dest.facebook,
    syncType: 'SEGMENT',
    triggeredBy: 'Loyal',
    recordsTotal: 40,
    recordsRejected: 3,
  });
  jobs.clean = await db.insertJob({ destinationId: dest.facebook, syncType: 'SEGMENT', triggeredBy: 'Clean', recordsTotal: 40 });
  jobs.realtime = await db.insertJob({
    destinationId: dest.web,
    syncType: 'NEXT_BEST_ACTION',
    status: 'RUNNING',
    triggeredBy: 'Retention/Cards',
  });
  await db.query(`UPDATE sync_jobs SET source = 'REALTIME_EVENT' WHERE id = $1`, [jobs.realtime]);

  // one conversion, delivered to Facebook, waiting for the CRM webhook
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO conversion_events (event_id, conversion_name, occurred_at, status) VALUES ('ord-77', 'Purchase', now(), 'WAITING_FOR_RETRY') RETURNING id`,
  );
  for (const [destinationId, itemStatus, accepted] of [
    [dest.facebook, 'SUCCEEDED', true],
    [dest.web, 'WAITING_FOR_RETRY', null],
  ] as const) {
    const job = await db.insertJob({
      destinationId,
      syncType: 'OFFLINE_CONVERSION',
      status: itemStatus === 'SUCCEEDED' ? 'COMPLETED' : 'FAILED',
    });
    const item = await db.query<{ id: number }>(
      `INSERT INTO queue_items (sync_job_id, operation, status, record_count) VALUES ($1, 'CONVERSION', $2::"DeliveryStatus", 1) RETURNING id`,
      [job, itemStatus],
    );
    await db.query(
      `INSERT INTO conversion_deliveries (sync_job_id, conversion_event_id, destination_id, identifiers, row_number, queue_item_id, accepted) VALUES ($1, $2, $3, '{}', 1, $4, $5)`,
      [job, rows[0]!.id, destinationId, item.rows[0]!.id, accepted],
    );
  }
  await db.query(
    `INSERT INTO destination_rate_limits (destination_id, tokens, paused_until) VALUES ($1, 0, now() + interval '10 minutes')`,
    [dest.web],
  );
});

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await t?.stop();
});

const row = (page: Page, id: number) => page.locator(`tr.job[data-job-id="${globalId('SyncJob', id)}"]`);

describe('honest job lifecycle in the dashboard', () => {
  it('says when a waiting job retries by itself, counts rejects in the collapsed row, and offers Withdraw where the server allows it', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await row(page, jobs.clean).waitFor();
    const retryAt = new Date('2030-01-01T10:30:00Z').toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    expect(await row(page, jobs.waiting).innerText(), 'the waiting job says when it retries').toContain(
      `retrying automatically at ${retryAt}`,
    );
    expect(await row(page, jobs.rejected).locator('.status-cell').innerText(), 'a completed job with rejects says so collapsed').toMatch(
      /Completed\s*· 3 rejected/,
    );
    expect(await row(page, jobs.clean).locator('.status-cell').innerText(), 'a clean one does not').not.toContain('rejected');
    for (const [name, expected] of [
      ['waiting', 1],
      ['realtime', 1],
      ['clean', 0],
      ['rejected', 0],
    ] as const) {
      expect(
        await row(page, jobs[name]!).getByRole('button', { name: 'Withdraw' }).count(),
        `Withdraw on the ${name} job follows canWithdraw`,
      ).toBe(expected);
    }
    expect(await row(page, jobs.realtime).innerText(), 'a real-time request shows its source').toContain('Real-time event');
    await screenshot(page, 'honest-job-lifecycle');
  });

  it("shows each conversion's status at each destination", async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await page.goto(t.url + '/conversions');
    const event = page.locator('tr.conversion[data-event-id="ord-77"]');
    await event.waitFor();
    await expect
      .poll(() => event.locator('.delivery').allInnerTexts())
      .toEqual([expect.stringContaining('Meta Retail · Succeeded'), expect.stringContaining('CRM webhook · Waiting for retry')]);
  });

  it('badges a throttled destination with the end of its pause', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await page.goto(t.url + '/destinations');
    const card = page.locator('article', { has: page.getByRole('heading', { name: 'CRM webhook' }) });
    await card.waitFor();
    expect(await card.locator('.pill.paused').innerText()).toContain('Throttled · paused until');
    const other = page.locator('article', { has: page.getByRole('heading', { name: 'Meta Retail' }) });
    expect(await other.locator('.pill.paused').count(), 'an unthrottled destination has no badge').toBe(0);
  });
});
