import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhookReceiver.ts';

const SECRET = 'outage-signing-secret';
let s: SyncScenario;
let receiver: WebhookReceiver;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '2' } });
  receiver = await startWebhookReceiver(SECRET);
});
afterAll(async () => {
  await s?.stop();
  await receiver?.close();
});

it('keeps an alert through an outage of its receiver: waits for retry, then is delivered, with its calls in the API inspector', async () => {
  const failing = await s.webDestination('down-dest', { batchSize: 10 });
  const hook = await receiver.destination(s.t, 'flaky receiver');
  await s.t.ok('mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
    i: { name: 'Failing sync', kind: 'JOB_FAILED', webhookDestinationId: hook },
  });
  receiver.failFirst = 4; // every in-run attempt of the first delivery
  await s.control({ faults: [{ network: 'web', endpoint: 'down-dest', kind: 'invalidToken' }] });
  expect((await s.syncNewCustomersTo(failing, 'outage')).status).toBe('FAILED');

  const notificationJob = async () =>
    (
      await s.t.ok<{ syncJobs: { edges: Array<{ node: { id: string } }> } }>(
        '{ syncJobs(first: 1, filter: { syncType: NOTIFICATION }) { edges { node { id } } } }',
      )
    ).syncJobs.edges[0]?.node.id;
  await expect.poll(notificationJob, { message: 'the alert became a notification job', timeout: 10_000 }).toBeDefined();
  const id = (await notificationJob())!;
  const waiting = await s.waitForJob(id, ['FAILED']);
  expect(waiting.queueItems.edges[0]!.node, 'the receiver is down: the alert waits for the retry schedule').toMatchObject({
    status: 'WAITING_FOR_RETRY',
    operation: 'NOTIFICATION',
  });
  expect(receiver.received, 'nothing arrived during the outage').toEqual([]);

  const done = await s.waitForJob(id, ['COMPLETED'], 30_000);
  expect(done.queueItems.edges[0]!.node.status).toBe('SUCCEEDED');
  expect(
    receiver.received.map((r) => r.event),
    'delivered once, after the outage',
  ).toEqual(['alert']);
  const { apiCalls } = await s.t.ok<{ apiCalls: { edges: Array<{ node: { statusCode: number | null } }> } }>(
    'query($d: ID!) { apiCalls(first: 20, destinationId: $d) { edges { node { statusCode } } } }',
    { d: hook },
  );
  const statuses = apiCalls.edges.map((e) => e.node.statusCode);
  expect(statuses, 'the failed and the delivered calls show in the API inspector').toEqual(expect.arrayContaining([503, 200]));
});
