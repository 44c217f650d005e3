// The two streams the dashboard shows as they happen: conversions captured through the API (and
// their delivery), and the requests made to destinations (the API inspector). Nothing reloads.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, Db, globalId, graphqlPosts, launchBrowser, screenshot, signIn, waitUntilLive } from './support.ts';

let t: TestApp;
let db: Db;
let browser: Browser;
const dest = { web: 0, facebook: 0, linkedin: 0 };
const ids = { web: '', facebook: '', linkedin: '' };
let conversionJob = 0;

const idOf = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':').pop());

async function capture(eventId: string, conversionName = 'Purchase', value = 129.9) {
  const data = await t.ok<{ capturePaidResponse: { event: { id: string } } }>(
    'mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { event { id } } }',
    {
      i: {
        eventId,
        conversionName,
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        clickId: `gclid-${eventId}`,
        value,
        currency: 'EUR',
      },
    },
  );
  return idOf(data.capturePaidResponse.event.id);
}

/** marks the page, and watches what it asks over HTTP from now on: live rows need neither a reload nor a refetch */
const queriesSince = new WeakMap<Page, string[]>();
async function mark(page: Page) {
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  queriesSince.set(page, graphqlPosts(page));
}
const stillMarked = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker === 42);
/** the list queries (`conversionEvents(`, `apiCalls(`) the page sent since it was marked */
const refetches = (page: Page, field: string) => (queriesSince.get(page) ?? []).filter((q) => q.includes(`${field}(`));

beforeAll(async () => {
  assertDashboardBuilt();
  // api only: no workers, so what is written here stays as written (a captured conversion stays PENDING)
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new Db(t.databaseUrl);
  browser = await launchBrowser();

  const created = await t.ok<{ web: { id: string }; fb: { id: string }; li: { id: string } }>(`mutation {
    web: createDestination(input: { name: "Partner webhook", type: WEB, settings: { url: "http://127.0.0.1:9/paidsync" } }) { id }
    fb: createDestination(input: { name: "Meta Retail", type: FACEBOOK_ADS, settings: { adAccountId: "123" }, credentials: { accessToken: "t" } }) { id }
    li: createDestination(input: { name: "LinkedIn B2B", type: LINKEDIN_ADS, settings: { adAccountId: "9" }, credentials: { accessToken: "t" } }) { id }
  }`);
  Object.assign(ids, { web: created.web.id, facebook: created.fb.id, linkedin: created.li.id });
  Object.assign(dest, { web: idOf(created.web.id), facebook: idOf(created.fb.id), linkedin: idOf(created.li.id) });
  await t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [ids.web],
    },
  );

  // some history, in every state a conversion can be in
  conversionJob = await db.insertJob({
    destinationId: dest.web,
    syncType: 'OFFLINE_CONVERSION',
    status: 'AWAITING_RESPONSE',
    triggeredBy: 'capturePaidResponse',
  });
  const history: Array<[string, string, string, string]> = [
    ['ord-20931', 'Purchase', 'SUCCEEDED', `attempts = 1, last_attempt_at = now() - interval '40 minutes'`],
    ['lead-5521', 'Qualified lead', 'SUCCEEDED', `attempts = 1, last_attempt_at = now() - interval '31 minutes'`],
    [
      'ord-20940',
      'Purchase',
      'REJECTED',
      `attempts = 1, last_attempt_at = now() - interval '22 minutes', last_error = 'Partner answered 422: click id not recognised'`,
    ],
    [
      'ord-20944',
      'Purchase',
      'WAITING_FOR_RETRY',
      `attempts = 2, last_attempt_at = now() - interval '5 minutes', next_attempt_at = now() + interval '25 minutes', last_error = 'Partner answered 503: service unavailable'`,
    ],
    ['sub-881', 'Subscription', 'SENDING', `attempts = 1, last_attempt_at = now()`],
  ];
  for (const [eventId, name, status, set] of history) {
    const id = await capture(eventId, name);
    await db.query(`UPDATE conversion_events SET status = $2::"DeliveryStatus", sync_job_id = $3, ${set} WHERE id = $1`, [
      id,
      status,
      conversionJob,
    ]);
  }

  // and requests already made to destinations
  const segmentJob = await db.insertJob({
    destinationId: dest.facebook,
    syncType: 'SEGMENT',
    triggeredBy: 'High-value shoppers',
    recordsTotal: 1200,
  });
  const nbaJob = await db.insertJob({
    destinationId: dest.linkedin,
    syncType: 'NEXT_BEST_ACTION',
    status: 'FAILED',
    triggeredBy: 'retention / winback',
  });
  await db.insertApiCall({
    destinationId: dest.facebook,
    syncJobId: segmentJob,
    url: 'https://graph.facebook.com/v19.0/act_123/customaudiences?access_token=[redacted]',
    statusCode: 200,
    durationMs: 412,
    requestBody: '{"name":"High-value shoppers","subtype":"CUSTOM","customer_file_source":"USER_PROVIDED_ONLY"}',
    responseBody: '{"id":"23851234567890123"}',
    secondsAgo: 600,
  });
  await db.insertApiCall({
    destinationId: dest.facebook,
    syncJobId: segmentJob,
    url: 'https://graph.facebook.com/v19.0/23851234567890123/users?access_token=[redacted]',
    statusCode: 429,
    durationMs: 96,
    requestBody: '{"payload":{"schema":["EMAIL_SHA256"],"data":[["[1200 hashed rows]"]]}}',
    responseBody: '{"error":{"code":80003,"message":"There have been too many calls to this ad account."}}',
    secondsAgo: 590,
  });
  await db.insertApiCall({
    destinationId: dest.facebook,
    syncJobId: segmentJob,
    url: 'https://graph.facebook.com/v19.0/23851234567890123/users?access_token=[redacted]',
    statusCode: 200,
    durationMs: 688,
    requestBody: '{"payload":{"schema":["EMAIL_SHA256"],"data":[["[1200 hashed rows]"]]}}',
    responseBody: '{"audience_id":"23851234567890123","num_received":1200,"num_invalid_entries":1}',
    secondsAgo: 560,
  });
  await db.insertApiCall({
    destinationId: dest.linkedin,
    syncJobId: nbaJob,
    url: 'https://api.linkedin.com/rest/dmpSegments',
    statusCode: 401,
    durationMs: 143,
    requestBody: '{"name":"retention / winback","sourcePlatform":"paidsync","account":"urn:li:sponsoredAccount:9"}',
    responseBody: '{"status":401,"code":"EXPIRED_ACCESS_TOKEN","message":"The token used in the request has expired"}',
    secondsAgo: 300,
  });
  await db.insertApiCall({
    destinationId: dest.web,
    syncJobId: conversionJob,
    url: 'http://partner.example.com/paidsync/conversions',
    statusCode: null,
    durationMs: 10_000,
    requestBody: '{"eventId":"ord-20944","conversionName":"Purchase","value":129.9,"currency":"EUR"}',
    secondsAgo: 120,
  });
});

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await t?.stop();
});

