import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

it('delivers exactly the hashed members, then only the adds and removes', async () => {
  const destination = await s.webDestination('diff', { batchSize: 4 });
  const customers = makeCustomers(10, 'diff');
  await s.customers(customers.map((c) => ({ ...c, email: `  ${c.email.toUpperCase()} ` })));
  const segment = await s.segment(
    'Diff',
    [destination],
    customers.slice(0, 8).map((c) => c.externalId),
  );

  const [first] = await s.syncSegment(segment);
  const job = await s.waitForJob(first!, ['COMPLETED', 'FAILED']);
  expect(job.status, `first run should complete: ${JSON.stringify(job)}`).toBe('COMPLETED');
  expect(job.recordsAdded, 'first run adds all 8 members').toBe(8);
  const audience = s.sim.simulator.state.web.endpoints.get('diff')!.audiences.get('Diff')!;
  expect([...audience.keys()].sort(), 'the endpoint holds exactly the segment').toEqual(
    customers
      .slice(0, 8)
      .map((c) => c.externalId)
      .sort(),
  );
  for (const c of customers.slice(0, 8)) {
    expect(audience.get(c.externalId)!.EMAIL, `email of ${c.externalId} is sent normalised and hashed, never raw`).toBe(sha(c.email));
  }
  const batchesBefore = s.sim.simulator.state.web.batches.length;

  // two leave, two join
  await s.t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
    id: segment,
    i: { customerExternalIds: customers.slice(2, 10).map((c) => c.externalId) },
  });
  const [second] = await s.syncSegment(segment);
  const next = await s.waitForJob(second!, ['COMPLETED', 'FAILED']);
  expect(next.status).toBe('COMPLETED');
  expect({ added: next.recordsAdded, removed: next.recordsRemoved }, 'second run sends only the diff').toEqual({ added: 2, removed: 2 });
  const sent = s.sim.simulator.state.web.batches.slice(batchesBefore);
  const ids = (operation: string) =>
    sent
      .filter((b) => b.operation === operation)
      .flatMap((b) => b.records.map((r) => r.id))
      .sort();
  expect(ids('add'), 'only the two new members are added').toEqual(['diff-8', 'diff-9']);
  expect(ids('remove'), 'only the two leavers are removed').toEqual(['diff-0', 'diff-1']);
  expect([...audience.keys()].sort()).toEqual(
    customers
      .slice(2, 10)
      .map((c) => c.externalId)
      .sort(),
  );

  // a third run with nothing changed sends nothing
  const [third] = await s.syncSegment(segment);
  const idle = await s.waitForJob(third!, ['COMPLETED', 'FAILED']);
  expect(idle.recordsTotal, 'an unchanged segment has nothing to send').toBe(0);
  expect(s.sim.simulator.state.web.batches.length).toBe(batchesBefore + sent.length);
});
