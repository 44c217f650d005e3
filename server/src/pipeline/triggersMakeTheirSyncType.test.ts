import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUES } from '../queue/queues.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
let destination: string;
const customers = makeCustomers(4, 'trig');

beforeAll(async () => {
  s = await startSyncScenario();
  destination = await s.webDestination('triggers');
  await s.customers(customers);
});
afterAll(() => s?.stop());

const JOB = 'id status syncType triggeredBy issue group segment { name } parent { id } children { id syncType status }';

it('a segment sync is SEGMENT, triggered by the segment', async () => {
  const segment = await s.segment('Loyal', [destination], ['trig-0', 'trig-1']);
  const [id] = await s.syncSegment(segment);
  const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
  expect({ status: job.status, syncType: job.syncType, triggeredBy: job.triggeredBy }).toEqual({
    status: 'COMPLETED',
    syncType: 'SEGMENT',
    triggeredBy: 'Loyal',
  });
});

it('a real-time request is NEXT_BEST_ACTION, triggered by its issue/group, and only adds', async () => {
  const { requestPaidAction } = await s.t.ok<{ requestPaidAction: any[] }>(
    `mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { ${JOB} } }`,
    {
      i: {
        source: 'REALTIME_CONTAINER',
        issue: 'Retention',
        group: 'Cards',
        customerExternalIds: ['trig-2'],
        destinationIds: [destination],
      },
    },
  );
  expect(requestPaidAction[0]).toMatchObject({
    syncType: 'NEXT_BEST_ACTION',
    triggeredBy: 'Retention/Cards',
    issue: 'Retention',
    group: 'Cards',
  });
  const job = await s.waitForJob(requestPaidAction[0].id, ['COMPLETED', 'FAILED']);
  expect(job.recordsAdded).toBe(1);
});

it('an outbound run is NEXT_BEST_ACTION and makes the audience equal its list', async () => {
  const { triggerOutboundRun } = await s.t.ok<{ triggerOutboundRun: any[] }>(
    `mutation($i: OutboundRunInput!) { triggerOutboundRun(input: $i) { ${JOB} } }`,
    { i: { issue: 'Retention', group: 'Cards', customerExternalIds: ['trig-3'], destinationIds: [destination] } },
  );
  expect(triggerOutboundRun[0]).toMatchObject({ syncType: 'NEXT_BEST_ACTION', triggeredBy: 'Retention/Cards' });
  const job = await s.waitForJob(triggerOutboundRun[0].id, ['COMPLETED', 'FAILED']);
  expect({ added: job.recordsAdded, removed: job.recordsRemoved }, 'trig-3 joins, trig-2 (from the real-time request) leaves').toEqual({
    added: 1,
    removed: 1,
  });
});

it('the PII-update agent makes PII_UPDATE jobs for changed customers', async () => {
  await s.customers([{ externalId: 'trig-0', email: 'new.address@example.com' }]);
  await s.t.app.services.boss.send(QUEUES.piiAgent, {});
  let job: { id: string; syncType: string; triggeredBy: string | null } | undefined;
  for (let i = 0; i < 100 && !job; i++) {
    const { syncJobs } = await s.t.ok<{ syncJobs: { edges: Array<{ node: any }> } }>(
      '{ syncJobs(first: 5, filter: { syncType: PII_UPDATE }) { edges { node { id syncType triggeredBy } } } }',
    );
    job = syncJobs.edges[0]?.node;
    if (!job) await new Promise((r) => setTimeout(r, 100));
  }
  expect(job, 'the agent created a job').toBeDefined();
  expect(job!.triggeredBy).toBe('PII update agent');
  const done = await s.waitForJob(job!.id, ['COMPLETED', 'FAILED']);
  expect(done.recordsAdded, 'only the changed customer is sent again').toBe(1);
});

it('a captured conversion goes out in an OFFLINE_CONVERSION job with a CONVERSION_AUDIENCE child, once', async () => {
  await s.t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [destination],
    },
  );
  const capture = (eventId: string) =>
    s.t.ok<{ capturePaidResponse: { duplicate: boolean; event: { id: string } } }>(
      `mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate event { id } } }`,
      {
        i: {
          eventId,
          conversionName: 'Purchase',
          occurredAt: new Date().toISOString(),
          customerExternalId: 'trig-1',
          value: 42.5,
          currency: 'USD',
        },
      },
    );
  const first = await capture('evt-1');
  expect(first.capturePaidResponse.duplicate).toBe(false);
  let jobId: string | undefined;
  for (let i = 0; i < 100 && !jobId; i++) {
    const { conversionEvents } = await s.t.ok<any>('{ conversionEvents(first: 1) { edges { node { eventId status syncJob { id } } } } }');
    jobId = conversionEvents.edges[0]?.node.syncJob?.id;
    if (!jobId) await new Promise((r) => setTimeout(r, 100));
  }
  const job = await s.waitForJob(jobId!, ['COMPLETED', 'FAILED']);
  expect({ syncType: job.syncType, triggeredBy: job.triggeredBy, status: job.status }).toEqual({
    syncType: 'OFFLINE_CONVERSION',
    triggeredBy: null,
    status: 'COMPLETED',
  });
  expect(
    job.children.map((c) => c.syncType),
    'each offline conversion job has its conversion-audience child',
  ).toEqual(['CONVERSION_AUDIENCE']);
  const child = await s.waitForJob(job.children[0]!.id, ['COMPLETED', 'FAILED']);
  expect({ status: child.status, triggeredBy: child.triggeredBy, added: child.recordsAdded }).toEqual({
    status: 'COMPLETED',
    triggeredBy: null,
    added: 1,
  });

  const again = await capture('evt-1');
  expect(again.capturePaidResponse, 'a second capture with the same event id is a duplicate').toEqual({
    duplicate: true,
    event: first.capturePaidResponse.event,
  });
  // a later capture goes out after anything the duplicate could have queued: once it has arrived, a
  // wrongly queued second send of evt-1 would have too
  await capture('evt-2');
  const received = s.sim.simulator.state.web.endpoints.get('triggers')!.conversionIdsReceived;
  await expect.poll(() => received.get('evt-2'), { timeout: 20_000, interval: 100, message: 'the later capture was delivered' }).toBe(1);
  expect(received.get('evt-1'), 'the conversion reached the network exactly once').toBe(1);
  const { conversionEvents } = await s.t.ok<any>('{ conversionEvents(first: 5) { totalCount edges { node { eventId status } } } }');
  expect(conversionEvents.totalCount).toBe(2);
  expect(conversionEvents.edges.find((e: any) => e.node.eventId === 'evt-1').node.status).toBe('SUCCEEDED');
});
