// seeds/000 "Restarting a failed synchronization job": Retry only for a failure in the sync layer
// (never for one while preparing data), and only for the latest failed job of its type and scope,
// except offline conversion jobs, each of which can be retried.
import pg from 'pg';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
let db: pg.Client;
let destinationId: number;
beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Client({ connectionString: s.t.databaseUrl });
  await db.connect();
  const destination = await s.webDestination('retry-rule');
  destinationId = Number(Buffer.from(destination, 'base64').toString().split(':')[1]);
});
afterAll(async () => {
  await db?.end();
  await s?.stop();
});

async function failedJob(syncType: string, scopeKey: string, layer: 'SYNC' | 'PREPARATION') {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO sync_jobs (status, stage, destination_id, destination_type, sync_type, scope_key, failure_layer, error, ended_at)
     VALUES ('FAILED', 'SYNC_MEMBERS', $1, 'WEB', $2, $3, $4, 'failed', now()) RETURNING id`,
    [destinationId, syncType, scopeKey, layer],
  );
  return encodeGlobalID('SyncJob', rows[0]!.id);
}
const canRetry = async (id: string) =>
  (await s.t.ok<any>('query($id: ID!) { syncJob(id: $id) { canRetry } }', { id })).syncJob.canRetry as boolean;
const retry = (id: string) => s.t.gql<any>('mutation($id: ID!) { retrySyncJob(id: $id) { status } }', { id });

it('offers no Retry for a failure while preparing data', async () => {
  const id = await failedJob('SEGMENT', 'segment:prep@1', 'PREPARATION');
  expect(await canRetry(id), 'canRetry').toBe(false);
  const refused = await retry(id);
  expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(refused.errors)).toBe('NOT_RETRYABLE');
  expect(refused.errors?.[0]?.message).toMatch(/preparing its data/);
});

it('offers Retry on every failed offline conversion job, not only the latest of its scope', async () => {
  const older = await failedJob('OFFLINE_CONVERSION', `conversion@${destinationId}`, 'SYNC');
  const newer = await failedJob('OFFLINE_CONVERSION', `conversion@${destinationId}`, 'SYNC');
  expect([await canRetry(older), await canRetry(newer)], 'both offline conversion jobs').toEqual([true, true]);

  const olderSegment = await failedJob('SEGMENT', 'segment:latest@1', 'SYNC');
  const newerSegment = await failedJob('SEGMENT', 'segment:latest@1', 'SYNC');
  expect([await canRetry(olderSegment), await canRetry(newerSegment)], 'of two segment jobs, only the latest').toEqual([false, true]);
});
