import { afterAll, beforeAll, expect, it } from 'vitest';
import { listenerAdded } from '../../test/support/subscription.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '2' } });
});
afterAll(() => s?.stop());

it('turns an item WAITING_FOR_RETRY at lastAttemptAt + interval during an outage, then RESENDING and SUCCEEDED', async () => {
  const destination = await s.webDestination('outage', { batchSize: 10 });
  const customers = makeCustomers(3, 'out');
  await s.customers(customers);
  const segment = await s.segment(
    'Outage',
    [destination],
    customers.map((c) => c.externalId),
  );
  // down for every in-run attempt of the first run
  await s.control({ faults: [{ network: 'web', endpoint: 'outage', kind: 'outage', mode: 'unavailable', count: 4 }] });

  const statuses: string[] = [];
  const client = s.t.ws();
  const listening = listenerAdded(s.t.app.services.liveEvents, 'queueItem');
  const subscription = client.iterate<{ queueItemUpdated: { status: string } }>({ query: 'subscription { queueItemUpdated { status } }' });
  const collecting = (async () => {
    for await (const event of subscription) {
      statuses.push(event.data!.queueItemUpdated.status);
      if (event.data!.queueItemUpdated.status === 'SUCCEEDED') break;
    }
  })();
  await listening;

  const [id] = await s.syncSegment(segment);
  const failed = await s.waitForJob(id!, ['FAILED']);
  const item = failed.queueItems.edges[0]!.node;
  expect(item.status, 'after the in-run attempts the item waits for the retry schedule').toBe('WAITING_FOR_RETRY');
  expect(Date.parse(item.nextAttemptAt!) - Date.parse(item.lastAttemptAt!), 'next attempt = last attempt + interval').toBe(2000);
  expect(failed.failureLayer).toBe('SYNC');
  expect(failed.error, 'the job says why').toMatch(/destination unavailable/);

  const done = await s.waitForJob(id!, ['COMPLETED'], 20_000);
  expect(done.queueItems.edges[0]!.node.status).toBe('SUCCEEDED');
  await collecting;
  expect(statuses, 'the item went WAITING_FOR_RETRY → RESENDING → SUCCEEDED').toEqual(
    expect.arrayContaining(['WAITING_FOR_RETRY', 'RESENDING', 'SUCCEEDED']),
  );
  expect(statuses.indexOf('RESENDING')).toBeGreaterThan(statuses.indexOf('WAITING_FOR_RETRY'));
  expect(s.sim.simulator.state.web.endpoints.get('outage')!.audiences.get('Outage')!.size).toBe(3);
});

it('fails an item, not waits, on a permanent refusal', async () => {
  const destination = await s.webDestination('permanent', { batchSize: 10 });
  const customers = makeCustomers(2, 'perm');
  await s.customers(customers);
  const segment = await s.segment(
    'Permanent',
    [destination],
    customers.map((c) => c.externalId),
  );
  await s.control({ faults: [{ network: 'web', endpoint: 'permanent', kind: 'rejectBatch', status: 409, reason: 'conflict' }] });

  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['FAILED', 'COMPLETED']);
  expect(job.status).toBe('FAILED');
  expect(job.queueItems.edges[0]!.node.status, 'a non-external error is final').toBe('FAILED');
  expect(job.recordsFailed).toBe(2);
  expect(job.canRetry, 'failed talking to the destination: Retry is offered').toBe(true);
});
