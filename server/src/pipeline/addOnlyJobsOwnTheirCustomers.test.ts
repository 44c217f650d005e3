// Add-only jobs own their customers (DESIGN.md "Who owns a customer's item"): two real-time requests
// of one issue/group, or two conversion-audience jobs, caught by one outage, each deliver all their
// customers when it ends; neither is withdrawn because the other is newer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '1' } });
});
afterAll(() => s?.stop());

const members = (endpoint: string, audience: string) =>
  [...(s.sim.simulator.state.web.endpoints.get(endpoint)?.audiences.get(audience)?.keys() ?? [])].sort();

/** a real-time request for one destination; its job's id */
async function paidRequest(destination: string, issue: string, group: string, customerExternalIds: string[]) {
  const { requestPaidAction } = await s.t.ok<{ requestPaidAction: Array<{ id: string }> }>(
    'mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { id } }',
    {
      i: { source: 'REALTIME_EVENT', issue, group, customerExternalIds, destinationIds: [destination] },
    },
  );
  return requestPaidAction[0]!.id;
}

async function waitingForRetry(id: string) {
  const job = await s.waitForJob(id, ['FAILED', 'COMPLETED']);
  expect(
    job.queueItems.edges.map((e) => e.node.status),
    `job ${id} waits for the automatic resend during the outage`,
  ).toContain('WAITING_FOR_RETRY');
}

it('two real-time requests of one issue/group both deliver their customers after an outage', async () => {
  const destination = await s.webDestination('realtime-owners');
  const customers = makeCustomers(4, 'rto');
  await s.customers(customers);
  await s.control({ faults: [{ network: 'web', endpoint: 'realtime-owners', kind: 'outage', mode: 'unavailable' }] });

  const request = (externalIds: string[]) => paidRequest(destination, 'Retention', 'Cards', externalIds);
  const first = await request(['rto-0', 'rto-1']);
  await waitingForRetry(first);
  const second = await request(['rto-2', 'rto-3']);
  await waitingForRetry(second);

  await s.control({ clearFaults: 'web' });
  for (const id of [first, second]) {
    const done = await s.waitForJob(id, ['COMPLETED'], 20_000);
    expect(
      done.queueItems.edges.map((e) => e.node.status),
      `no item of job ${id} is withdrawn`,
    ).toEqual(done.queueItems.edges.map(() => 'SUCCEEDED'));
  }
  expect(members('realtime-owners', 'Retention / Cards'), 'every customer of both requests reached the audience').toEqual(
    customers.map((c) => c.externalId).sort(),
  );
});

it('two conversion-audience jobs both deliver their converting customers after an outage', async () => {
  const destination = await s.webDestination('conversion-owners');
  await s.customers(makeCustomers(2, 'cvo'));
  await s.t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [destination],
    },
  );
  await s.control({ faults: [{ network: 'web', endpoint: 'conversion-owners', kind: 'outage', mode: 'unavailable' }] });

  const children: string[] = [];
  for (const customer of ['cvo-0', 'cvo-1']) {
    await s.t.ok('mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }', {
      i: { eventId: `evt-${customer}`, conversionName: 'Purchase', occurredAt: new Date().toISOString(), customerExternalId: customer },
    });
    // the capture's own job, then its conversion-audience child
    const jobId = await waitFor(async () => {
      const { conversionEvents } = await s.t.ok<any>('{ conversionEvents(first: 10) { edges { node { eventId syncJob { id } } } } }');
      return conversionEvents.edges.find((e: any) => e.node.eventId === `evt-${customer}`)?.node.syncJob?.id as string | undefined;
    });
    const child = await waitFor(async () => (await s.job(jobId)).children.find((c) => c.syncType === 'CONVERSION_AUDIENCE')?.id);
    await waitingForRetry(child);
    children.push(child);
  }

  await s.control({ clearFaults: 'web' });
  for (const id of children) {
    const done = await s.waitForJob(id, ['COMPLETED'], 20_000);
    expect(done.recordsAdded, `conversion-audience job ${id} added its customer`).toBe(1);
  }
  expect(members('conversion-owners', 'Converted: Purchase'), 'both converting customers reached the conversion audience').toEqual([
    'cvo-0',
    'cvo-1',
  ]);
});

it('a newer add-only job that completes leaves the rows of an older one whose items still wait', async () => {
  const destination = await s.webDestination('kept-rows');
  await s.customers(makeCustomers(2, 'kept'));
  // down for every in-run attempt of the first request only
  await s.control({ faults: [{ network: 'web', endpoint: 'kept-rows', kind: 'outage', mode: 'unavailable', count: 4 }] });
  const request = (externalIds: string[]) => paidRequest(destination, 'Kept', 'Rows', externalIds);
  const first = await request(['kept-0']);
  await waitingForRetry(first);
  const second = await request(['kept-1']);
  expect((await s.waitForJob(second, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');

  const done = await s.waitForJob(first, ['COMPLETED'], 20_000);
  expect(done.recordsAdded, 'the older request still had its customer to send').toBe(1);
  expect(members('kept-rows', 'Kept / Rows')).toEqual(['kept-0', 'kept-1']);
});

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`expected a value within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
