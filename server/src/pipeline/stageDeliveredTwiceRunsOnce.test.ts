// A stage job pg-boss delivers twice (a retry after a lost ack, a worker that came back) finds the
// stage no longer due: the compare-and-set on the job's stage refuses it and nothing is done again.
import pg from 'pg';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runStage } from './runStage.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
let db: pg.Client;
beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Client({ connectionString: s.t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

it('refuses a stage delivered again after it committed', async () => {
  const destination = await s.webDestination('twice');
  const customers = makeCustomers(3, 'twice');
  await s.customers(customers);
  const segment = await s.segment(
    'Twice',
    [destination],
    customers.map((c) => c.externalId),
  );
  const [id] = await s.syncSegment(segment);
  expect((await s.waitForJob(id!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  const jobId = Number(decodeGlobalID(id!).id);
  const snapshot = async () =>
    (
      await db.query(
        `SELECT j.status, j.stage, j.records_added, j.ended_at,
                (SELECT count(*)::int FROM queue_items WHERE sync_job_id = j.id) AS items,
                (SELECT json_agg(json_build_object('stage', stage, 'started', started_at) ORDER BY stage) FROM sync_job_stage_runs WHERE sync_job_id = j.id) AS runs
           FROM sync_jobs j WHERE j.id = $1`,
        [jobId],
      )
    ).rows[0];
  const before = await snapshot();
  const batchesBefore = s.sim.simulator.state.web.batches.length;

  for (const stage of ['IDENTIFY_PAYLOAD', 'CREATE_QUEUE_ITEMS', 'SYNC_MEMBERS'] as const) {
    await runStage(s.t.app.services, { syncJobId: jobId, stage }, { final: false });
  }
  expect(await snapshot(), 'the job, its items and its stage runs are as they were').toEqual(before);
  expect(s.sim.simulator.state.web.batches.length, 'nothing was sent again').toBe(batchesBefore);
});
