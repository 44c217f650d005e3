// Fault 1: a worker process SIGKILLed at random moments of a large segment sync, again and again,
// and restarted each time. The job still completes, the network's audience equals the segment
// exactly, and no member was applied twice (a batch resent after a kill carries the idempotency key
// the network already answered, so it is a replay, not a second add).
// Short: 10,000 members, 3 kills. PAIDSYNC_LONG_FAULTS=1: 100,000 members, 5 kills.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../../src/simulator/index.ts';
import {
  appliedCounts,
  createCustomers,
  createEveryoneSegment,
  createWebDestination,
  jobState,
  lostAndDoubled,
  report,
  sameSet,
  triggerSync,
  webAudience,
  webBatches,
} from '../support/faultScenario.ts';
import { pick, startFleet, until, type GraphQLClient, type ServerFleet, type ServerProcess } from '../support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const MEMBERS = pick(10_000, 100_000);
const KILLS = pick(3, 5);
const BATCH = pick(200, 1000);

let database: TestDatabase;
let sim: StartedSimulator;
let fleet: ServerFleet;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator();
  fleet = await startFleet({ databaseUrl: database.url });
});
afterAll(async () => {
  await fleet?.stop();
  await sim?.close();
  await database?.drop();
});

const random = (min: number, max: number) => min + Math.random() * (max - min);

it(
  `completes a ${MEMBERS}-member sync through ${KILLS} worker SIGKILLs with the audience equal to the segment`,
  async () => {
    const started = Date.now();
    const api = await fleet.start('api');
    const c: GraphQLClient = fleet.client(api);
    const destinationId = await createWebDestination(c, sim, 'killed', { batchSize: BATCH, requestsPerSecond: 1000 });
    const members = await createCustomers(c, MEMBERS, 'k');
    const segmentId = await createEveryoneSegment(c, 'Killed', [destinationId]);
    // slow answers stretch delivery out, so kills land in the middle of it as well as in the stages
    sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'killed', kind: 'latency', ms: 250 }] });

    let worker: ServerProcess = await fleet.start('worker');
    const jobId = await triggerSync(c, segmentId);
    const batchesTotal = Math.ceil(MEMBERS / BATCH);
    const delivered = () => webBatches(sim, 'killed').filter((b) => b.operation === 'add' && b.status < 300).length;
    const kills: Array<{ afterMs: number; batchesDelivered: number; stage: string | null }> = [];

    for (let k = 0; k < KILLS; k++) {
      if (k === 0) {
        // the first kill at a random moment early on: usually in the stages, before any delivery
        await new Promise((r) => setTimeout(r, random(200, 1500)));
      } else {
        // the others spread across delivery: at a random point of the k-th share of the batches
        const target = Math.floor(batchesTotal * random((k - 0.5) / KILLS, (k + 0.3) / KILLS));
        await until(
          `${target} of ${batchesTotal} batches delivered before kill ${k + 1}`,
          () => (delivered() >= target ? true : undefined),
          180_000,
          () => fleet.logs(),
        );
      }
      const job = await jobState(c, jobId);
      expect(job.status, `the job is still in progress at kill ${k + 1} (the kills must land mid-sync)`).not.toMatch(/COMPLETED|FAILED/);
      await worker.kill();
      kills.push({ afterMs: Date.now() - started, batchesDelivered: delivered(), stage: job.stage });
      worker = await fleet.start('worker');
    }

    const job = await until(
      'the job to end after the last restart',
      async () => {
        const j = await jobState(c, jobId);
        return ['COMPLETED', 'FAILED', 'WITHDRAWN'].includes(j.status) ? j : undefined;
      },
      pick(180_000, 600_000),
      async () => `job: ${JSON.stringify(await jobState(c, jobId))}\n${fleet.logs()}`,
    );
    expect(job, `the job completes with every member added after ${KILLS} kills (${JSON.stringify(kills)})`).toMatchObject({
      status: 'COMPLETED',
      recordsAdded: MEMBERS,
      recordsFailed: 0,
    });

    const audience = webAudience(sim, 'killed', 'Killed');
    const { missing, extra, equal } = sameSet(members, audience);
    expect(
      equal,
      `the network's audience equals the segment: ${missing.length} missing (e.g. ${missing.slice(0, 5)}), ${extra.length} extra`,
    ).toBe(true);
    const { lost, doubled } = lostAndDoubled(members, appliedCounts(sim, 'killed', 'add', 'Killed'));
    const replays = webBatches(sim, 'killed').filter((b) => b.replayed).length;
    report('worker SIGKILLed during a sync', {
      members: MEMBERS,
      killsSurvived: kills.length,
      kills,
      membersSent: audience.size,
      lost: lost.length,
      doubled: doubled.length,
      idempotentReplays: replays,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(lost, 'no member is lost').toEqual([]);
    expect(doubled, 'no member is applied twice by the network').toEqual([]);
  },
  pick(300_000, 1_200_000),
);
