// Retrying an old failed job after a newer job of its scope has run must not replay the old diff over
// the newer state (seeds/000: "to prevent customers being needlessly removed"): its membership items
// are withdrawn, exactly as the automatic retry schedule withdraws them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('withdraws the superseded items of a retried job and sends nothing', async () => {
  const destination = await s.webDestination('supersede', { batchSize: 2 });
  const customers = makeCustomers(4, 'sup');
  await s.customers(customers);
  const segment = await s.segment(
    'Supersede',
    [destination],
    customers.map((c) => c.externalId),
  );

  await s.control({ faults: [{ network: 'web', endpoint: 'supersede', kind: 'invalidToken' }] });
  const [old] = await s.syncSegment(segment);
  expect((await s.waitForJob(old!, ['FAILED', 'COMPLETED'])).status, 'the old job fails on the bad token').toBe('FAILED');

  await s.control({ clearFaults: 'web' });
  const [newer] = await s.syncSegment(segment);
  expect((await s.waitForJob(newer!, ['FAILED', 'COMPLETED'])).status, 'the newer job of the scope completes').toBe('COMPLETED');
  const audience = s.sim.simulator.state.web.endpoints.get('supersede')!.audiences.get('Supersede')!;
  expect(audience.size, 'the newer job delivered the whole segment').toBe(4);

  // the segment changes after the newer job: the old job's adds are stale now
  await s.t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
    id: segment,
    i: { customerExternalIds: [customers[0]!.externalId] },
  });
  const batchesBefore = s.sim.simulator.state.web.batches.length;
  expect((await s.job(old!)).canRetry, 'the old job is still the latest failed one, so Retry is offered').toBe(true);
  const retried = await s.t.gql<{ retrySyncJob: { status: string } }>('mutation($id: ID!) { retrySyncJob(id: $id) { status } }', {
    id: old,
  });
  expect(retried.errors, JSON.stringify(retried.errors)).toBeUndefined();
  const done = await s.waitForJob(old!, ['COMPLETED', 'FAILED']);
  expect(done.status, `the retried job settles with nothing left to send: ${JSON.stringify(done)}`).toBe('COMPLETED');
  expect(
    done.queueItems.edges.map((e) => e.node.status),
    'every failed item of the old job is withdrawn',
  ).toEqual(done.queueItems.edges.map(() => 'WITHDRAWN'));
  expect(s.sim.simulator.state.web.batches.length, 'nothing was sent over the newer state').toBe(batchesBefore);
});
