// A worker process killed with SIGKILL in the middle of delivery, then replaced: the job completes,
// every member is delivered, and no conversion reaches the network twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../simulator/index.ts';
import { startFleet, until, type ServerFleet } from '../../test/support/serverProcess.ts';
import { makeCustomers } from '../../test/support/syncScenario.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';

let database: TestDatabase;
let t: TestApp;
let sim: StartedSimulator;
// worker processes (test/support/serverProcess.ts) beside the API in this process, with its secret
let fleet: ServerFleet;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator();
  fleet = await startFleet({ databaseUrl: database.url });
  t = await startTestApp({ database, env: { PAIDSYNC_ROLE: 'api', PAIDSYNC_SECRET: fleet.secret } });
});
afterAll(async () => {
  await fleet?.stop();
  await t?.stop();
  await sim?.close();
  await database?.drop();
});

it('completes the job with every member delivered and no conversion sent twice', async () => {
  const { createDestination } = await t.ok<any>(
    'mutation($s: JSON!) { createDestination(input: { name: "kill", type: WEB, settings: $s }) { id } }',
    {
      s: { url: `${sim.url}/web/kill`, batchSize: 20 },
    },
  );
  const customers = makeCustomers(400, 'kill');
  await t.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', { c: customers });
  const { createSegment } = await t.ok<any>('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: {
      name: 'Kill',
      paidSyncEnabled: true,
      destinationIds: [createDestination.id],
      customerExternalIds: customers.map((c) => c.externalId),
    },
  });
  await t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [createDestination.id],
    },
  );
  // every request is slow, so the kill lands in the middle of delivery
  sim.simulator.control.apply({ faults: [{ network: 'web', endpoint: 'kill', kind: 'latency', ms: 400 }] });

  const first = fleet.spawn('worker');
  const { triggerSegmentSync } = await t.ok<any>('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: createSegment.id });
  const jobId: string = triggerSegmentSync[0].id;
  const eventIds = Array.from({ length: 30 }, (_, i) => `kill-evt-${i}`);
  for (const eventId of eventIds) {
    await t.ok('mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }', {
      i: { eventId, conversionName: 'Purchase', occurredAt: new Date().toISOString(), customerExternalId: 'kill-1' },
    });
  }

  const batches = () => sim.simulator.state.web.batches.filter((b) => b.endpoint === 'kill');
  await until(
    'some batches delivered',
    () => (batches().length >= 3 ? true : undefined),
    60_000,
    () => fleet.logs(),
  );
  await first.kill();
  const deliveredBeforeKill = batches().length;
  fleet.spawn('worker');

  const job = await until(
    'the job to complete after the restart',
    async () => {
      const { syncJob } = await t.ok<any>('query($id: ID!) { syncJob(id: $id) { status recordsAdded error } }', { id: jobId });
      return ['COMPLETED', 'FAILED'].includes(syncJob.status) ? syncJob : undefined;
    },
    120_000,
  );
  expect(job, `the job completes after the kill (${deliveredBeforeKill} batches had arrived before it)`).toMatchObject({
    status: 'COMPLETED',
    recordsAdded: 400,
  });
  const audience = sim.simulator.state.web.endpoints.get('kill')!.audiences.get('Kill')!;
  expect(audience.size, 'the network holds every member of the segment').toBe(400);

  await until(
    'every conversion to be delivered',
    async () => {
      const { conversionEvents } = await t.ok<any>('{ conversionEvents(first: 100, status: [SUCCEEDED]) { totalCount } }');
      return conversionEvents.totalCount === eventIds.length ? true : undefined;
    },
    120_000,
  );
  const applied = new Map<string, number>();
  for (const batch of batches().filter((b) => b.operation === 'conversion' && b.status < 300 && !b.replayed)) {
    for (const record of batch.records) applied.set(record.id, (applied.get(record.id) ?? 0) + 1);
  }
  for (const eventId of eventIds) expect(applied.get(eventId), `conversion ${eventId} applied exactly once`).toBe(1);
}, 240_000);
