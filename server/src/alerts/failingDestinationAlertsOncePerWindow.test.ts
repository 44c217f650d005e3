import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhookReceiver.ts';

const SECRET = 'alert-signing-secret';
let s: SyncScenario;
let receiver: WebhookReceiver;
beforeAll(async () => {
  s = await startSyncScenario();
  receiver = await startWebhookReceiver(SECRET);
});
afterAll(async () => {
  await s?.stop();
  await receiver?.close();
});

it("fires a failing destination's alert once per rule window, signed, with a Slack-compatible text", async () => {
  const failing = await s.webDestination('failing', { batchSize: 10 });
  const hook = await receiver.destination(s.t, 'alerts receiver');
  const { createAlertRule } = await s.t.ok<{ createAlertRule: { id: string; kind: string } }>(
    'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id kind } }',
    { i: { name: 'Failing sync', kind: 'JOB_FAILED', windowMinutes: 60, destinationId: failing, webhookDestinationId: hook } },
  );
  expect(createAlertRule.kind).toBe('JOB_FAILED');
  await s.control({ faults: [{ network: 'web', endpoint: 'failing', kind: 'invalidToken' }] });

  const first = await s.syncNewCustomersTo(failing, 'fail-a');
  expect(first.status, 'the destination fails the job').toBe('FAILED');
  const [alert] = await receiver.waitFor((r) => r.length >= 1, 'one alert');
  expect(alert!.event).toBe('alert');
  expect(alert!.text).toMatch(/paidsync alert “Failing sync”: sync job \d+ to failing failed/);
  expect(alert!.rule).toMatchObject({ name: 'Failing sync', kind: 'JOB_FAILED' });

  // two more failures in the same window: the rule has fired for it already
  expect((await s.syncNewCustomersTo(failing, 'fail-b')).status).toBe('FAILED');
  expect((await s.syncNewCustomersTo(failing, 'fail-c')).status).toBe('FAILED');
  await expect
    .poll(
      async () => {
        const { rows } = await s.t.app.services.pool.query('SELECT count(*)::int AS n FROM job_lifecycle_events');
        return rows[0].n;
      },
      { message: 'every failure event was dispatched', timeout: 10_000 },
    )
    .toBe(0);
  const { syncJobs } = await s.t.ok<{ syncJobs: { edges: Array<{ node: { status: string } }> } }>(
    '{ syncJobs(first: 50, filter: { syncType: NOTIFICATION }) { edges { node { status } } } }',
  );
  expect(syncJobs.edges.length, 'one notification job for the window').toBe(1);
  expect(
    receiver.received.filter((r) => r.event === 'alert'),
    'one alert per window, not one per failure',
  ).toHaveLength(1);

  // the next window fires again
  await s.t.app.services.pool.query('UPDATE alert_rules SET last_fired_window = last_fired_window - 1');
  expect((await s.syncNewCustomersTo(failing, 'fail-d')).status).toBe('FAILED');
  await receiver.waitFor((r) => r.filter((x) => x.event === 'alert').length === 2, 'a second alert in the next window');
});
