// The dashboard in a real browser against the real server: sign-in, the Sync Tracking table, live
// updates from the database, filtering, a job's details, and what a VIEWER is (not) offered.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, Db, globalId, graphqlPosts, launchBrowser, screenshot, signIn, signInOn } from './support.ts';

let t: TestApp;
let db: Db;
let browser: Browser;
let destinations: { facebook: number; linkedin: number };
const jobs: Record<string, number> = {};

beforeAll(async () => {
  assertDashboardBuilt();
  // api only: no workers, so the rows written here stay exactly as written
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new Db(t.databaseUrl);
  browser = await launchBrowser();

  const created = await t.ok<{ fb: { id: string }; li: { id: string } }>(`mutation {
    fb: createDestination(input: { name: "Meta Retail", type: FACEBOOK_ADS, settings: { adAccountId: "123" }, credentials: { accessToken: "t" } }) { id }
    li: createDestination(input: { name: "LinkedIn B2B", type: LINKEDIN_ADS, settings: { adAccountId: "9" }, credentials: { accessToken: "t" } }) { id }
  }`);
  const idOf = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':').pop());
  destinations = { facebook: idOf(created.fb.id), linkedin: idOf(created.li.id) };

  jobs.segmentDone = await db.insertJob({
    destinationId: destinations.facebook,
    syncType: 'SEGMENT',
    triggeredBy: 'High-value shoppers',
    recordsTotal: 1200,
    recordsRejected: 1,
  });
  await db.query(
    `INSERT INTO rejected_records (sync_job_id, primary_key, reason) VALUES ($1, 'cust-10023', 'Invalid email hash: not a SHA-256 hex digest')`,
    [jobs.segmentDone],
  );
  await db.query(
    `INSERT INTO queue_items (sync_job_id, operation, status, record_count, attempts, next_attempt_at)
     VALUES ($1, 'ADD', 'WAITING_FOR_RETRY', 1200, 3, now() + interval '20 minutes')`,
    [jobs.segmentDone],
  );
  jobs.nbaFailed = await db.insertJob({
    destinationId: destinations.linkedin,
    syncType: 'NEXT_BEST_ACTION',
    status: 'FAILED',
    triggeredBy: 'retention / winback',
    scopeKey: 'nba:retention/winback',
    failureLayer: 'SYNC',
    error: 'LinkedIn answered 401: the access token expired',
  });
  jobs.piiRunning = await db.insertJob({
    destinationId: destinations.facebook,
    syncType: 'PII_UPDATE',
    status: 'RUNNING',
    stage: 'CREATE_QUEUE_ITEMS',
    triggeredBy: 'pii-update agent',
  });
});

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await t?.stop();
});

const row = (page: Page, id: number) => page.locator(`tr.job[data-job-id="${globalId('SyncJob', id)}"]`);

