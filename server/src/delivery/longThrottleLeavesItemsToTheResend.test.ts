// A throttle longer than a run may wait (MAX_IN_RUN_WAIT_MS) holds every item of the destination,
// yet no worker sleeps through it: each item meeting the pause is left WAITING_FOR_RETRY for the
// automatic resend, without sending anything to the paused destination.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_IN_RUN_WAIT_MS } from './withInRunRetries.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('leaves the items that meet a long pause to the resend, sending nothing meanwhile', async () => {
  const destination = await s.webDestination('long-throttle', { batchSize: 1, concurrency: 1 });
  const customers = makeCustomers(3, 'long');
  await s.customers(customers);
  const segment = await s.segment(
    'Long throttle',
    [destination],
    customers.map((c) => c.externalId),
  );
  const retryAfterSeconds = MAX_IN_RUN_WAIT_MS / 1000 + 60;
  await s.control({ faults: [{ network: 'web', endpoint: 'long-throttle', kind: 'rateLimit', retryAfterSeconds, count: 1 }] });

  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['FAILED', 'COMPLETED']);
  expect(
    job.queueItems.edges.map((e) => e.node.status),
    'every item waits for the resend',
  ).toEqual(['WAITING_FOR_RETRY', 'WAITING_FOR_RETRY', 'WAITING_FOR_RETRY']);
  const requests = s.sim.simulator.state.requests.filter((r) => r.endpoint === 'long-throttle');
  expect(
    requests.map((r) => r.status),
    'only the request that was throttled reached the network',
  ).toEqual([429]);
  const { destination: paused } = await s.t.ok<any>('query($id: ID!) { destination(id: $id) { pausedUntil } }', { id: destination });
  expect(
    Date.parse(paused.pausedUntil) - (requests[0]!.at + requests[0]!.durationMs),
    'the destination stays paused as long as asked',
  ).toBeGreaterThan(retryAfterSeconds * 1000 - 1000);
});
