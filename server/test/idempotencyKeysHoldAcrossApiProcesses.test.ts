// Idempotency keys live in PostgreSQL: a repeat sent to another API process, at the same time or
// after, and a repeat sent after the first API process is gone, gets the first answer and makes
// no second set of jobs. Two API processes and a worker, as separate processes, over real HTTP.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomers, createEveryoneSegment, createWebDestination, startObservedSimulator } from './support/faultScenario.ts';
import { postGraphQL } from './support/postGraphQL.ts';
import { startFleet, until, type GraphQLClient, type ServerFleet, type ServerProcess } from './support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.ts';

let database: TestDatabase;
let sim: Awaited<ReturnType<typeof startObservedSimulator>>;
let fleet: ServerFleet;
let db: pg.Pool;
let apiA: ServerProcess;
let apiB: ServerProcess;
let a: GraphQLClient;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startObservedSimulator();
  fleet = await startFleet({ databaseUrl: database.url });
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  [apiA, apiB] = await Promise.all([fleet.start('api'), fleet.start('api'), fleet.start('worker')]);
  a = fleet.client(apiA);
});
afterAll(async () => {
  await fleet?.stop();
  await db?.end();
  await sim?.close();
  await database?.drop();
});

const send = (api: ServerProcess, query: string, variables: Record<string, unknown>, idempotencyKey: string) =>
  postGraphQL(api.url!, { apiKey: fleet.adminKey, query, variables, idempotencyKey });

async function jobCount(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_jobs');
  return rows[0]!.n;
}

it('triggerSegmentSync and requestPaidAction sent to two API processes at once, and again after, run once', async () => {
  const destination = await createWebDestination(a, sim, 'across');
  await createCustomers(a, 10, 'across');
  const segment = await createEveryoneSegment(a, 'Across', [destination]);
  const before = await jobCount();

  const trigger = 'mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id status } }';
  const [onA, onB] = await Promise.all([
    send(apiA, trigger, { s: segment }, 'across-sync'),
    send(apiB, trigger, { s: segment }, 'across-sync'),
  ]);
  expect(onA.errors, JSON.stringify(onA.errors)).toBeUndefined();
  expect(onB, 'API B answers with what API A ran (or the other way round)').toEqual(onA);
  expect(await send(apiB, trigger, { s: segment }, 'across-sync'), 'a later repeat on B').toEqual(onA);

  const paid = 'mutation($i: PaidRequestInput!) { requestPaidAction(input: $i) { id } }';
  const input = {
    i: { source: 'REALTIME_CONTAINER', issue: 'Growth', group: 'Upsell', customerExternalIds: ['across-1'], destinationIds: [destination] },
  };
  const [paidA, paidB] = await Promise.all([send(apiA, paid, input, 'across-paid'), send(apiB, paid, input, 'across-paid')]);
  expect(paidA.errors, JSON.stringify(paidA.errors)).toBeUndefined();
  expect(paidB).toEqual(paidA);
  expect(await jobCount(), 'one segment job and one real-time job').toBe(before + 2);
});

it('retrySyncJob sent to two API processes at once retries once; the answer outlives the API process that gave it', async () => {
  const destination = await createWebDestination(a, sim, 'across-retry', { batchSize: 5 });
  const segment = await createEveryoneSegment(a, 'Across retry', [destination]);
  sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'across-retry', kind: 'invalidToken' }] });
  const { triggerSegmentSync } = await a.ok<{ triggerSegmentSync: Array<{ id: string }> }>(
    'mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }',
    { s: segment },
  );
  const jobId = triggerSegmentSync[0]!.id;
  const jobStatus = async () =>
    (await a.ok<{ syncJob: { status: string } }>('query($id: ID!) { syncJob(id: $id) { status } }', { id: jobId })).syncJob.status;
  await until(
    'the job to fail on the bad token',
    async () => ((await jobStatus()) === 'FAILED' ? true : undefined),
    60_000,
    () => fleet.logs(),
  );
  sim.simulator.control.apply({ clearFaults: 'web' });

  const retry = 'mutation($id: ID!) { retrySyncJob(id: $id) { id status } }';
  const [onA, onB] = await Promise.all([
    send(apiA, retry, { id: jobId }, 'across-retry'),
    send(apiB, retry, { id: jobId }, 'across-retry'),
  ]);
  expect(onA.errors, JSON.stringify(onA.errors)).toBeUndefined();
  expect(onA.data.retrySyncJob.status).toBe('RUNNING');
  expect(onB, 'the other process did not retry again (that would be NOT_RETRYABLE or a second run)').toEqual(onA);
  await until(
    'the retried job to complete',
    async () => ((await jobStatus()) === 'COMPLETED' ? true : undefined),
    60_000,
    () => fleet.logs(),
  );

  // the API process that answered first goes; a new one answers the repeat from PostgreSQL
  await apiA.kill();
  const apiC = await fleet.start('api');
  a = fleet.client(apiC);
  expect(await send(apiC, retry, { id: jobId }, 'across-retry'), 'a new API process replays the stored answer').toEqual(onA);
  const { rows } = await db.query<{ retried: number }>(
    "SELECT count(*) FILTER (WHERE attempts > 2)::int AS retried FROM queue_items WHERE sync_job_id = (SELECT max(id) FROM sync_jobs WHERE triggered_by = 'Across retry')",
  );
  expect(rows[0]!.retried, 'no item was resent more than once').toBe(0);
});
