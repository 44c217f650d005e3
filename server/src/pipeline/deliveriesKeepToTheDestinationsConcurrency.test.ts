// A destination's `concurrency` setting is how many of its requests may be in flight at once, across
// every worker (a claim is a slot, counted under the destination's row lock): measured at the
// simulator as the most requests it was answering at one moment.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

/** the most requests to `endpoint` the simulator was answering at one moment */
function mostInFlight(endpoint: string): number {
  const edges = s.sim.simulator.state.requests
    .filter((r) => r.endpoint === endpoint)
    .flatMap(
      (r) =>
        [
          [r.at, 1],
          [r.at + r.durationMs, -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]); // an end before a start at the same moment
  let now = 0;
  let most = 0;
  for (const [, change] of edges) most = Math.max(most, (now += change));
  return most;
}

it.each([1, 3])('keeps at most %i request(s) of a destination in flight', async (concurrency) => {
  const name = `concurrency-${concurrency}`;
  const destination = await s.webDestination(name, { batchSize: 1, concurrency, requestsPerSecond: 1000 });
  const customers = makeCustomers(9, name);
  await s.customers(customers);
  const segment = await s.segment(
    name,
    [destination],
    customers.map((c) => c.externalId),
  );
  await s.control({ faults: [{ network: 'web', endpoint: name, kind: 'latency', ms: 500 }] });

  const [job] = await s.syncSegment(segment);
  expect((await s.waitForJob(job!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  expect(mostInFlight(name), `${concurrency} at once, never more, and the limit is used`).toBe(concurrency);
});
