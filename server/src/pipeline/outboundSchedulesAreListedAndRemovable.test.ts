// An outbound run given a schedule is repeated by pg-boss's cron: the schedule is listed through the
// API, the run its cron fires syncs the audience, and removing the schedule stops the cron and makes a
// run already fired do nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUES } from '../queue/queues.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

const SCHEDULES = '{ outboundSchedules { id issue group cron customerCount segment { name } destinations { name } } }';

it('lists an outbound schedule, runs what its cron fires, and removes it', async () => {
  const destination = await s.webDestination('outbound-cron');
  await s.customers(makeCustomers(2, 'ocron'));
  await s.t.ok('mutation($i: OutboundRunInput!) { triggerOutboundRun(input: $i) { id } }', {
    i: {
      issue: 'Retention',
      group: 'Nightly',
      customerExternalIds: ['ocron-0', 'ocron-1'],
      destinationIds: [destination],
      schedule: '0 3 * * *',
    },
  });
  const { outboundSchedules } = await s.t.ok<any>(SCHEDULES);
  expect(
    outboundSchedules.map(({ id: _id, ...rest }: any) => rest),
    'the schedule is listed',
  ).toEqual([
    { issue: 'Retention', group: 'Nightly', cron: '0 3 * * *', customerCount: 2, segment: null, destinations: [{ name: 'outbound-cron' }] },
  ]);
  const boss = s.t.app.services.boss;
  expect(
    (await boss.getSchedules(QUEUES.scheduledOutboundRun)).map((x) => x.cron),
    'pg-boss holds its cron',
  ).toEqual(['0 3 * * *']);

  // what the cron fires: a job on the scheduled-outbound queue, which runs the outbound run again
  const outboundScheduleId = Number(Buffer.from(outboundSchedules[0].id, 'base64').toString().split(':')[1]);
  const jobsOf = async () =>
    (
      await s.t.ok<any>('{ syncJobs(first: 10, filter: { syncType: NEXT_BEST_ACTION }) { edges { node { id status triggeredBy } } } }')
    ).syncJobs.edges.map((e: any) => e.node);
  const before = (await jobsOf()).length;
  await boss.send(QUEUES.scheduledOutboundRun, { outboundScheduleId });
  await expect
    .poll(async () => (await jobsOf()).length, { timeout: 20_000, interval: 100, message: 'the fired cron made a run' })
    .toBe(before + 1);
  const fired = (await jobsOf())[0];
  expect((await s.waitForJob(fired.id, ['COMPLETED', 'FAILED'])).triggeredBy).toBe('Retention/Nightly');

  const removed = await s.t.ok<any>('mutation($id: ID!) { removeOutboundSchedule(id: $id) { issue group } }', {
    id: outboundSchedules[0].id,
  });
  expect(removed.removeOutboundSchedule).toEqual({ issue: 'Retention', group: 'Nightly' });
  expect((await s.t.ok<any>(SCHEDULES)).outboundSchedules, 'no longer listed').toEqual([]);
  expect(await boss.getSchedules(QUEUES.scheduledOutboundRun), 'its cron is gone').toEqual([]);
  const again = await s.t.gql('mutation($id: ID!) { removeOutboundSchedule(id: $id) { id } }', { id: outboundSchedules[0].id });
  expect(again.errors?.[0]?.extensions?.code, 'removing it twice is NOT_FOUND').toBe('NOT_FOUND');

  // a run its cron fired before the removal finds no schedule and makes no job
  const done = await boss.send(QUEUES.scheduledOutboundRun, { outboundScheduleId });
  await expect
    .poll(async () => (await boss.getJobById(QUEUES.scheduledOutboundRun, done!))?.state, { timeout: 20_000, interval: 100 })
    .toBe('completed');
  expect((await jobsOf()).length, 'nothing ran from the removed schedule').toBe(before + 1);
});