describe('conversions, live', () => {
  const conversion = (page: Page, eventId: string) => page.locator(`tr.conversion[data-event-id="${eventId}"]`);

  async function openConversions() {
    const page = await signIn(browser, t.url, t.adminKey);
    await waitUntilLive(page);
    await page.getByRole('link', { name: 'Conversions' }).click();
    await conversion(page, 'ord-20931').waitFor();
    await mark(page);
    return page;
  }

  it('adds a conversion captured through the API at the top, without a reload', async () => {
    const page = await openConversions();
    expect(await page.locator('tr.conversion').first().getAttribute('data-event-id'), 'the newest seeded conversion first').toBe('sub-881');

    await capture('ord-21007', 'Purchase');
    await expect
      .poll(() => page.locator('tr.conversion').first().getAttribute('data-event-id'), {
        timeout: 15_000,
        message: 'expected the conversion captured through capturePaidResponse (ord-21007) to appear as the first row',
      })
      .toBe('ord-21007');
    expect(await conversion(page, 'ord-21007').textContent()).toContain('Pending');
    expect(await page.locator('tr.conversion').count(), 'the new row is added; none is lost').toBe(6);
    expect(await stillMarked(page), 'the page was not reloaded').toBe(true);
    expect(refetches(page, 'conversionEvents'), 'the row came from the subscription, not a refetch of the list').toEqual([]);
    await screenshot(page, 'conversions');
    await page.context().close();
  });

  it("updates a conversion's row in place when its delivery status changes", async () => {
    const id = await capture('ord-21010', 'Purchase');
    const page = await openConversions();
    const row = conversion(page, 'ord-21010');
    await expect.poll(() => row.getAttribute('data-status')).toBe('PENDING');

    await db.query(
      `UPDATE conversion_events SET status = 'WAITING_FOR_RETRY', attempts = 1, last_attempt_at = now(),
              next_attempt_at = now() + interval '30 minutes', last_error = 'Partner answered 503: service unavailable' WHERE id = $1`,
      [id],
    );
    await expect
      .poll(() => row.getAttribute('data-status'), { timeout: 15_000, message: 'expected the row of ord-21010 to turn WAITING_FOR_RETRY' })
      .toBe('WAITING_FOR_RETRY');
    expect(await row.textContent()).toContain('Partner answered 503');
    expect(await page.locator('tr.conversion[data-event-id="ord-21010"]').count(), 'updated in place, not added again').toBe(1);
    expect(await stillMarked(page), 'the page was not reloaded').toBe(true);
    expect(refetches(page, 'conversionEvents'), 'the row changed through the subscription, not a refetch of the list').toEqual([]);
    await page.context().close();
  });
});

