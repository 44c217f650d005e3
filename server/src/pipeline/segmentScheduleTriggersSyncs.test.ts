import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUES } from '../queue/queues.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

it('registers a segment cron schedule, refuses a malformed one, and the scheduled run syncs the segment', async () => {
  const destination = await s.webDestination('scheduled');
  await s.customers(makeCustomers(3, 'sched'));
  const { createSegment } = await s.t.ok<any>('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id schedule } }', {
    i: {
      name: 'Nightly',
      paidSyncEnabled: true,
      destinationIds: [destination],
      customerExternalIds: ['sched-0', 'sched-1', 'sched-2'],
      schedule: '0 3 * * *',
    },
  });
  expect(createSegment.schedule).toBe('0 3 * * *');
  const boss = s.t.app.services.boss;
  const schedules = await boss.getSchedules(QUEUES.scheduledSegmentSync);
  expect(
    schedules.map((x) => ({ cron: x.cron, key: x.key })),
    'the schedule is registered with pg-boss',
  ).toContainEqual({ cron: '0 3 * * *', key: expect.stringMatching(/^segment-/) });

  const bad = await s.t.gql('mutation($id: ID!) { updateSegment(id: $id, input: { schedule: "every night" }) { id } }', {
    id: createSegment.id,
  });
  expect(bad.errors?.[0]?.extensions?.code, JSON.stringify(bad.errors)).toBe('BAD_USER_INPUT');

  // what the cron fires: a job on the scheduled-sync queue
  const segmentId = Number(Buffer.from(createSegment.id, 'base64').toString().split(':')[1]);
  await boss.send(QUEUES.scheduledSegmentSync, { segmentId });
  let jobId: string | undefined;
  for (let i = 0; i < 100 && !jobId; i++) {
    const { syncJobs } = await s.t.ok<any>('{ syncJobs(first: 1, filter: { syncType: SEGMENT }) { edges { node { id triggeredBy } } } }');
    jobId = syncJobs.edges[0]?.node.id;
    if (!jobId) await new Promise((r) => setTimeout(r, 100));
  }
  const job = await s.waitForJob(jobId!, ['COMPLETED', 'FAILED']);
  expect({ status: job.status, triggeredBy: job.triggeredBy, added: job.recordsAdded }).toEqual({
    status: 'COMPLETED',
    triggeredBy: 'Nightly',
    added: 3,
  });

  await s.t.ok('mutation($id: ID!) { updateSegment(id: $id, input: { schedule: "" }) { id } }', { id: createSegment.id });
  expect(await boss.getSchedules(QUEUES.scheduledSegmentSync), "'' removes the schedule").toEqual([]);
});
