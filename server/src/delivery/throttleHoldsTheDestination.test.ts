// A throttle holds the destination, not just the request that got it (DESIGN.md): after one
// request is answered 429 with Retry-After: 3, no new request to that destination starts for 3 s,
// from any of the 4 delivery loops of either of 2 worker processes. Measured at the simulator.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../simulator/index.ts';
import { startFleet, until, type ServerFleet } from '../../test/support/serverProcess.ts';
import { makeCustomers } from '../../test/support/syncScenario.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';

let database: TestDatabase;
let t: TestApp;
let sim: StartedSimulator;
let fleet: ServerFleet;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator();
  fleet = await startFleet({ databaseUrl: database.url });
  t = await startTestApp({ database, env: { PAIDSYNC_ROLE: 'api', PAIDSYNC_SECRET: fleet.secret } });
  await Promise.all([fleet.start('worker'), fleet.start('worker')]);
});
afterAll(async () => {
  await fleet?.stop();
  await t?.stop();
  await sim?.close();
  await database?.drop();
});

/** a request already on its way when the 429 was answered may still arrive this long after it */
const IN_FLIGHT_MS = 250;

it('sends nothing to a destination for the 3 s its throttle asked for, from any loop of any worker', async () => {
  const { createDestination } = await t.ok<any>(
    'mutation($s: JSON!) { createDestination(input: { name: "hold", type: WEB, settings: $s }) { id } }',
    {
      s: { url: `${sim.url}/web/hold`, batchSize: 5, concurrency: 8, requestsPerSecond: 1000 },
    },
  );
  const customers = makeCustomers(120, 'hold');
  await t.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', { c: customers });
  const { createSegment } = await t.ok<any>('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: {
      name: 'Hold',
      paidSyncEnabled: true,
      destinationIds: [createDestination.id],
      customerExternalIds: customers.map((c) => c.externalId),
    },
  });
  // slow answers keep every loop busy, so requests are in flight when the throttle comes
  sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'hold', kind: 'latency', ms: 150 }] });
  const { triggerSegmentSync } = await t.ok<any>('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: createSegment.id });
  const requests = () => sim.simulator.state.requests.filter((r) => r.endpoint === 'hold');
  await until(
    'delivery to be under way',
    () => (requests().length >= 4 ? true : undefined),
    60_000,
    () => fleet.logs(),
  );
  sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'hold', kind: 'rateLimit', retryAfterSeconds: 3, count: 1 }] });

  const paused = await until(
    'the destination to show its pause',
    async () => {
      const { destination } = await t.ok<any>('query($id: ID!) { destination(id: $id) { pausedUntil } }', { id: createDestination.id });
      return destination.pausedUntil ?? undefined;
    },
    30_000,
  );
  const job = await until(
    'the job to complete',
    async () => {
      const { syncJob } = await t.ok<any>('query($id: ID!) { syncJob(id: $id) { status recordsAdded } }', { id: triggerSegmentSync[0].id });
      return ['COMPLETED', 'FAILED'].includes(syncJob.status) ? syncJob : undefined;
    },
    120_000,
    () => fleet.logs(),
  );
  expect(job, 'every customer is delivered once the pause ends').toEqual({ status: 'COMPLETED', recordsAdded: 120 });

  const log = requests();
  const throttled = log.find((r) => r.status === 429)!;
  expect(throttled, 'one request was throttled').toBeDefined();
  const answeredAt = throttled.at + throttled.durationMs;
  expect(Date.parse(paused), 'pausedUntil is the throttle answer + 3 s').toBeGreaterThanOrEqual(answeredAt + 3000 - 50);
  const during = log.filter((r) => r.at > answeredAt + IN_FLIGHT_MS && r.at < answeredAt + 3000);
  expect(
    during.map((r) => r.at - answeredAt),
    'no request started between the throttle answer and its end (ms after the 429)',
  ).toEqual([]);
  const inFlight = log.filter((r) => r.at > throttled.at && r.at <= answeredAt + IN_FLIGHT_MS).length;
  const after = log.filter((r) => r.at >= answeredAt + 3000).length;
  expect(after, `delivery resumed after the pause (${inFlight} request(s) were already under way)`).toBeGreaterThan(0);
});