describe('dashboard', () => {
  it('refuses a wrong key and signs in with a right one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(t.url + '/');
    await page.getByLabel('API key').fill('psk_not_a_real_key_at_all_000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');

    await page.getByLabel('API key').fill(t.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Sync Tracking' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sync Tracking' }).getAttribute('aria-current')).toBe('page');

    // the key is kept: a reload stays signed in; signing out forgets it
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('paidsync.apiKey'))).toBeNull();
    await context.close();
  });

  it('shows the sync jobs, newest first, and updates a row in place when its job changes', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await row(page, jobs.piiRunning).waitFor();
    const ids = await page.locator('tr.job').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id')));
    expect(ids).toEqual([jobs.piiRunning, jobs.nbaFailed, jobs.segmentDone].map((id) => globalId('SyncJob', id)));
    await expect.poll(() => row(page, jobs.piiRunning).textContent()).toContain('Running');
    expect(await row(page, jobs.piiRunning).textContent()).toContain('Meta Retail');
    expect(await row(page, jobs.piiRunning).textContent()).toContain('PII update');
    await screenshot(page, 'sync-tracking');

    // a committed UPDATE reaches the page through the syncJobUpdated subscription: no reload
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await db.query(
      `UPDATE sync_jobs SET status = 'FAILED', failure_layer = 'SYNC', error = 'Meta answered 503: service unavailable', ended_at = now() WHERE id = $1`,
      [jobs.piiRunning],
    );
    await expect.poll(() => row(page, jobs.piiRunning).getAttribute('data-status'), { timeout: 15_000 }).toBe('FAILED');
    expect(await row(page, jobs.piiRunning).textContent()).toContain('Meta answered 503');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    // a new job appears at the top, also without a reload
    const fresh = await db.insertJob({
      destinationId: destinations.linkedin,
      syncType: 'SEGMENT',
      status: 'PENDING',
      stage: null,
      triggeredBy: 'Churn risk',
    });
    await expect
      .poll(() => page.locator('tr.job').first().getAttribute('data-job-id'), { timeout: 15_000 })
      .toBe(globalId('SyncJob', fresh));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await screenshot(page, 'sync-tracking-live');
    await page.context().close();
  });

  it('narrows the table by sync type', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await row(page, jobs.segmentDone).waitFor();
    expect(await page.locator('tr.job').count()).toBeGreaterThan(2);
    await page.getByLabel('Sync type').selectOption('NEXT_BEST_ACTION');
    await expect.poll(() => page.locator('tr.job').count()).toBe(1);
    expect(await page.locator('tr.job').first().getAttribute('data-job-id')).toBe(globalId('SyncJob', jobs.nbaFailed));
    expect(page.url()).toContain('type=NEXT_BEST_ACTION');

    await page.getByLabel('Sync type').selectOption('OFFLINE_CONVERSION');
    await page.getByText('No sync jobs match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(page, jobs.segmentDone).waitFor();
    await page.context().close();
  });

  it('expands a job to show its stages, queue items and rejected records', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    const jobRow = row(page, jobs.segmentDone);
    await jobRow.waitFor();
    await jobRow.getByRole('button', { name: /Show details/ }).click();
    const detail = page.locator(`[id="detail-${globalId('SyncJob', jobs.segmentDone)}"]`);
    await detail.getByText('cust-10023').waitFor();
    expect(await detail.textContent()).toContain('Invalid email hash: not a SHA-256 hex digest');
    expect(await detail.getByRole('list', { name: 'Stages' }).locator('li').count()).toBe(6);
    expect(await detail.locator('[data-queue-item]').first().textContent()).toContain('Waiting for retry');
    await screenshot(page, 'sync-tracking-expanded');

    // queue items change live too (queueItemUpdated)
    await db.query(`UPDATE queue_items SET status = 'SUCCEEDED', attempts = 4, next_attempt_at = NULL WHERE sync_job_id = $1`, [
      jobs.segmentDone,
    ]);
    await expect.poll(() => detail.locator('[data-queue-item]').first().textContent(), { timeout: 15_000 }).toContain('Succeeded');

    // a link to one job (from Conversions or the API inspector) opens it above the table
    await page.goto(`${t.url}/?job=${encodeURIComponent(globalId('SyncJob', jobs.segmentDone))}`);
    const pinned = page.getByRole('region', { name: `Sync job ${jobs.segmentDone}` });
    await pinned.getByText('cust-10023').waitFor();
    await page.context().close();
  });

  // what each role is offered comes from `me { role }`: no probing with admin-only reads or operator writes
  const offers = {
    VIEWER: { settings: false, withdraw: false, newDestination: false, newSegment: false },
    OPERATOR: { settings: false, withdraw: true, newDestination: false, newSegment: true },
    ADMIN: { settings: true, withdraw: true, newDestination: true, newSegment: true },
  } as const;
  let runningForRoles: number | undefined;

  it.each(Object.keys(offers) as (keyof typeof offers)[])('offers the %s role its actions, as `me` tells it', async (role) => {
    // a job that stays running, for Withdraw
    runningForRoles ??= await db.insertJob({
      destinationId: destinations.facebook,
      syncType: 'SEGMENT',
      status: 'RUNNING',
      stage: 'SYNC_MEMBERS',
    });
    const expected = offers[role];
    const key = role === 'ADMIN' ? t.adminKey : await t.keyFor(role);

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const posted = graphqlPosts(page);
    await signInOn(page, t.url, key);
    await row(page, runningForRoles).waitFor();
    expect(await page.locator('header .role').textContent(), 'the header names the role').toContain(role.toLowerCase());
    expect(
      posted.some((q) => /\bme\s*\{/.test(q)),
      'the dashboard asked `me` for the role',
    ).toBe(true);
    expect(
      posted.filter((q) => /upsertCustomers|apiKeys/.test(q)),
      'no role probe was sent',
    ).toEqual([]);

    const count = (name: string | RegExp) => page.getByRole('button', { name }).count();
    expect(await page.getByRole('link', { name: 'Settings' }).count(), `Settings tab for ${role}`).toBe(expected.settings ? 1 : 0);
    expect(await row(page, runningForRoles).getByRole('button', { name: 'Withdraw' }).count(), `Withdraw for ${role}`).toBe(
      expected.withdraw ? 1 : 0,
    );
    expect(await page.getByRole('columnheader', { name: 'Action' }).count(), `Action column for ${role}`).toBe(expected.withdraw ? 1 : 0);
    if (!expected.withdraw) expect(await count(/Retry|Withdraw/), `no job actions for ${role}`).toBe(0);
    if (role === 'VIEWER') await screenshot(page, 'viewer-sync-tracking');

    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('article', { name: 'Meta Retail' }).waitFor();
    expect(await count('New destination'), `New destination for ${role}`).toBe(expected.newDestination ? 1 : 0);
    expect((await count('Edit')) > 0, `Edit destination for ${role}`).toBe(expected.newDestination);

    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('heading', { name: 'Segments' }).waitFor();
    await page.getByText(/Loading segments/).waitFor({ state: 'detached' });
    expect(await count('New segment'), `New segment for ${role}`).toBe(expected.newSegment ? 1 : 0);
    await page.context().close();
  });

  it('retries a failed job from its row', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    const jobRow = row(page, jobs.nbaFailed);
    await jobRow.getByRole('button', { name: 'Retry' }).click();
    // the server sets the job RUNNING; the row follows through the subscription and the button goes
    await expect.poll(() => jobRow.getAttribute('data-status'), { timeout: 15_000 }).not.toBe('FAILED');
    await expect.poll(() => jobRow.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.context().close();
  });

  it('signs out a page whose key is revoked, without a reload', async () => {
    const created = await t.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation { createApiKey(name: "short-lived", role: VIEWER) { key apiKey { id } } }',
    );
    const page = await signIn(browser, t.url, created.createApiKey.key);
    await row(page, jobs.segmentDone).waitFor();
    await t.ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: created.createApiKey.apiKey.id });
    await page.getByText('Your API key was revoked or is no longer valid').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => localStorage.getItem('paidsync.apiKey'))).toBeNull();
    await page.context().close();
  });

  it('creates a destination with write-only credentials', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('button', { name: 'New destination' }).click();
    const form = page.getByRole('form', { name: 'New destination' });
    await form.getByLabel('Name').fill('Google Main');
    await form.getByLabel('Type').selectOption('GOOGLE_ADS');
    await form.getByLabel(/Customer id/).fill('1234567890');
    await form.getByLabel(/Access token/).fill('secret-token');
    await form.getByLabel(/Developer token/).fill('secret-developer-token');
    await form.getByRole('button', { name: 'Create destination' }).click();
    const card = page.getByRole('article', { name: 'Google Main' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Credentials stored');
    expect(await card.textContent()).toContain('customerId: 1234567890');
    expect(await page.content()).not.toContain('secret-token');
    await page.context().close();
  });

  it('charts the jobs on the overview', async () => {
    const page = await signIn(browser, t.url, t.adminKey);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page
      .getByRole('img', { name: /sync jobs started per hour/ })
      .locator('canvas')
      .waitFor();
    expect(await page.locator('canvas').count()).toBe(3);
    expect(await page.getByRole('row', { name: /Meta Retail/ }).count()).toBe(1);
    await screenshot(page, 'overview');
    await page.context().close();
  });

  it('is usable at phone width', async () => {
    const page = await signIn(browser, t.url, t.adminKey, { width: 390, height: 844 });
    await row(page, jobs.segmentDone).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, 'sync-tracking-phone');
    await page.context().close();
  });

  it('shows the destinations, segments and settings tabs (screenshots at 1280 px)', async () => {
    await t.ok(`mutation {
      upsertCustomers(customers: [
        { externalId: "c-1", email: "ana@example.com", attributes: { ltv: 820 } },
        { externalId: "c-2", email: "bo@example.com", attributes: { ltv: 140 } },
        { externalId: "c-3", email: "cy@example.com", attributes: { ltv: 1210 } }
      ]) { count }
    }`);
    const fb = globalId('Destination', destinations.facebook);
    const li = globalId('Destination', destinations.linkedin);
    await t.ok('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
      i: {
        name: 'High-value shoppers',
        paidSyncEnabled: true,
        destinationIds: [fb, li],
        criteria: { attribute: 'ltv', op: 'gte', value: 500 },
      },
    });
    await t.ok('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
      i: { name: 'Winback list', paidSyncEnabled: false, destinationIds: [li], customerExternalIds: ['c-2'] },
    });

    const page = await signIn(browser, t.url, t.adminKey);
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('article', { name: 'Meta Retail' }).waitFor();
    expect(await page.getByRole('alert').count(), 'no error on Destinations').toBe(0);
    await screenshot(page, 'destinations');

    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('link', { name: 'High-value shoppers' }).waitFor();
    expect(
      await page
        .getByRole('row', { name: /High-value shoppers/ })
        .locator('td.num')
        .textContent(),
      'the rule segment counts its two members',
    ).toBe('2');
    expect(await page.getByRole('alert').count(), 'no error on Segments').toBe(0);
    await screenshot(page, 'segments');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('alert').count(), 'no error on Settings').toBe(0);
    await screenshot(page, 'settings');
    await page.context().close();
  });
});
