// DESIGN.md: rejected records are kept by primary key and sent again on the next run of the same
// scope, so fixed upstream data goes through; once accepted they leave the rejected list. Pinned on
// add-only real-time requests, which carry only their own customers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('sends the rejected primary keys again with the next request of the issue/group, and drops them from the list once accepted', async () => {
  const destination = await s.webDestination('rejected-next-run');
  await s.customers(makeCustomers(4, 'rnr'));
  const request = async (externalIds: string[], group = 'Cards') => {
    const { requestPaidAction } = await s.t.ok<{ requestPaidAction: Array<{ id: string }> }>(
      'mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { id } }',
      {
        i: { source: 'REALTIME_CONTAINER', issue: 'Rejects', group, customerExternalIds: externalIds, destinationIds: [destination] },
      },
    );
    const job = await s.waitForJob(requestPaidAction[0]!.id, ['COMPLETED', 'FAILED']);
    expect(job.status, JSON.stringify(job)).toBe('COMPLETED');
    return job;
  };
  await s.control({
    faults: [{ network: 'web', endpoint: 'rejected-next-run', kind: 'rejectRecords', values: ['rnr-1'], reason: 'bad record' }],
  });
  const first = await request(['rnr-0', 'rnr-1']);
  expect(
    first.rejectedRecords.edges.map((e) => e.node),
    'rnr-1 was rejected',
  ).toEqual([{ primaryKey: 'rnr-1', reason: 'bad record' }]);

  // another issue/group is another scope: it does not take rnr-1 along
  const other = await request(['rnr-3'], 'Loans');
  expect(other.recordsAdded, 'a request of another scope sends only its own customer').toBe(1);

  await s.control({ clearFaults: 'web' });
  const second = await request(['rnr-2']);
  expect(second.recordsAdded, 'the next request of the scope sends its customer and the rejected one').toBe(2);
  const firstAgain = await s.job(first.id);
  expect(firstAgain.rejectedRecords.totalCount, 'accepted since, rnr-1 left the rejected list').toBe(0);
  expect(firstAgain.recordsRejected, 'the run still counts what it saw rejected').toBe(1);
  const audience = s.sim.simulator.state.web.endpoints.get('rejected-next-run')!.audiences.get('Rejects / Cards')!;
  expect([...audience.keys()].sort()).toEqual(['rnr-0', 'rnr-1', 'rnr-2']);

  const third = await request(['rnr-0']);
  expect(third.recordsAdded, 'once accepted, it is not sent again').toBe(0);
});
