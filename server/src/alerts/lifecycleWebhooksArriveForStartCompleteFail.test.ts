import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhookReceiver.ts';

const SECRET = 'lifecycle-signing-secret';
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

it('sends signed lifecycle webhooks when a job starts, completes and fails, and none about its own deliveries', async () => {
  const healthy = await s.webDestination('healthy', { batchSize: 10 });
  const broken = await s.webDestination('broken', { batchSize: 10 });
  const hook = await receiver.destination(s.t, 'lifecycle receiver');
  await s.t.ok('mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
    i: { name: 'Job lifecycle', kind: 'LIFECYCLE', webhookDestinationId: hook },
  });
  await s.control({ faults: [{ network: 'web', endpoint: 'broken', kind: 'invalidToken' }] });

  const completed = await s.syncNewCustomersTo(healthy, 'life-ok');
  const failed = await s.syncNewCustomersTo(broken, 'life-bad');
  expect([completed.status, failed.status]).toEqual(['COMPLETED', 'FAILED']);

  // each webhook is its own delivery, so they may arrive in any order: `at` is when the status changed
  const about = (jobId: string) =>
    receiver.received
      .filter((r) => (r.syncJob as { id: string }).id === jobId)
      .sort((a, b) => Date.parse(a.at as string) - Date.parse(b.at as string))
      .map((r) => r.event);
  await receiver.waitFor(() => about(completed.id).length === 2 && about(failed.id).length === 2, 'start and end of both jobs');
  expect(about(completed.id)).toEqual(['sync_job.started', 'sync_job.completed']);
  expect(about(failed.id)).toEqual(['sync_job.started', 'sync_job.failed']);
  const failure = receiver.received.find((r) => r.event === 'sync_job.failed')!;
  expect(failure.text, 'a Slack-compatible text saying what happened').toMatch(/segment sync job \d+ to broken failed: .+/);
  expect(failure.syncJob).toMatchObject({ status: 'FAILED', syncType: 'SEGMENT', destination: { name: 'broken' } });

  // the webhooks' own jobs complete without webhooks about themselves
  await new Promise((r) => setTimeout(r, 1500));
  expect(receiver.received, 'exactly the four lifecycle webhooks').toHaveLength(4);
});
