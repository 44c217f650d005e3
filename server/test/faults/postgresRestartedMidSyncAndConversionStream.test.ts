// Fault 2: PostgreSQL stopped and started again (same data directory, same port) in the middle of a
// segment sync and of a steady conversion stream. The API and worker processes are not restarted:
// they reconnect by themselves. The job completes with the audience equal to the segment, every
// captured conversion ends SUCCEEDED (or FAILED with a reason), none lost, none applied twice.
// The test runs its own embedded PostgreSQL cluster in both database modes, so it can restart it.
// Short: 5,000 members, 2 restarts; PAIDSYNC_LONG_FAULTS=1: 50,000 members, 5 restarts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/startEmbeddedPostgres.ts';
import { createLogger } from '../../src/logger.ts';
import { startSimulator, type StartedSimulator } from '../../src/simulator/index.ts';
import {
  waitForQueueToDrain,
  allConversionEvents,
  appliedCounts,
  capture,
  createCustomers,
  createEveryoneSegment,
  createWebDestination,
  enableConversions,
  jobState,
  lostAndDoubled,
  report,
  sameSet,
  triggerSync,
  webAudience,
  webBatches,
} from '../support/faultScenario.ts';
import { pick, startFleet, until, type ServerFleet } from '../support/serverProcess.ts';

const MEMBERS = pick(5_000, 50_000);
const BATCH = pick(100, 500);
const RESTARTS = pick(2, 5);
const EVENTS_PER_SECOND = 5;

