// In-run retries back off exponentially (with jitter into [½, 1] of each step): measured at the
// simulator, each wait between attempts is at least its step's floor, and the waits grow.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

const BASE_MS = 200;
let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_BACKOFF_BASE_MS: String(BASE_MS) } });
});
afterAll(() => s?.stop());

it('waits longer before each further attempt', async () => {
  const destination = await s.webDestination('backoff', { batchSize: 10 });
  const customers = makeCustomers(2, 'backoff');
  await s.customers(customers);
  const segment = await s.segment(
    'Backoff',
    [destination],
    customers.map((c) => c.externalId),
  );
  // the first three attempts meet an outage, the fourth goes through
  await s.control({ faults: [{ network: 'web', endpoint: 'backoff', kind: 'outage', mode: 'unavailable', count: 3 }] });
  const [id] = await s.syncSegment(segment);
  expect((await s.waitForJob(id!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');

  const attempts = s.sim.simulator.state.requests.filter((r) => r.endpoint === 'backoff');
  expect(
    attempts.map((r) => r.status),
    'three refusals, then success',
  ).toEqual([503, 503, 503, 200]);
  const waits = attempts.slice(1).map((r, i) => r.at - (attempts[i]!.at + attempts[i]!.durationMs));
  waits.forEach((wait, k) => {
    const floor = (BASE_MS * 2 ** k) / 2;
    expect(wait, `wait ${k + 1} (${waits.join(', ')} ms) is at least ${floor} ms`).toBeGreaterThanOrEqual(floor - 5);
  });
  expect(waits[2]!, `the waits grow (${waits.join(', ')} ms)`).toBeGreaterThan(waits[0]!);
});
