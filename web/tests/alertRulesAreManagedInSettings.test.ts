// Settings > Alerts and webhooks in a real browser: an admin adds a rule sending to a Web destination,
// sees it listed, and removes it (with a confirming second click).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../server/test/support/testApp.ts';
import { assertDashboardBuilt, launchBrowser, screenshot, signIn } from './support.ts';

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  assertDashboardBuilt();
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  browser = await launchBrowser();
  await t.ok(
    'mutation { createDestination(input: { name: "Slack alerts", type: WEB, settings: { url: "http://127.0.0.1:9/hook" } }) { id } }',
  );
  await t.ok('mutation { createDestination(input: { name: "Meta", type: WEB, settings: { url: "http://127.0.0.1:9/meta" } }) { id } }');
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

it('adds a rejection-rate alert and removes it', async () => {
  const page = await signIn(browser, t.url, t.adminKey);
  await page.goto(t.url + '/settings');
  const form = page.getByRole('form', { name: 'New alert rule' });
  await form.waitFor();
  await form.getByLabel('Name').fill('Meta rejects too much');
  await form.getByLabel('When').selectOption({ label: 'Rejection rate over' });
  await form.getByLabel('Threshold (%)').fill('5');
  await form.getByLabel('Once per (min)').fill('30');
  await form.getByLabel('Watch').selectOption({ label: 'Meta' });
  await form.getByLabel('Send to').selectOption({ label: 'Slack alerts' });
  await form.getByRole('button', { name: 'Add rule' }).click();

  const row = page.locator('tr[data-rule="Meta rejects too much"]');
  await row.waitFor();
  expect(await row.innerText()).toMatch(/Meta rejects too much\s+Rejection rate over 5 %, once per 30 min\s+Meta\s+Slack alerts\s+never/);
  const { alertRules } = await t.ok<any>(
    '{ alertRules { kind threshold windowMinutes destination { name } webhookDestination { name } } }',
  );
  expect(alertRules).toEqual([
    {
      kind: 'REJECTION_RATE',
      threshold: 5,
      windowMinutes: 30,
      destination: { name: 'Meta' },
      webhookDestination: { name: 'Slack alerts' },
    },
  ]);
  await screenshot(page, 'settings-alert-rules');

  await row.getByRole('button', { name: 'Remove' }).click();
  await row.getByRole('button', { name: 'Confirm remove' }).click();
  await expect.poll(() => row.count(), { message: 'the row leaves once removed' }).toBe(0);
  expect((await t.ok<any>('{ alertRules { id } }')).alertRules).toEqual([]);
});
