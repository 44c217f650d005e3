import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('computes the diff and a sample, sends nothing and changes no membership', async () => {
  const destination = await s.webDestination('dry');
  const customers = makeCustomers(5, 'dry');
  await s.customers(customers);
  const segment = await s.segment(
    'Dry',
    [destination],
    customers.map((c) => c.externalId),
  );

  const [id] = await s.syncSegment(segment, { dryRun: true });
  await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
  const { syncJob } = await s.t.ok<{ syncJob: { status: string; dryRun: boolean; dryRunSample: any; recordsTotal: number } }>(
    'query($id: ID!) { syncJob(id: $id) { status dryRun dryRunSample recordsTotal } }',
    { id },
  );
  expect(syncJob).toMatchObject({ status: 'COMPLETED', dryRun: true, recordsTotal: 5 });
  expect(syncJob.dryRunSample.adds, 'the sample names the customers it would add').toEqual(customers.map((c) => c.externalId));
  expect(
    s.sim.simulator.state.requests.filter((r) => r.network === 'web'),
    'a dry run sends nothing',
  ).toEqual([]);

  const [real] = await s.syncSegment(segment);
  const job = await s.waitForJob(real!, ['COMPLETED', 'FAILED']);
  expect(job.recordsAdded, 'the dry run confirmed no membership, so the real run adds all').toBe(5);
});
