// A job's payload and staging rows (a million each for a million-member sync) are deleted once the
// job completes, by a queue job of their own. A failed job keeps them for its Retry, until a newer
// job of its scope completes: that job's diff supersedes the failed one's items.
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
  const { rows } = await db.query<{ payload: number; staging: number }>(
    `SELECT (SELECT count(*) FROM sync_payloads WHERE sync_job_id = $1)::int AS payload,
            (SELECT count(*) FROM sync_staging WHERE sync_job_id = $1)::int AS staging`,
    [id],
  );
  return rows[0]!;
}

it('keeps the rows of a failed job for its Retry, and deletes them with the rows of the newer job that completes', async () => {
  const destination = await s.webDestination('discard', { batchSize: 2 });
  const customers = makeCustomers(5, 'discard');
  await s.customers(customers);
  const segment = await s.segment('Discard', [destination], customers.map((c) => c.externalId));

  await s.control({ faults: [{ network: 'web', endpoint: 'discard', kind: 'invalidToken' }] });
  const [failed] = await s.syncSegment(segment);
  expect((await s.waitForJob(failed!, ['FAILED', 'COMPLETED'])).status).toBe('FAILED');
  expect(await rowsOf(failed!), 'a failed job keeps what its Retry resends').toEqual({ payload: 5, staging: 5 });

  await s.control({ clearFaults: 'web' });
  const [completed] = await s.syncSegment(segment);
  expect((await s.waitForJob(completed!, ['FAILED', 'COMPLETED'])).status).toBe('COMPLETED');
  await expect.poll(() => rowsOf(completed!), { timeout: 10_000, interval: 100, message: 'a completed job leaves no rows behind' }).toEqual({ payload: 0, staging: 0 });
  expect(await rowsOf(failed!), 'the superseded failed job leaves none either').toEqual({ payload: 0, staging: 0 });
});
