// A re-sync reads and hashes only the customers that can change the audience: those whose PII
// changed since their membership was confirmed, those joining and those leaving. Everyone else's
// membership already records the PII version its identifiers were hashed from.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payloadLog } from '../../test/support/payloadLog.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
const payloads = payloadLog();
beforeAll(async () => {
  s = await startSyncScenario(payloads.options);
});
afterAll(() => s?.stop());

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

async function syncAndCountHashed(segment: string) {
  const before = payloads.runs.length;
  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
  expect(job.status, `the sync should complete: ${JSON.stringify(job)}`).toBe('COMPLETED');
  expect(payloads.runs.length, 'stage 1 reports once per job').toBe(before + 1);
  return { job, hashed: payloads.of(id!)!.customersHashed };
}

it('hashes only changed, joining and leaving customers, and forgets versions when the identifier fields change', async () => {
  const destination = await s.webDestination('versions', { batchSize: 50 });
  const customers = makeCustomers(40, 'ver');
  await s.customers(customers);
  const members = (from: number, to: number) => customers.slice(from, to).map((c) => c.externalId);
  const segment = await s.segment('Versions', [destination], members(0, 30));

  const first = await syncAndCountHashed(segment);
  expect(first.hashed, 'the first run hashes every member').toBe(30);

  // one member's email changes, one leaves, one joins; a non-PII change (consent kept) moves nothing
  await s.customers([{ externalId: 'ver-3', email: 'changed-3@example.com' }]);
  await s.customers([{ externalId: 'ver-4', attributes: { plan: 'gold' } }]);
  await s.t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
    id: segment,
    i: { customerExternalIds: members(1, 31) },
  });
  const second = await syncAndCountHashed(segment);
  expect(second.hashed, 'only the changed member, the leaver and the joiner are hashed').toBe(3);
  expect(
    { added: second.job.recordsAdded, removed: second.job.recordsRemoved },
    'the changed member is re-added with new identifiers',
  ).toEqual({ added: 2, removed: 1 });
  const audience = s.sim.simulator.state.web.endpoints.get('versions')!.audiences.get('Versions')!;
  expect(audience.get('ver-3')!.EMAIL, 'the endpoint holds the new email hash').toBe(sha('changed-3@example.com'));

  const idle = await syncAndCountHashed(segment);
  expect(idle.hashed, 'nothing changed: nothing is hashed').toBe(0);

  // a settings change that does not touch the identifiers keeps the versions
  await s.t.ok('mutation($id: ID!, $i: UpdateDestinationInput!) { updateDestination(id: $id, input: $i) { id } }', {
    id: destination,
    i: { settings: { url: `${s.sim.url}/web/versions`, batchSize: 25 } },
  });
  expect((await syncAndCountHashed(segment)).hashed, 'a batch size change hashes nobody again').toBe(0);

  // choosing other identifier fields makes every member's identifiers different: all hashed, all re-sent
  await s.t.ok('mutation($id: ID!, $i: UpdateDestinationInput!) { updateDestination(id: $id, input: $i) { id } }', {
    id: destination,
    i: { settings: { url: `${s.sim.url}/web/versions`, batchSize: 25, fields: ['EMAIL'] } },
  });
  const refields = await syncAndCountHashed(segment);
  expect(refields.hashed, 'new identifier fields: every member is hashed again').toBe(30);
  expect((await syncAndCountHashed(segment)).hashed, 'and the run after that hashes nobody').toBe(0);

  // a PII change outside the chosen fields: hashed once, nothing sent, and the version is remembered
  await s.customers([{ externalId: 'ver-5', email: customers[5]!.email, city: 'Lisbon' }]);
  const cityOnly = await syncAndCountHashed(segment);
  expect(
    { hashed: cityOnly.hashed, total: cityOnly.job.recordsTotal },
    'the changed customer is hashed but its identifiers are the same',
  ).toEqual({ hashed: 1, total: 0 });
  expect((await syncAndCountHashed(segment)).hashed, 'its membership learnt the new version').toBe(0);
});
