// Fault 5: a queue item left SENDING by a worker that died mid-request, whose pg-boss job is gone
// too (so pg-boss itself will never retry it). The recovery sweep (recoverStuckItems, every minute
// on pg-boss cron) leaves it alone while its lease holds and hands it to a live worker once the
// lease has expired; it is then delivered once — the dead worker's request, which the network did
// apply, is answered as a replay of the same idempotency key.
// Short: the test puts the sweep's queue job on the queue itself. PAIDSYNC_LONG_FAULTS=1: it waits
// for the cron schedule to run it.
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUES } from '../../src/queue/queues.ts';
import {
  appliedCounts,
  createCustomers,
  createEveryoneSegment,
  createWebDestination,
  jobState,
  lostAndDoubled,
  report,
  sameSet,
  startObservedSimulator,
  triggerSync,
  webAudience,
} from '../support/faultScenario.ts';
import { LONG_FAULTS, pick, startFleet, until, type ServerFleet } from '../support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const MEMBERS = 50;

let database: TestDatabase;
let sim: Awaited<ReturnType<typeof startObservedSimulator>>;
let fleet: ServerFleet;
let db: pg.Pool;
let boss: PgBoss;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startObservedSimulator();
  fleet = await startFleet({ databaseUrl: database.url });
  db = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await boss?.stop({ graceful: false, close: true }).catch(() => {});
  await fleet?.stop();
  await db?.end();
  await sim?.close();
  await database?.drop();
});

/** Runs the recovery sweep once, as its cron schedule would, and waits until it has finished. */
async function sweep() {
  if (!boss) {
    boss = new PgBoss({ connectionString: database.url, schema: 'pgboss', supervise: false, schedule: false, migrate: false, max: 2 });
    boss.on('error', () => {});
    await boss.start();
  }
  const id = await boss.send(QUEUES.recoverStuckItems, {});
  if (!id) throw new Error('the recovery sweep job was not created');
  await until(
    'the recovery sweep to finish',
    async () => {
      const job = await boss.getJobById(QUEUES.recoverStuckItems, id);
      if (job?.state === 'failed') throw new Error(`the recovery sweep failed: ${JSON.stringify(job.output)}`);
      return job?.state === 'completed' ? true : undefined;
    },
    60_000,
    () => fleet.logs(),
  );
}

interface ItemRow {
  id: number;
  status: string;
  attempts: number;
}
const itemsOf = async (jobDbId: number) =>
  (await db.query<ItemRow>('SELECT id, status, attempts FROM queue_items WHERE sync_job_id = $1 ORDER BY id', [jobDbId])).rows;
const pendingDeliveryJobs = async () =>
  (
    await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [
      QUEUES.deliver,
    ])
  ).rows[0]!.n;

it(
  're-delivers an item left SENDING by a dead worker once its lease has expired, exactly once',
  async () => {
    const started = Date.now();
    const api = await fleet.start('api');
    const c = fleet.client(api);
    const destinationId = await createWebDestination(c, sim, 'stuck', { batchSize: 100 });
    const members = await createCustomers(c, MEMBERS, 's');
    const segmentId = await createEveryoneSegment(c, 'Stuck', [destinationId]);
    // the first request is slow: the worker dies while the network is still working on it
    sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'stuck', kind: 'latency', ms: 2000, count: 1 }] });

    const doomed = await fleet.start('worker');
    const jobId = await triggerSync(c, segmentId);
    const jobDbId = Number(Buffer.from(jobId, 'base64').toString().split(':')[1]);
    await until(
      'the delivery request to reach the network',
      () => (sim.sent.some((r) => r.path.includes('/web/stuck')) ? true : undefined),
      60_000,
      () => fleet.logs(),
    );
    await doomed.kill();

    // what a dead worker leaves behind: the item SENDING under its lease, and its queue job lost
    const [item] = await itemsOf(jobDbId);
    expect(item, 'the one queue item is SENDING when its worker dies').toMatchObject({ status: 'SENDING', attempts: 1 });
    await db.query('DELETE FROM pgboss.job WHERE name = $1', [QUEUES.deliver]);
    await db.query(`UPDATE queue_items SET lease_until = now() + interval '1 hour' WHERE id = $1`, [item!.id]);
    await fleet.start('worker');

    // while the lease holds, the item belongs to its (presumed live) worker: the sweep leaves it
    await sweep();
    expect(await itemsOf(jobDbId), 'a SENDING item whose lease holds is left alone by the sweep').toEqual([
      { id: item!.id, status: 'SENDING', attempts: 1 },
    ]);
    expect(await pendingDeliveryJobs(), 'no delivery job is queued for an item under a live lease').toBe(0);

    // the lease runs out (past the sweep's 30 s grace): the next sweep hands the item to the live worker
    await db.query(`UPDATE queue_items SET lease_until = now() - interval '1 minute' WHERE id = $1`, [item!.id]);
    if (!LONG_FAULTS) await sweep();
    const job = await until(
      LONG_FAULTS ? 'the cron-scheduled sweep to recover the item and the job to complete' : 'the job to complete after the sweep',
      async () => {
        const j = await jobState(c, jobId);
        return ['COMPLETED', 'FAILED'].includes(j.status) ? j : undefined;
      },
      pick(60_000, 150_000),
      async () => `items: ${JSON.stringify(await itemsOf(jobDbId))}\n${fleet.logs()}`,
    );
    expect(job, 'the job completes once the stuck item is recovered').toMatchObject({ status: 'COMPLETED', recordsAdded: MEMBERS });
    expect(await itemsOf(jobDbId), 'the item was claimed again (a second attempt) and succeeded').toEqual([
      { id: item!.id, status: 'SUCCEEDED', attempts: 2 },
    ]);

    const { equal, missing, extra } = sameSet(members, webAudience(sim, 'stuck', 'Stuck'));
    expect(equal, `the audience equals the segment (${missing.length} missing, ${extra.length} extra)`).toBe(true);
    const { lost, doubled } = lostAndDoubled(members, appliedCounts(sim, 'stuck', 'add', 'Stuck'));
    const requests = sim.sent.filter((r) => r.path.includes('/web/stuck')).length;
    report('stuck SENDING item recovered', {
      members: MEMBERS,
      requests,
      lost: lost.length,
      doubled: doubled.length,
      viaCron: LONG_FAULTS,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(lost, 'no member is lost').toEqual([]);
    expect(doubled, 'no member is applied twice (the resend is a replay of the dead worker’s request)').toEqual([]);
  },
  pick(180_000, 300_000),
);
