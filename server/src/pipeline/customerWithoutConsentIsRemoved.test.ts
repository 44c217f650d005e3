import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('never sends a customer without ad consent, and removes one who withdraws it', async () => {
  const destination = await s.webDestination('consent');
  const customers = makeCustomers(4, 'consent');
  await s.customers([...customers.slice(0, 3), { ...customers[3]!, adConsent: false }]);
  const segment = await s.segment(
    'Consent',
    [destination],
    customers.map((c) => c.externalId),
  );

  const [first] = await s.syncSegment(segment);
  expect((await s.waitForJob(first!, ['COMPLETED', 'FAILED'])).recordsAdded).toBe(3);
  const audience = s.sim.simulator.state.web.endpoints.get('consent')!.audiences.get('Consent')!;
  expect([...audience.keys()].sort(), 'the customer without consent was not sent').toEqual(['consent-0', 'consent-1', 'consent-2']);

  await s.customers([{ externalId: 'consent-1', adConsent: false }]);
  const [second] = await s.syncSegment(segment);
  const job = await s.waitForJob(second!, ['COMPLETED', 'FAILED']);
  expect({ added: job.recordsAdded, removed: job.recordsRemoved }).toEqual({ added: 0, removed: 1 });
  expect([...audience.keys()].sort(), 'withdrawn consent removes the customer from the audience').toEqual(['consent-0', 'consent-2']);
  const everSent = s.sim.simulator.state.web.batches.filter((b) => b.operation === 'add').flatMap((b) => b.records.map((r) => r.id));
  expect(everSent, 'consent-3 never left paidsync').not.toContain('consent-3');
});