const logger = createLogger({ level: 'warn' });
let dir: string;
let cluster: EmbeddedDatabase | null = null;
let sim: StartedSimulator;
let fleet: ServerFleet;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-pg-restart-'));
  cluster = await startEmbeddedPostgres({ dir, logger, database: 'paidsync' });
  sim = await startSimulator();
  fleet = await startFleet({ databaseUrl: cluster.url, env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '2' } });
});
afterAll(async () => {
  await fleet?.stop();
  await sim?.close();
  await cluster?.stop().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

const random = (min: number, max: number) => min + Math.random() * (max - min);

/** Jobs, events and pg-boss jobs by state, for a failure message. */
async function databaseState() {
  const db = new pg.Client({ connectionString: fleet.databaseUrl });
  await db.connect();
  try {
    const q = async (sql: string) => JSON.stringify((await db.query(sql)).rows);
    return [
      `sync jobs: ${await q('SELECT sync_type, status, stage, left(error, 200) AS error, count(*)::int AS n FROM sync_jobs GROUP BY 1, 2, 3, 4')}`,
      `events: ${await q('SELECT sync_job_id IS NULL AS unassigned, status, count(*)::int AS n FROM conversion_events GROUP BY 1, 2')}`,
      `queue items: ${await q('SELECT status, count(*)::int AS n FROM queue_items GROUP BY 1')}`,
      `pg-boss jobs: ${await q('SELECT name, state, count(*)::int AS n, max(retry_count) AS retries FROM pgboss.job GROUP BY 1, 2')}`,
    ].join('\n');
  } catch (error) {
    return `(database state unavailable: ${String(error)})`;
  } finally {
    await db.end().catch(() => {});
  }
}

it(
  `completes a sync and a conversion stream through ${RESTARTS} PostgreSQL restarts without restarting the server processes`,
  async () => {
    const started = Date.now();
    const api = await fleet.start('api');
    const worker = await fleet.start('worker');
    const c = fleet.client(api);
    const destinationId = await createWebDestination(c, sim, 'restarted', { batchSize: BATCH, requestsPerSecond: 1000 });
    const members = await createCustomers(c, MEMBERS, 'p');
    const segmentId = await createEveryoneSegment(c, 'Restarted', [destinationId]);
    await enableConversions(c, [destinationId]);
    sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'restarted', kind: 'latency', ms: 100 }] });

    // the conversion stream, in the background for the whole test; a capture refused while the
    // database is down is sent again with the same event id until the API confirms it
    const captured: string[] = [];
    let captureRetries = 0;
    let streaming = true;
    const stream = (async () => {
      for (let i = 0; streaming; i++) {
        const tickStart = Date.now();
        const eventId = `pgr-${i}`;
        await until(
          `capture of ${eventId} to be confirmed`,
          async () => {
            try {
              await capture(c, eventId, members[i % members.length]!);
              return true;
            } catch (error) {
              captureRetries++;
              throw error;
            }
          },
          120_000,
        );
        captured.push(eventId);
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 / EVENTS_PER_SECOND - (Date.now() - tickStart))));
      }
    })();

    const jobId = await triggerSync(c, segmentId);
    const debug = process.env.DEBUG_FAULTS
      ? setInterval(() => {
          void (async () => {
            const j = await jobState(c, jobId).catch(() => null);
            const all = await allConversionEvents(c).catch(() => []);
            const by: Record<string, number> = {};
            for (const e of all) by[e.status] = (by[e.status] ?? 0) + 1;
            console.log(
              `${Math.round((Date.now() - started) / 1000)}s job=${j?.status}/${j?.stage} added=${j?.recordsAdded} batches=${delivered()} events=${JSON.stringify(by)}`,
            );
          })();
        }, 2000)
      : null;
    const batchesTotal = Math.ceil(MEMBERS / BATCH);
    const delivered = () => webBatches(sim, 'restarted').filter((b) => b.operation === 'add' && b.status < 300).length;
    const restarts: Array<{ atMs: number; downMs: number; batchesDelivered: number; eventsCaptured: number }> = [];

    for (let k = 0; k < RESTARTS; k++) {
      if (k === 0) {
        await new Promise((r) => setTimeout(r, random(300, 1500))); // usually in the stages
      } else {
        const target = Math.floor(batchesTotal * random((k - 0.5) / RESTARTS, (k + 0.3) / RESTARTS));
        await until(
          `${target} of ${batchesTotal} batches delivered before restart ${k + 1}`,
          () => (delivered() >= target ? true : undefined),
          180_000,
          () => fleet.logs(),
        );
      }
      const downMs = Math.round(random(1000, pick(4000, 10_000)));
      restarts.push({ atMs: Date.now() - started, downMs, batchesDelivered: delivered(), eventsCaptured: captured.length });
      await cluster!.stop();
      cluster = null;
      await new Promise((r) => setTimeout(r, downMs)); // the outage itself, not an assertion
      cluster = await startEmbeddedPostgres({ dir, logger, database: 'paidsync' });
      expect(cluster.url, 'the cluster comes back on the same port').toBe(fleet.databaseUrl);
    }
    // a few more seconds of the stream with the database back, then it stops
    await new Promise((r) => setTimeout(r, 3000));
    streaming = false;
    await stream;

    const job = await until(
      'the sync to end after the restarts',
      async () => {
        const j = await jobState(c, jobId);
        return ['COMPLETED', 'FAILED', 'WITHDRAWN'].includes(j.status) ? j : undefined;
      },
      pick(180_000, 600_000),
      async () => `job: ${JSON.stringify(await jobState(c, jobId).catch((e) => String(e)))}\n${await databaseState()}\n${fleet.logs()}`,
      1000,
    );
    const settled = new Set(['SUCCEEDED', 'FAILED', 'REJECTED']);
    const events = await until(
      `every one of ${captured.length} events to end SUCCEEDED or FAILED`,
      async () => {
        const all = await allConversionEvents(c);
        return all.length >= captured.length && all.every((e) => settled.has(e.status)) ? all : undefined;
      },
      // long: events captured while the 50,000-member stages held the stage workers queue up as one
      // job each, and drain at well under one a second
      pick(120_000, 900_000),
      async () => {
        const all = await allConversionEvents(c);
        const byStatus: Record<string, number> = {};
        for (const e of all) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
        return `events by status: ${JSON.stringify(byStatus)}\n${await databaseState()}\n${fleet.logs()}`;
      },
      1000,
    );

    if (debug) clearInterval(debug);
    const byStatus: Record<string, number> = {};
    for (const e of events) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    const audience = webAudience(sim, 'restarted', 'Restarted');
    const { equal, missing, extra } = sameSet(members, audience);
    const memberCheck = lostAndDoubled(members, appliedCounts(sim, 'restarted', 'add', 'Restarted'));
    const succeeded = events.filter((e) => e.status === 'SUCCEEDED').map((e) => e.eventId);
    const eventCheck = lostAndDoubled(succeeded, appliedCounts(sim, 'restarted', 'conversion'));
    const db = new pg.Client({ connectionString: fleet.databaseUrl });
    await db.connect();
    const stuck = await waitForQueueToDrain(db, () => fleet.logs());
    await db.end();
    report('PostgreSQL restarted mid-sync and mid-stream', {
      members: MEMBERS,
      restartsSurvived: restarts.length,
      restarts,
      job: job.status,
      membersLost: memberCheck.lost.length,
      membersDoubled: memberCheck.doubled.length,
      eventsSent: captured.length,
      captureRetries,
      eventsByStatus: byStatus,
      eventsLost: eventCheck.lost.length,
      eventsDoubled: eventCheck.doubled.length,
      seconds: Math.round((Date.now() - started) / 1000),
    });

    expect([api.exited, worker.exited], 'neither server process died: they reconnected by themselves').toEqual([false, false]);
    expect(job, `the job completes with every member added (restarts: ${JSON.stringify(restarts)})`).toMatchObject({
      status: 'COMPLETED',
      recordsAdded: MEMBERS,
    });
    expect(equal, `the audience equals the segment (${missing.length} missing, ${extra.length} extra)`).toBe(true);
    expect(memberCheck.lost, 'no member is lost').toEqual([]);
    expect(memberCheck.doubled, 'no member is applied twice').toEqual([]);
    expect(events.map((e) => e.eventId).sort(), 'every captured event is recorded once').toEqual([...captured].sort());
    expect(
      events.filter((e) => e.status !== 'SUCCEEDED' && !e.lastError),
      'an event that did not succeed says why',
    ).toEqual([]);
    expect(eventCheck.lost, 'every SUCCEEDED event was applied by the network').toEqual([]);
    expect(eventCheck.doubled, 'no event was applied twice by the network').toEqual([]);
    expect(eventCheck.unexpected, 'the network applied no event the server does not count as SUCCEEDED').toEqual([]);
    expect(stuck, 'no queue item is left in flight or waiting').toEqual([]);
  },
  pick(420_000, 2_400_000),
);
