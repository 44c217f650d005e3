import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('isolates 3 bad records in a batch of 64 within 40 requests and delivers the other 61', async () => {
  const destination = await s.webDestination('split', { batchSize: 64 });
  const customers = makeCustomers(64, 'split');
  await s.customers(customers);
  const segment = await s.segment(
    'Split',
    [destination],
    customers.map((c) => c.externalId),
  );
  const bad = ['split-5', 'split-33', 'split-34'];
  await s.control({
    faults: [{ network: 'web', endpoint: 'split', kind: 'rejectBatch', values: bad, status: 422, reason: 'invalid record' }],
  });

  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);

  expect(job.status, `a job whose only problems are rejected records completes: ${job.error}`).toBe('COMPLETED');
  expect(job.recordsAdded, 'the 61 good records are accepted').toBe(61);
  expect(job.recordsRejected).toBe(3);
  const rejected = job.rejectedRecords.edges.map((e) => e.node);
  expect(rejected.map((r) => r.primaryKey).sort(), 'each bad record is kept by its primary key').toEqual([...bad].sort());
  expect(
    rejected.every((r) => r.reason.includes('invalid record')),
    'with the reason the endpoint gave',
  ).toBe(true);

  const requests = s.sim.simulator.state.requests.filter((r) => r.network === 'web' && r.endpoint === 'split').length;
  expect(requests, `k bad among n cost O(k log n) requests (took ${requests})`).toBeLessThanOrEqual(40);
  const audience = s.sim.simulator.state.web.endpoints.get('split')!.audiences.get('Split')!;
  expect(audience.size, 'the endpoint holds the 61 good records').toBe(61);
  for (const key of bad) expect(audience.has(key), `${key} was never accepted`).toBe(false);

  // rejected records are not members, so the next run of the same scope sends them again
  await s.control({ clearFaults: 'web' });
  const [again] = await s.syncSegment(segment);
  const rerun = await s.waitForJob(again!, ['COMPLETED', 'FAILED']);
  expect(rerun.recordsAdded, 'the next run resends exactly the 3 rejected records').toBe(3);
  expect(audience.size).toBe(64);
});
