// seeds/000: an offline conversion job is created when CapturePaidResponse runs while offline
// conversion is enabled. A capture made while it is disabled is kept (and deduplicated) with a status
// that says so, is not sent by a later capture once it is enabled, and goes out only by an explicit
// historical push.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

const EVENT = 'eventId status syncJob { id }';
const capture = (eventId: string, occurredAt: string) =>
  s.t.ok<{ capturePaidResponse: { duplicate: boolean; event: { status: string } } }>(
    `mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate event { status } } }`,
    { i: { eventId, conversionName: 'Purchase', occurredAt, customerExternalId: 'off-1' } },
  );
const events = async () =>
  new Map(
    (await s.t.ok<any>(`{ conversionEvents(first: 20) { edges { node { ${EVENT} } } } }`)).conversionEvents.edges.map((e: any) => [
      e.node.eventId,
      e.node,
    ]),
  ) as Map<string, { status: string; syncJob: { id: string } | null }>;

it('keeps a capture made while disabled, never sends it by itself, and sends it on a historical push', async () => {
  const destination = await s.webDestination('disabled-captures');
  await s.customers([{ externalId: 'off-1', email: 'off.1@example.com' }]);
  await s.t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: false, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [destination],
    },
  );
  const at = new Date().toISOString();
  const first = await capture('evt-while-off', at);
  expect(first.capturePaidResponse, 'kept, with a status saying why it was not sent').toEqual({
    duplicate: false,
    event: { status: 'OFFLINE_CONVERSION_DISABLED' },
  });
  expect((await capture('evt-while-off', at)).capturePaidResponse.duplicate, 'duplicate detection still works').toBe(true);

  await s.t.ok('mutation { updatePaidConfiguration(input: { offlineConversionsEnabled: true }) { offlineConversionsEnabled } }');
  await capture('evt-while-on', new Date().toISOString());
  // the capture made once enabled goes out in its job; the batcher that made it saw the earlier one too
  let jobId: string | undefined;
  for (let i = 0; i < 200 && !jobId; i++) {
    jobId = (await events()).get('evt-while-on')?.syncJob?.id;
    if (!jobId) await new Promise((r) => setTimeout(r, 100));
  }
  expect(jobId, 'the capture made while enabled got a job').toBeDefined();
  expect((await s.waitForJob(jobId!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  const received = s.sim.simulator.state.web.endpoints.get('disabled-captures')!.conversionIdsReceived;
  expect([...received.keys()], 'only the capture made while enabled reached the network').toEqual(['evt-while-on']);
  const off = (await events()).get('evt-while-off')!;
  expect(off, 'the capture made while disabled is untouched').toEqual({
    eventId: 'evt-while-off',
    status: 'OFFLINE_CONVERSION_DISABLED',
    syncJob: null,
  });

  const { pushHistoricalConversions } = await s.t.ok<any>(
    'mutation($f: DateTime!, $t: DateTime!) { pushHistoricalConversions(from: $f, to: $t) { id } }',
    {
      f: new Date(Date.parse(at) - 1000).toISOString(),
      t: new Date(Date.parse(at) + 1).toISOString(),
    },
  );
  expect(pushHistoricalConversions).toHaveLength(1);
  expect((await s.waitForJob(pushHistoricalConversions[0].id, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  expect(received.get('evt-while-off'), 'the historical push sent it, once').toBe(1);
  expect((await events()).get('evt-while-off')!.status).toBe('SUCCEEDED');
});
