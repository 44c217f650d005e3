// seeds/001: Waiting for retry → Resending → Success / Failure, or back to Waiting for retry when the
// external problem persists. The two outcomes no other test pins: a permanent error on the resend
// ends the item FAILED, and a problem that persists makes it wait again, for a later resend.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '1' } });
});
afterAll(() => s?.stop());

async function waitingJob(endpoint: string) {
  const destination = await s.webDestination(endpoint, { batchSize: 10 });
  const customers = makeCustomers(2, endpoint);
  await s.customers(customers);
  const segment = await s.segment(
    endpoint,
    [destination],
    customers.map((c) => c.externalId),
  );
  await s.control({ faults: [{ network: 'web', endpoint, kind: 'outage', mode: 'unavailable', count: 4 }] });
  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['FAILED', 'COMPLETED']);
  expect(job.queueItems.edges[0]!.node.status, 'the in-run attempts left it waiting').toBe('WAITING_FOR_RETRY');
  return { id: id!, item: job.queueItems.edges[0]!.node };
}

it('ends the item FAILED when the resend meets a permanent error', async () => {
  const { id } = await waitingJob('resend-permanent');
  await s.control({ faults: [{ network: 'web', endpoint: 'resend-permanent', kind: 'rejectBatch', status: 409, reason: 'conflict' }] });
  await expect
    .poll(async () => (await s.job(id)).queueItems.edges[0]!.node.status, { timeout: 20_000, interval: 100, message: 'the resend ends it' })
    .toBe('FAILED');
  const job = await s.waitForJob(id, ['FAILED']);
  expect({ status: job.status, failureLayer: job.failureLayer, error: job.error }).toEqual({
    status: 'FAILED',
    failureLayer: 'SYNC',
    error: expect.stringMatching(/409/),
  });
  expect(
    (await s.t.ok<any>('query($id: ID!) { syncJob(id: $id) { nextRetryAt } }', { id })).syncJob.nextRetryAt,
    'nothing waits for a resend',
  ).toBeNull();
});

it('makes the item wait again, for a later resend, while the problem persists', async () => {
  const { id, item } = await waitingJob('resend-persists');
  await s.control({ faults: [{ network: 'web', endpoint: 'resend-persists', kind: 'outage', mode: 'unavailable' }] });
  await expect
    .poll(
      async () => {
        const node = (await s.job(id)).queueItems.edges[0]!.node;
        return node.status === 'WAITING_FOR_RETRY' && node.attempts > item.attempts ? node : undefined;
      },
      { timeout: 20_000, interval: 100, message: 'the resend ran and the item waits again' },
    )
    .toBeDefined();
  const again = (await s.job(id)).queueItems.edges[0]!.node;
  expect(Date.parse(again.nextAttemptAt!), 'the next resend is later than the first').toBeGreaterThan(Date.parse(item.nextAttemptAt!));
  expect(Date.parse(again.nextAttemptAt!) - Date.parse(again.lastAttemptAt!), 'again interval after its last attempt').toBe(1000);

  await s.control({ clearFaults: 'web' });
  expect((await s.waitForJob(id, ['COMPLETED'], 20_000)).queueItems.edges[0]!.node.status).toBe('SUCCEEDED');
});
