// The dashboard lists the outbound runs repeated on a schedule and removes one (with a confirming
// second click), in a real browser against the real server.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, Db, launchBrowser, signIn } from './support.ts';

let t: TestApp;
let db: Db;
let browser: Browser;

beforeAll(async () => {
  assertDashboardBuilt();
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new Db(t.databaseUrl);
  browser = await launchBrowser();
  const { createDestination } = await t.ok<any>(
    'mutation { createDestination(input: { name: "Partner webhook", type: WEB, settings: { url: "http://127.0.0.1:9/x" } }) { id } }',
  );
  const destinationId = Number(Buffer.from(createDestination.id, 'base64').toString().split(':').pop());
  await db.query(
    `INSERT INTO outbound_schedules (issue, group_name, customer_external_ids, destination_ids, cron) VALUES ('Retention', 'Nightly', ARRAY['a', 'b'], ARRAY[$1::int], '0 3 * * *')`,
    [destinationId],
  );
});
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await t?.stop();
});

it('lists an outbound schedule and removes it', async () => {
  const page = await signIn(browser, t.url, t.adminKey);
  await page.goto(t.url + '/segments');
  const row = page.locator('tr.schedule[data-schedule="Retention/Nightly"]');
  await row.waitFor();
  expect(await row.innerText()).toMatch(/Retention \/ Nightly\s+0 3 \* \* \*\s+2 listed customers\s+Partner webhook/);
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.getByRole('button', { name: 'Confirm remove' }).click();
  await expect.poll(() => row.count(), { message: 'the row leaves once removed' }).toBe(0);
  expect((await t.ok<any>('{ outboundSchedules { id } }')).outboundSchedules, 'the server has no schedule left').toEqual([]);
});
