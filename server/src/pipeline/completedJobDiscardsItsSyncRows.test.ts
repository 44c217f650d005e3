// A job's payload rows (a million for a million-member sync) are deleted once the job completes, by
// a queue job of their own, except those memberships point at: they hold the identifiers the network
// last accepted, and go once a later job replaces them.
// A failed job keeps its rows for its Retry, until a newer full-diff job of its audience completes:
// that job's diff supersedes the failed one's items.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeGlobalID } from '@pothos/plugin-relay';
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

async function rowsOf(jobId: string) {
  const id = Number(decodeGlobalID(jobId).id);
  const { rows } = await db.query<{ payload: number }>('SELECT count(*)::int AS payload FROM sync_payloads WHERE sync_job_id = $1', [id]);
  return rows[0]!;
}

it('keeps the rows of a failed job for its Retry, deletes them when a newer job completes, and keeps only what memberships point at', async () => {
  const destination = await s.webDestination('discard', { batchSize: 2 });
  const customers = makeCustomers(5, 'discard');
  await s.customers(customers);
  const segment = await s.segment(
    'Discard',
    [destination],
    customers.map((c) => c.externalId),
  );

  await s.control({ faults: [{ network: 'web', endpoint: 'discard', kind: 'invalidToken' }] });
  const [failed] = await s.syncSegment(segment);
  expect((await s.waitForJob(failed!, ['FAILED', 'COMPLETED'])).status).toBe('FAILED');
  expect(await rowsOf(failed!), 'a failed job keeps what its Retry resends').toEqual({ payload: 5 });

  await s.control({ clearFaults: 'web' });
  const [completed] = await s.syncSegment(segment);
  expect((await s.waitForJob(completed!, ['FAILED', 'COMPLETED'])).status).toBe('COMPLETED');
  await expect
    .poll(() => rowsOf(completed!), {
      timeout: 10_000,
      interval: 100,
      message: 'a completed job keeps only the payload rows of the identifiers the network holds',
    })
    .toEqual({ payload: 5 });
  await expect
    .poll(() => rowsOf(failed!), { timeout: 10_000, interval: 100, message: 'the superseded failed job leaves none' })
    .toEqual({ payload: 0 });

  // one customer's email changes, another leaves: their rows in the older job are no longer held
  await s.customers([{ externalId: customers[0]!.externalId, email: 'changed.0@example.com' }]);
  await s.t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
    id: segment,
    i: { customerExternalIds: customers.slice(0, 4).map((c) => c.externalId) },
  });
  const [next] = await s.syncSegment(segment);
  expect((await s.waitForJob(next!, ['FAILED', 'COMPLETED'])).status).toBe('COMPLETED');
  await expect
    .poll(() => rowsOf(next!), { timeout: 10_000, interval: 100, message: 'the newer job holds the changed customer' })
    .toEqual({ payload: 1 });
  await expect
    .poll(() => rowsOf(completed!), { timeout: 10_000, interval: 100, message: 'the older job holds the three unchanged' })
    .toEqual({ payload: 3 });
});
