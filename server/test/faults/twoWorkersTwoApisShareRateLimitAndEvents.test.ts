// Fault 3: two worker processes and two API processes on one database. The destination's rate
// limit (settings.requestsPerSecond, a token bucket in PostgreSQL) holds across both workers,
// measured at the simulator's request log; a graphql-ws subscriber on API process A sees the queue
// items that worker B delivered, and the job completing, although the sync was triggered on API B.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.ts';
import { DELIVERIES_PER_WORKER } from '../../src/pipeline/startWorkers.ts';
import {
  appliedCounts,
  createCustomers,
  createEveryoneSegment,
  createWebDestination,
  jobState,
  lostAndDoubled,
  queueItemOfKey,
  report,
  sameSet,
  startObservedSimulator,
  triggerSync,
  webAudience,
} from '../support/faultScenario.ts';
import { pick, startFleet, until, type ServerFleet } from '../support/serverProcess.ts';
import { subscribe, untilListening } from '../support/subscription.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const RATE = 10; // requests per second
const BATCH = 20;
// Both workers send only if one worker cannot hold every slot. pg-boss counts the destination's
// concurrency across workers when it fetches, and a worker whose batch was full fetches again the
// moment it ends: at a concurrency one worker can fill, the worker that fetched first may keep every
// slot for the whole sync while the other's polls find none (correct, the destination is as busy as
// allowed, but then nothing here would span two processes). Twice what one worker holds leaves slots
// that only the other can take while a backlog waits.
const CONCURRENCY = 2 * DELIVERIES_PER_WORKER;
// a backlog that outlasts the other worker's first polls: 80 requests short, 400 long, at RATE a second
const MEMBERS = pick(1_600, 8_000);

let database: TestDatabase;
let sim: Awaited<ReturnType<typeof startObservedSimulator>>;
let fleet: ServerFleet;
let db: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startObservedSimulator();
  fleet = await startFleet({ databaseUrl: database.url });
  db = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await fleet?.stop();
  await db?.end();
  await sim?.close();
  await database?.drop();
});

