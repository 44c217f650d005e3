// Fault 4: the network flaps — outages (503, connections reset before and after the work is done),
// 429s with Retry-After, slow answers — at random for a while, under a steady stream of
// capturePaidResponse with offline conversions on. The automatic retry schedule runs every 2 s
// (PAIDSYNC_RETRY_INTERVAL_SECONDS). Once the network is healthy again every event ends SUCCEEDED
// or FAILED with a reason; none is lost, none applied twice by the network (a resend after a reset
// that came after the work is answered from the idempotency cache), none is stuck SENDING.
// Short: ~30 s of flapping; PAIDSYNC_LONG_FAULTS=1: 4 minutes.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulator/index.ts';
import {
  waitForQueueToDrain,
  allConversionEvents,
  appliedCounts,
  capture,
  createCustomers,
  createWebDestination,
  enableConversions,
  lostAndDoubled,
  report,
  startObservedSimulator,
  webBatches,
} from '../support/faultScenario.ts';
import { pick, startFleet, until, type ServerFleet } from '../support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const FLAP_MS = pick(30_000, 240_000);
const EVENTS_PER_SECOND = 8;

let database: TestDatabase;
let sim: Awaited<ReturnType<typeof startObservedSimulator>>;
let fleet: ServerFleet;
let db: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startObservedSimulator();
  fleet = await startFleet({ databaseUrl: database.url, env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '2' } });
  db = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await fleet?.stop();
  await db?.end();
  await sim?.close();
  await database?.drop();
});

const random = (min: number, max: number) => Math.round(min + Math.random() * (max - min));

/** One random bad spell of the Web endpoint `name`. */
function randomFault(name: string): FaultSpec {
  const base = { network: 'web' as const, endpoint: name, durationMs: random(300, 2500) };
  switch (random(0, 5)) {
    case 0:
      return { ...base, kind: 'outage', mode: 'unavailable' };
    case 1:
      return { ...base, kind: 'outage', mode: 'reset' };
    case 2:
      // the network does the work, then the connection drops: the sender cannot know it was applied
      return { ...base, kind: 'outage', mode: 'resetAfterProcessing', durationMs: random(200, 1000) };
    case 3:
      return { ...base, kind: 'rateLimit', retryAfterSeconds: random(1, 2) };
    case 4:
      return { ...base, kind: 'latency', ms: random(200, 1500) };
    default:
      return { ...base, kind: 'outage', status: 500, count: random(1, 4) };
  }
}

it(
  'ends every conversion SUCCEEDED or FAILED with a reason, none lost, none doubled, none stuck, through a flapping network',
  async () => {
    const started = Date.now();
    const api = await fleet.start('api');
    await fleet.start('worker');
    const c = fleet.client(api);
    const destinationId = await createWebDestination(c, sim, 'flappy', { batchSize: 50 });
    const customers = await createCustomers(c, 20, 'f');
    await enableConversions(c, [destinationId]);

    // the flapping: a new random bad spell every 0.5–2.5 s, overlapping at times
    const faultsApplied: Record<string, number> = {};
    let flapping = true;
    const flapStarted = Date.now();
    const flapper = (async () => {
      while (flapping) {
        const fault = randomFault('flappy');
        const label = fault.kind === 'outage' ? `outage:${fault.mode ?? fault.status}` : fault.kind;
        faultsApplied[label] = (faultsApplied[label] ?? 0) + 1;
        sim.simulator.control.apply({ faults: [fault] });
        await new Promise((r) => setTimeout(r, random(500, 2500)));
      }
    })();

    // the steady stream: EVENTS_PER_SECOND captures, each retried until the API confirms it
    const captured: string[] = [];
    let captureErrors = 0;
    const streamUntil = Date.now() + FLAP_MS;
    for (let i = 0; Date.now() < streamUntil; i++) {
      const tickStart = Date.now();
      const eventId = `flap-${i}`;
      await until(
        `capture of ${eventId} to be confirmed`,
        async () => {
          try {
            await capture(c, eventId, customers[i % customers.length]!);
            return true;
          } catch (error) {
            captureErrors++;
            throw error;
          }
        },
        30_000,
      );
      captured.push(eventId);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / EVENTS_PER_SECOND - (Date.now() - tickStart))));
    }
    flapping = false;
    await flapper;
    sim.simulator.control.apply({ clearFaults: 'web' });
    const flappedMs = Date.now() - flapStarted;

    // healthy again: every event settles, by the in-run retries or the automatic retry schedule
    const settled = new Set(['SUCCEEDED', 'FAILED', 'REJECTED']);
    const events = await until(
      `every one of ${captured.length} events to end SUCCEEDED or FAILED`,
      async () => {
        const all = await allConversionEvents(c);
        return all.length >= captured.length && all.every((e) => settled.has(e.status)) ? all : undefined;
      },
      pick(150_000, 300_000),
      async () => {
        const all = await allConversionEvents(c);
        const byStatus: Record<string, number> = {};
        for (const e of all) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
        return `events by status: ${JSON.stringify(byStatus)}; unsettled e.g. ${JSON.stringify(all.filter((e) => !settled.has(e.status)).slice(0, 3))}\n${fleet.logs()}`;
      },
      1000,
    );

    const byStatus: Record<string, number> = {};
    for (const e of events) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    const failedWithoutReason = events.filter((e) => e.status !== 'SUCCEEDED' && !e.lastError);
    const stuck = await waitForQueueToDrain(db, () => fleet.logs());
    const applied = appliedCounts(sim, 'flappy', 'conversion');
    const succeeded = events.filter((e) => e.status === 'SUCCEEDED').map((e) => e.eventId);
    const { lost, doubled, unexpected } = lostAndDoubled(succeeded, applied);
    const notSucceededButApplied = events.filter((e) => e.status !== 'SUCCEEDED' && applied.has(e.eventId)).map((e) => e.eventId);
    const conversionBatches = webBatches(sim, 'flappy').filter((b) => b.operation === 'conversion');
    report('flapping network under a conversion stream', {
      flappingSeconds: Math.round(flappedMs / 1000),
      eventsSent: captured.length,
      captureRetries: captureErrors,
      byStatus,
      lost: lost.length,
      doubled: doubled.length,
      faultsApplied,
      requests: sim.sent.filter((r) => r.path.includes('/web/flappy')).length,
      conversionBatches: conversionBatches.length,
      idempotentReplays: conversionBatches.filter((b) => b.replayed).length,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(events.map((e) => e.eventId).sort(), 'every captured event is recorded once').toEqual([...captured].sort());
    expect(failedWithoutReason, 'an event that did not succeed says why').toEqual([]);
    expect(stuck, 'no queue item is left in flight or waiting').toEqual([]);
    expect(lost, 'every SUCCEEDED event was applied by the network').toEqual([]);
    expect(doubled, 'no event was applied twice by the network').toEqual([]);
    expect(unexpected, 'the network applied no event the server does not know as SUCCEEDED').toEqual([]);
    expect(notSucceededButApplied, 'no event the server counts as failed was in fact applied').toEqual([]);
  },
  pick(300_000, 720_000),
);
