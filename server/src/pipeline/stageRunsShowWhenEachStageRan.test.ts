// Each stage records when it began and finished, in its own transaction; the last stage's work ends
// with the job. A dry run stops after its second stage, and has two.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

interface Run {
  stage: string;
  startedAt: string;
  endedAt: string | null;
}
const runsOf = async (id: string) =>
  (
    await s.t.ok<{ syncJob: { endedAt: string; stageRuns: Run[] } }>(
      'query($id: ID!) { syncJob(id: $id) { endedAt stageRuns { stage startedAt endedAt } } }',
      { id },
    )
  ).syncJob;

it('records the six stages of a sync in order, the last ending with the job', async () => {
  const destination = await s.webDestination('stage-runs', { batchSize: 2 });
  const customers = makeCustomers(5, 'stage-runs');
  await s.customers(customers);
  const segment = await s.segment(
    'Stage runs',
    [destination],
    customers.map((c) => c.externalId),
  );
  const [id] = await s.syncSegment(segment);
  expect((await s.waitForJob(id!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');

  const job = await runsOf(id!);
  expect(
    job.stageRuns.map((r) => r.stage),
    'every stage, in pipeline order',
  ).toEqual(['IDENTIFY_PAYLOAD', 'IDENTIFY_AUDIENCES', 'WRITE_STAGING', 'CREATE_QUEUE_ITEMS', 'UPDATE_AUDIENCES', 'SYNC_MEMBERS']);
  let previousEnd = 0;
  for (const run of job.stageRuns) {
    const [start, end] = [Date.parse(run.startedAt), Date.parse(run.endedAt!)];
    expect(start, `${run.stage} starts after the stage before it ended`).toBeGreaterThanOrEqual(previousEnd);
    expect(end, `${run.stage} ends after it starts`).toBeGreaterThanOrEqual(start);
    previousEnd = end;
  }
  expect(job.stageRuns.at(-1)!.endedAt, 'adding members ends when the job does').toBe(job.endedAt);
});

it('records only the stages a dry run ran', async () => {
  const destination = await s.webDestination('stage-runs-dry');
  const customers = makeCustomers(2, 'stage-runs-dry');
  await s.customers(customers);
  const segment = await s.segment(
    'Stage runs dry',
    [destination],
    customers.map((c) => c.externalId),
  );
  const [id] = await s.syncSegment(segment, { dryRun: true });
  expect((await s.waitForJob(id!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  expect((await runsOf(id!)).stageRuns.map((r) => r.stage)).toEqual(['IDENTIFY_PAYLOAD', 'IDENTIFY_AUDIENCES']);
});