describe('API inspector, live', () => {
  const call = (page: Page, id: number) => page.locator(`tr.call[data-call-id="${globalId('ApiCall', id)}"]`);
  const firstCallId = (page: Page) => page.locator('tr.call').first().getAttribute('data-call-id');

  async function openInspector(query = '') {
    const page = await signIn(browser, t.url, t.adminKey);
    await waitUntilLive(page);
    await page.getByRole('link', { name: 'API inspector' }).click();
    if (query) await page.goto(`${t.url}/api-calls${query}`);
    await page.locator('tr.call').first().waitFor();
    await waitUntilLive(page);
    await mark(page);
    return page;
  }

  it('shows a request to a destination at the top as it is recorded, without a reload', async () => {
    const page = await openInspector();
    const id = await db.insertApiCall({
      destinationId: dest.facebook,
      url: 'https://graph.facebook.com/v19.0/23851234567890123/users?access_token=[redacted]',
      statusCode: 200,
      durationMs: 231,
      requestBody: '{"payload":{"schema":["EMAIL_SHA256"],"data":[["[25 hashed rows]"]]}}',
      responseBody: '{"num_received":25,"num_invalid_entries":0}',
    });
    await expect
      .poll(() => firstCallId(page), { timeout: 15_000, message: `expected the recorded call ${id} to appear as the first row` })
      .toBe(globalId('ApiCall', id));
    expect(await call(page, id).textContent()).toContain('Meta Retail');
    expect(await stillMarked(page), 'the page was not reloaded').toBe(true);
    expect(refetches(page, 'apiCalls'), 'the row came from the subscription, not a refetch of the list').toEqual([]);
    await screenshot(page, 'api-inspector');

    await call(page, id).getByRole('button', { name: 'Show bodies' }).click();
    await page.getByText('"num_received": 25').waitFor();
    await screenshot(page, 'api-inspector-bodies');
    await page.context().close();
  });

  it("streams only the filtered destination's requests", async () => {
    const page = await openInspector(`?destination=${encodeURIComponent(ids.linkedin)}`);
    expect(await page.locator('tr.call', { hasNotText: 'LinkedIn B2B' }).count(), 'only LinkedIn calls are listed').toBe(0);

    const other = await db.insertApiCall({ destinationId: dest.facebook, url: 'https://graph.facebook.com/v19.0/act_123/customaudiences' });
    const mine = await db.insertApiCall({
      destinationId: dest.linkedin,
      url: 'https://api.linkedin.com/rest/dmpSegments/77/users',
      statusCode: 201,
    });
    // the two are announced in order: once the second is shown, the first has been passed over
    await expect
      .poll(() => firstCallId(page), { timeout: 15_000, message: `expected the LinkedIn call ${mine} to appear as the first row` })
      .toBe(globalId('ApiCall', mine));
    expect(await call(page, other).count(), 'the Meta call is not shown under the LinkedIn filter').toBe(0);
    expect(await stillMarked(page), 'the page was not reloaded').toBe(true);
    expect(refetches(page, 'apiCalls'), 'rows came from the subscription, not a refetch of the list').toEqual([]);
    await page.context().close();
  });

  it('holds new requests while paused and shows them on resume', async () => {
    const page = await openInspector();
    const before = await firstCallId(page);
    await page.getByRole('button', { name: 'Pause' }).click();

    const id = await db.insertApiCall({ destinationId: dest.web, url: 'http://partner.example.com/paidsync/conversions', statusCode: 202 });
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Paused' }).textContent(), {
        timeout: 15_000,
        message: 'expected the paused inspector to say one new call is waiting',
      })
      .toContain('1 new call waiting');
    expect(await firstCallId(page), 'the list stays still while paused').toBe(before);
    expect(await call(page, id).count()).toBe(0);

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => firstCallId(page), { message: 'expected the held call on top after Resume' }).toBe(globalId('ApiCall', id));
    expect(await stillMarked(page), 'the page was not reloaded').toBe(true);
    expect(refetches(page, 'apiCalls'), 'rows came from the subscription, not a refetch of the list').toEqual([]);
    await page.context().close();
  });
});
