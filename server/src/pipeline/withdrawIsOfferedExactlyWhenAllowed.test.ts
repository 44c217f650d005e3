// One rule for Withdraw, served as canWithdraw: offered for a job that has not finished (a failed one
// whose items wait for the resend included), refused with CONFLICT for one that has; a withdrawn job's
// waiting items are never resent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '1' } });
});
afterAll(() => s?.stop());

const withdraw = (id: string) => s.t.gql<any>('mutation($id: ID!) { withdrawSyncJob(id: $id) { status canWithdraw } }', { id });
const canWithdraw = async (id: string) =>
  (await s.t.ok<any>('query($id: ID!) { syncJob(id: $id) { canWithdraw } }', { id })).syncJob.canWithdraw as boolean;

it('offers Withdraw exactly when the server accepts it', async () => {
  const destination = await s.webDestination('withdraw', { batchSize: 10 });
  await s.customers(makeCustomers(3, 'wd'));
  const done = await s.segment('Withdraw done', [destination], ['wd-0']);
  const [completed] = await s.syncSegment(done);
  expect((await s.waitForJob(completed!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  expect(await canWithdraw(completed!), 'a completed job is not offered Withdraw').toBe(false);
  const refused = await withdraw(completed!);
  expect(refused.errors?.[0]?.extensions?.code, 'and the server refuses it').toBe('CONFLICT');

  await s.control({ faults: [{ network: 'web', endpoint: 'withdraw', kind: 'outage', mode: 'unavailable' }] });
  const waiting = await s.segment('Withdraw waiting', [destination], ['wd-1', 'wd-2']);
  const [failed] = await s.syncSegment(waiting);
  const failedJob = await s.waitForJob(failed!, ['FAILED', 'COMPLETED']);
  expect(failedJob.status).toBe('FAILED');
  const dueAt = Date.parse(failedJob.queueItems.edges[0]!.node.nextAttemptAt!);
  expect(await canWithdraw(failed!), 'a failed job whose items wait is offered Withdraw').toBe(true);
  const withdrawn = await withdraw(failed!);
  expect(withdrawn.errors, JSON.stringify(withdrawn.errors)).toBeUndefined();
  expect(withdrawn.data.withdrawSyncJob, 'the server accepts it').toEqual({ status: 'WITHDRAWN', canWithdraw: false });

  await s.control({ clearFaults: 'web' });
  // a later job of another audience completes after the withdrawn items would have been resent
  await expect.poll(() => Date.now() > dueAt + 500, { timeout: 10_000, interval: 100 }).toBe(true);
  const later = await s.segment('Withdraw later', [destination], ['wd-0']);
  const [after] = await s.syncSegment(later);
  await s.waitForJob(after!, ['COMPLETED', 'FAILED']);
  const job = await s.job(failed!);
  expect(
    job.queueItems.edges.map((e) => e.node.status),
    'the withdrawn job sends nothing more',
  ).toEqual(job.queueItems.edges.map(() => 'WITHDRAWN'));
  expect(s.sim.simulator.state.web.endpoints.get('withdraw')!.audiences.get('Withdraw waiting')?.size ?? 0).toBe(0);
});