/** The most requests seen in any window of `windowMs` (timestamps sorted). */
function busiestWindow(times: number[], windowMs: number) {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

it(
  'holds the rate limit across two workers and shows worker B’s changes to a subscriber on API A',
  async () => {
    const apiA = await fleet.start('api');
    const apiB = await fleet.start('api');
    const a = fleet.client(apiA);
    const b = fleet.client(apiB);
    const [workerA, workerB] = await Promise.all([fleet.start('worker'), fleet.start('worker')]);

    const destinationId = await createWebDestination(b, sim, 'rated', {
      batchSize: BATCH,
      requestsPerSecond: RATE,
      concurrency: CONCURRENCY,
    });
    const members = await createCustomers(b, MEMBERS, 'r');
    const segmentId = await createEveryoneSegment(b, 'Rated', [destinationId]);
    // slow answers keep every slot busy, so the rate limit, not the answers, sets the pace
    sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'rated', kind: 'latency', ms: 400 }] });

    // the subscriber on A, known to be listening: a dry run's job (sends nothing) is poked until seen
    const ws = a.ws();
    const jobs = subscribe<{ syncJobUpdated: { id: string; status: string } }>(ws, 'subscription { syncJobUpdated { id status } }');
    const items = subscribe<{ queueItemUpdated: { id: string; status: string } }>(ws, 'subscription { queueItemUpdated { id status } }');
    const { triggerSegmentSync: dry } = await b.ok<{ triggerSegmentSync: Array<{ id: string }> }>(
      'mutation($s: ID!) { triggerSegmentSync(segmentId: $s, dryRun: true) { id } }',
      { s: segmentId },
    );
    const probeId = Number(Buffer.from(dry[0]!.id, 'base64').toString().split(':')[1]);
    await untilListening(
      jobs,
      () => db.query('UPDATE sync_jobs SET updated_at = now() WHERE id = $1', [probeId]),
      (p) => p.data?.syncJobUpdated.id === dry[0]!.id,
      30_000,
    );
    await until(
      'the dry run to end',
      async () => ((await jobState(b, dry[0]!.id)).status.match(/COMPLETED|FAILED/) ? true : undefined),
      60_000,
    );

    const jobId = await triggerSync(b, segmentId);
    const job = await until(
      'the sync to end',
      async () => {
        const j = await jobState(a, jobId);
        return ['COMPLETED', 'FAILED'].includes(j.status) ? j : undefined;
      },
      pick(120_000, 300_000),
      () => fleet.logs(),
    );
    expect(job, 'the sync completes').toMatchObject({ status: 'COMPLETED', recordsAdded: MEMBERS });

    // the rate limit, measured where it matters: when the requests reached the network
    const times = sim.simulator.state.requests
      .filter((r) => r.endpoint === 'rated')
      .map((r) => r.at)
      .sort((x, y) => x - y);
    const bySender = new Map<string, number>();
    for (const r of sim.sent) if (r.path.includes('/web/rated')) bySender.set(r.process ?? '?', (bySender.get(r.process ?? '?') ?? 0) + 1);
    const burst = RATE; // the bucket holds one second of tokens
    const slack = 3; // a request may reach the network a little after its slot, bunching with the next ones
    const windows = Object.fromEntries([1000, 2000, 5000].map((w) => [w, busiestWindow(times, w)]));
    const spanSeconds = (times.at(-1)! - times[0]!) / 1000;
    if (process.env.DEBUG_FAULTS)
      console.log(
        sim.sent
          .filter((r) => r.path.includes('/web/rated'))
          .map((r) => `${r.at - times[0]!} ${r.process} ${r.idempotencyKey}`)
          .join('\n'),
      );
    report('two workers, two APIs: rate limit', {
      requests: times.length,
      spanSeconds,
      bySender: Object.fromEntries(bySender),
      busiestWindows: windows,
      limit: RATE,
    });
    expect(
      bySender.get(workerA.name) ?? 0,
      `worker ${workerA.name} sent requests too (by sender: ${JSON.stringify(Object.fromEntries(bySender))})`,
    ).toBeGreaterThan(0);
    expect(
      bySender.get(workerB.name) ?? 0,
      `worker ${workerB.name} sent requests too (by sender: ${JSON.stringify(Object.fromEntries(bySender))})`,
    ).toBeGreaterThan(0);
    for (const [w, most] of Object.entries(windows)) {
      const allowed = burst + (RATE * Number(w)) / 1000 + slack;
      expect(
        most,
        `at most ${allowed} requests reach the network in any ${w} ms (burst ${burst} + ${RATE}/s), across both workers`,
      ).toBeLessThanOrEqual(allowed);
    }

    // what worker B did, seen on API A
    const itemsOfB = [
      ...new Set(
        sim.sent
          .filter((r) => r.process === workerB.name)
          .map((r) => queueItemOfKey(r.idempotencyKey))
          .filter((id): id is number => id !== null),
      ),
    ];
    expect(itemsOfB.length, 'worker B delivered queue items').toBeGreaterThan(0);
    for (const itemId of itemsOfB) {
      const gid = encodeId('QueueItem', itemId);
      await items.next(
        (p) => p.data?.queueItemUpdated.id === gid && p.data.queueItemUpdated.status === 'SUCCEEDED',
        `API A's subscriber to see item ${itemId} (delivered by worker B) SUCCEEDED`,
        30_000,
      );
    }
    await jobs.next(
      (p) => p.data?.syncJobUpdated.id === jobId && p.data.syncJobUpdated.status === 'COMPLETED',
      'API A’s subscriber to see the job COMPLETED',
      30_000,
    );

    const { equal, missing, extra } = sameSet(members, webAudience(sim, 'rated', 'Rated'));
    expect(equal, `the audience equals the segment (${missing.length} missing, ${extra.length} extra)`).toBe(true);
    const { lost, doubled } = lostAndDoubled(members, appliedCounts(sim, 'rated', 'add', 'Rated'));
    report('two workers, two APIs: delivery', {
      members: MEMBERS,
      lost: lost.length,
      doubled: doubled.length,
      itemsByWorkerBSeenOnApiA: itemsOfB.length,
    });
    expect(lost, 'no member is lost').toEqual([]);
    expect(doubled, 'no member is applied twice').toEqual([]);
    jobs.unsubscribe();
    items.unsubscribe();
  },
  pick(300_000, 600_000),
);
