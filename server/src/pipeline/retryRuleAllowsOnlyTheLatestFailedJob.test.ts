import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

const retry = (id: string) =>
  s.t.gql<{ retrySyncJob: { id: string; status: string } }>('mutation($id: ID!) { retrySyncJob(id: $id) { id status } }', { id });

it('offers Retry only on the latest failed job of a scope, and a retry resends only the failed items', async () => {
  const destination = await s.webDestination('retry', { batchSize: 2 });
  const customers = makeCustomers(6, 'retry');
  await s.customers(customers);
  const segment = await s.segment(
    'Retry',
    [destination],
    customers.map((c) => c.externalId),
  );

  // an older job of the scope fails on a bad token
  await s.control({ faults: [{ network: 'web', endpoint: 'retry', kind: 'invalidToken' }] });
  const [older] = await s.syncSegment(segment);
  const olderJob = await s.waitForJob(older!, ['FAILED', 'COMPLETED']);
  expect(olderJob.status).toBe('FAILED');
  expect(olderJob.failureLayer, 'a bad token is a sync-layer failure').toBe('SYNC');
  expect(olderJob.canRetry, 'while it is the latest failed job it can be retried').toBe(true);

  // a newer job of the same scope fails on its first request only
  await s.control({ clearFaults: 'web', faults: [{ network: 'web', endpoint: 'retry', kind: 'invalidToken', count: 1 }] });
  const [newer] = await s.syncSegment(segment);
  const newerJob = await s.waitForJob(newer!, ['FAILED', 'COMPLETED']);
  expect(newerJob.status).toBe('FAILED');
  await s.waitForJob(newer!, ['FAILED']); // settled with every item terminal

  const olderNow = await s.job(older!);
  expect(olderNow.canRetry, 'a newer failed job of the same scope takes the Retry away').toBe(false);
  const refused = await retry(older!);
  expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(refused.errors)).toBe('NOT_RETRYABLE');
  expect(refused.errors?.[0]?.message).toMatch(/newer job/);
  expect((await s.job(older!)).status, 'a refused retry changes nothing').toBe('FAILED');

  const before = (await s.job(newer!)).queueItems.edges.map((e) => e.node);
  const failed = before.filter((i) => i.status === 'FAILED');
  const succeeded = before.filter((i) => i.status === 'SUCCEEDED');
  expect(failed.length, `some items failed: ${JSON.stringify(before)}`).toBeGreaterThan(0);
  const batchesBefore = s.sim.simulator.state.web.batches.length;

  const accepted = await retry(newer!);
  expect(accepted.errors, JSON.stringify(accepted.errors)).toBeUndefined();
  expect(accepted.data!.retrySyncJob.status, 'Retry turns the job Running').toBe('RUNNING');
  const done = await s.waitForJob(newer!, ['COMPLETED', 'FAILED']);
  expect(done.status).toBe('COMPLETED');

  const resent = s.sim.simulator.state.web.batches.slice(batchesBefore);
  expect(resent.length, 'only the failed items were sent again').toBe(failed.length);
  const after = new Map(done.queueItems.edges.map((e) => [e.node.id, e.node]));
  for (const item of succeeded) expect(after.get(item.id)!.attempts, 'delivered items are not sent again').toBe(item.attempts);
  expect(s.sim.simulator.state.web.endpoints.get('retry')!.audiences.get('Retry')!.size).toBe(6);
});
