import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('waits out a 429 with Retry-After: 2 before the next request', async () => {
  const destination = await s.webDestination('throttled', { batchSize: 10 });
  const customers = makeCustomers(5, 'thr');
  await s.customers(customers);
  const segment = await s.segment(
    'Throttled',
    [destination],
    customers.map((c) => c.externalId),
  );
  await s.control({ faults: [{ network: 'web', endpoint: 'throttled', kind: 'rateLimit', retryAfterSeconds: 2, count: 1 }] });

  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
  expect(job.status).toBe('COMPLETED');

  const requests = s.sim.simulator.state.requests.filter((r) => r.endpoint === 'throttled');
  expect(
    requests.map((r) => r.status),
    'one throttled answer, then success',
  ).toEqual([429, 200]);
  const gap = requests[1]!.at - (requests[0]!.at + requests[0]!.durationMs);
  expect(gap, `the retry came ${gap} ms after the 429; Retry-After asked for 2000`).toBeGreaterThanOrEqual(1990);
});
