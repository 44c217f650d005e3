// A re-sync starts from an earlier run's snapshot only when nothing but that run changed what the
// diff depends on (diffBase.ts). Each case here breaks one condition, and the next run reads every
// customer again and leaves the audience equal to the scope.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payloadLog, rowId } from '../../test/support/payloadLog.ts';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
let db: pg.Client;
const payloads = payloadLog();
beforeAll(async () => {
  s = await startSyncScenario(payloads.options);
  db = new pg.Client({ connectionString: s.t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

const ofCase = (name: string, rule: Record<string, unknown>) => ({ all: [{ attribute: 'group', op: 'eq', value: name }, rule] });

/** a destination, `n` gold customers of the case and a segment of its gold ones, synced once */
async function syncedAudience(name: string, n = 6) {
  const destination = await s.webDestination(name);
  await s.customers(
    Array.from({ length: n }, (_, i) => ({
      externalId: `${name}-${i}`,
      email: `${name}.${i}@example.com`,
      attributes: { tier: 'gold', group: name },
    })),
  );
  const { createSegment } = await s.t.ok<{ createSegment: { id: string } }>(
    'mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }',
    {
      i: {
        name,
        paidSyncEnabled: true,
        destinationIds: [destination],
        criteria: ofCase(name, { attribute: 'tier', op: 'eq', value: 'gold' }),
      },
    },
  );
  const segment = createSegment.id;
  const sync = async (options: { dryRun?: boolean; status?: string } = {}) => {
    const [id] = await s.syncSegment(segment, { dryRun: options.dryRun });
    const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
    expect(job.status, `the sync should end ${options.status ?? 'COMPLETED'}: ${JSON.stringify(job)}`).toBe(options.status ?? 'COMPLETED');
    const run = payloads.of(id!);
    expect(run, `stage 1 of job ${id} reports what it read`).toBeDefined();
    return { job, run: run!, id: rowId(id!) };
  };
  const members = () => [...s.sim.simulator.state.web.endpoints.get(name)!.audiences.get(name)!.keys()].sort();
  const first = await sync();
  expect(first.job.recordsAdded + first.job.recordsRejected, 'the first run sends every customer of the case').toBe(n);
  const audienceId = (await db.query<{ audience_id: number }>('SELECT audience_id FROM sync_jobs WHERE id = $1', [first.id])).rows[0]!
    .audience_id;
  return { destination, segment, sync, members, first, audienceId };
}

it('reads everyone after a membership write that names no writer, and restores what it undid', async () => {
  const a = await syncedAudience('unnamed');
  await db.query('DELETE FROM memberships WHERE audience_id = $1 AND customer_id = (SELECT id FROM customers WHERE external_id = $2)', [
    a.audienceId,
    'unnamed-2',
  ]);
  const next = await a.sync();
  expect(
    { base: next.run.diffBase, read: next.run.customersHashed, added: next.job.recordsAdded },
    'a full read finds the lost membership',
  ).toEqual({
    base: null,
    read: 1,
    added: 1,
  });
  expect((await a.sync()).run.diffBase, 'and the run after it starts from it again').toBe(next.id);
});

it('reads everyone after another job wrote the audience', async () => {
  const a = await syncedAudience('other-writer');
  await db.query('BEGIN');
  await db.query("SELECT set_config('paidsync.membership_writer', $1, true)", [`${a.audienceId}:${a.first.id + 100000}`]);
  await db.query('UPDATE memberships SET pii_version = NULL WHERE audience_id = $1', [a.audienceId]);
  await db.query('COMMIT');
  const next = await a.sync();
  expect({ base: next.run.diffBase, read: next.run.customersHashed }, 'every member is read again').toEqual({ base: null, read: 6 });
});

it('does not start from a run that saw a record rejected', async () => {
  await s.control({
    faults: [{ network: 'web', endpoint: 'rejecting', kind: 'rejectRecords', values: ['rejecting-6'], reason: 'bad record' }],
  });
  const a = await syncedAudience('rejecting', 7);
  expect(a.first.job.recordsRejected).toBe(1);
  await s.control({ clearFaults: 'web' });
  const next = await a.sync();
  expect({ base: next.run.diffBase, added: next.job.recordsAdded }, 'the rejected customer, unchanged, goes again').toEqual({
    base: null,
    added: 1,
  });
  expect(a.members()).toContain('rejecting-6');
});

it('does not start from a run of another scope', async () => {
  const a = await syncedAudience('rescoped');
  await s.customers([{ externalId: 'rescoped-0', attributes: { tier: 'silver', region: 'north' } }]);
  await s.customers([{ externalId: 'rescoped-1', attributes: { region: 'north' } }]);
  await s.t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
    id: a.segment,
    i: { criteria: ofCase('rescoped', { attribute: 'region', op: 'eq', value: 'north' }) },
  });
  const next = await a.sync();
  expect({ base: next.run.diffBase, removed: next.job.recordsRemoved }, 'new criteria: everyone is read, four leave').toEqual({
    base: null,
    removed: 4,
  });
  expect(a.members()).toEqual(['rescoped-0', 'rescoped-1']);
});

it('reads everyone once the identifier fields change', async () => {
  const a = await syncedAudience('refields');
  await s.t.ok('mutation($id: ID!, $i: UpdateDestinationInput!) { updateDestination(id: $id, input: $i) { id } }', {
    id: a.destination,
    i: { settings: { url: `${s.sim.url}/web/refields`, fields: ['EMAIL'] } },
  });
  const next = await a.sync();
  expect({ base: next.run.diffBase, read: next.run.customersHashed }).toEqual({ base: null, read: 6 });
});

it('never starts from a dry run', async () => {
  const a = await syncedAudience('dry');
  await s.customers([{ externalId: 'dry-0', attributes: { tier: 'silver' } }]);
  const dry = await a.sync({ dryRun: true });
  expect(dry.run.diffBase, 'a dry run may itself start from a whole run').toBe(a.first.id);
  const real = await a.sync();
  expect({ base: real.run.diffBase, removed: real.job.recordsRemoved }, 'the real run starts from the whole run, not the dry one').toEqual({
    base: a.first.id,
    removed: 1,
  });
});
