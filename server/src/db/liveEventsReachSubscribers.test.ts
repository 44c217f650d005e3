// A change to sync_jobs or queue_items committed on ANOTHER database connection (plain `pg`, as a
// worker process would) reaches a real graphql-ws subscriber, filtered as the subscriber asked.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe, untilListening, type Received } from '../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
let viewerKey: string;
let destinationId: number;
let destinationGlobalId: string;

beforeAll(async () => {
  t = await startTestApp();
  viewerKey = await t.keyFor('VIEWER');
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings) VALUES ('live dmp', 'DMP', '{"directory":"/tmp/live"}') RETURNING id`,
  );
  destinationId = rows[0]!.id;
  destinationGlobalId = Buffer.from(`Destination:${destinationId}`).toString('base64');
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

async function insertJob(syncType: string, scopeKey = `scope-${syncType}`) {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'DMP', $2, $3) RETURNING id`,
    [destinationId, syncType, scopeKey],
  );
  return rows[0]!.id;
}

async function insertItem(syncJobId: number) {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO queue_items (sync_job_id, operation, record_count) VALUES ($1, 'ADD', 100) RETURNING id`,
    [syncJobId],
  );
  return rows[0]!.id;
}

const JOB_SUBSCRIPTION = `subscription($filter: SyncJobFilter) {
  syncJobUpdated(filter: $filter) { id status stage syncType recordsTotal destination { id name } } }`;
const ITEM_SUBSCRIPTION = `subscription($syncJobId: ID) {
  queueItemUpdated(syncJobId: $syncJobId) { id status attempts recordCount syncJob { id } } }`;

const jobIs =
  (id: number, extra: (job: any) => boolean = () => true) =>
  (p: Received) =>
    p.data?.syncJobUpdated?.id === globalId('SyncJob', id) && extra(p.data.syncJobUpdated);
const itemIs =
  (id: number, extra: (item: any) => boolean = () => true) =>
  (p: Received) =>
    p.data?.queueItemUpdated?.id === globalId('QueueItem', id) && extra(p.data.queueItemUpdated);

describe('syncJobUpdated', () => {
  it('a VIEWER receives an inserted job, then each committed update, in order', async () => {
    const probe = await insertJob('PII_UPDATE', 'probe-1');
    const subscription = subscribe(t.ws(viewerKey), JOB_SUBSCRIPTION);
    await untilListening(
      subscription,
      () => db.query('UPDATE sync_jobs SET records_added = records_added + 1 WHERE id = $1', [probe]),
      jobIs(probe),
    );

    const id = await insertJob('SEGMENT');
    const inserted = await subscription.next(jobIs(id), 'the inserted job');
    expect(inserted.data!.syncJobUpdated, 'the inserted job as it was committed').toEqual({
      id: globalId('SyncJob', id),
      status: 'PENDING',
      stage: null,
      syncType: 'SEGMENT',
      recordsTotal: 0,
      destination: { id: destinationGlobalId, name: 'live dmp' },
    });

    // a transaction's change is seen once it commits
    await db.query('BEGIN');
    await db.query(`UPDATE sync_jobs SET status = 'RUNNING', stage = 'IDENTIFY_PAYLOAD' WHERE id = $1`, [id]);
    await db.query('COMMIT');
    await subscription.next(
      jobIs(id, (j) => j.status === 'RUNNING' && j.stage === 'IDENTIFY_PAYLOAD'),
      'the RUNNING update',
    );
    await db.query(`UPDATE sync_jobs SET status = 'COMPLETED', stage = 'SYNC_MEMBERS', records_total = 42 WHERE id = $1`, [id]);
    await subscription.next(
      jobIs(id, (j) => j.status === 'COMPLETED' && j.recordsTotal === 42),
      'the COMPLETED update',
    );

    const statuses = subscription.received.filter(jobIs(id)).map((p) => p.data!.syncJobUpdated.status);
    expect(statuses, 'the updates arrived in commit order').toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    subscription.unsubscribe();
  });

  it('a rolled-back change is never delivered', async () => {
    const probe = await insertJob('PII_UPDATE', 'probe-2');
    const subscription = subscribe(t.ws(viewerKey), JOB_SUBSCRIPTION);
    await untilListening(
      subscription,
      () => db.query('UPDATE sync_jobs SET records_added = records_added + 1 WHERE id = $1', [probe]),
      jobIs(probe),
    );
    const id = await insertJob('SEGMENT', 'rollback');
    await db.query('BEGIN');
    await db.query(`UPDATE sync_jobs SET status = 'FAILED' WHERE id = $1`, [id]);
    await db.query('ROLLBACK');
    await db.query(`UPDATE sync_jobs SET records_total = 7 WHERE id = $1`, [id]);
    await subscription.next(
      jobIs(id, (j) => j.recordsTotal === 7),
      'the committed change after the rollback',
    );
    const seen = subscription.received.filter(jobIs(id)).map((p) => p.data!.syncJobUpdated.status);
    expect(seen, 'FAILED (rolled back) was never delivered').not.toContain('FAILED');
    subscription.unsubscribe();
  });

  it('a syncType filter delivers only jobs of that type; no filter delivers all', async () => {
    const probe = await insertJob('NEXT_BEST_ACTION', 'probe-3');
    const poke = () => db.query('UPDATE sync_jobs SET records_added = records_added + 1 WHERE id = $1', [probe]);
    const filtered = subscribe(t.ws(viewerKey), JOB_SUBSCRIPTION, { filter: { syncType: 'NEXT_BEST_ACTION' } });
    const everything = subscribe(t.ws(viewerKey), JOB_SUBSCRIPTION);
    await untilListening(filtered, poke, jobIs(probe));
    await untilListening(everything, poke, jobIs(probe));

    const segmentJob = await insertJob('SEGMENT', 'filtered-out');
    const conversionJob = await insertJob('OFFLINE_CONVERSION', 'filtered-out-too');
    const nbaJob = await insertJob('NEXT_BEST_ACTION', 'filtered-in');
    // events are delivered in commit order, so once the last one is here the others would have been too
    await filtered.next(jobIs(nbaJob), 'the NEXT_BEST_ACTION job on the filtered subscription');
    await everything.next(jobIs(nbaJob), 'the NEXT_BEST_ACTION job on the unfiltered subscription');

    const filteredTypes = new Set(filtered.received.map((p) => p.data?.syncJobUpdated?.syncType));
    expect([...filteredTypes], 'the filtered subscription saw only NEXT_BEST_ACTION jobs').toEqual(['NEXT_BEST_ACTION']);
    expect(filtered.received.some(jobIs(segmentJob)) || filtered.received.some(jobIs(conversionJob)), 'no other type leaked through').toBe(
      false,
    );
    expect(everything.received.some(jobIs(segmentJob)), 'the unfiltered subscription saw the SEGMENT job').toBe(true);
    expect(everything.received.some(jobIs(conversionJob)), 'the unfiltered subscription saw the OFFLINE_CONVERSION job').toBe(true);
    filtered.unsubscribe();
    everything.unsubscribe();
  });

  it('status and destination filters select too', async () => {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO destinations (name, type, settings) VALUES ('other dmp', 'DMP', '{"directory":"/tmp/o"}') RETURNING id`,
    );
    const otherDestination = rows[0]!.id;
    const probe = await insertJob('SEGMENT', 'probe-4');
    await db.query(`UPDATE sync_jobs SET status = 'FAILED' WHERE id = $1`, [probe]);
    const failedHere = subscribe(t.ws(viewerKey), JOB_SUBSCRIPTION, { filter: { status: ['FAILED'], destinationId: destinationGlobalId } });
    await untilListening(
      failedHere,
      () => db.query('UPDATE sync_jobs SET records_added = records_added + 1 WHERE id = $1', [probe]),
      jobIs(probe),
    );

    const elsewhere = (
      await db.query<{ id: number }>(
        `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key, status) VALUES ($1, 'DMP', 'SEGMENT', 'elsewhere', 'FAILED') RETURNING id`,
        [otherDestination],
      )
    ).rows[0]!.id;
    const running = await insertJob('SEGMENT', 'running-here');
    await db.query(`UPDATE sync_jobs SET status = 'RUNNING' WHERE id = $1`, [running]);
    const failing = await insertJob('SEGMENT', 'failing-here');
    await db.query(`UPDATE sync_jobs SET status = 'FAILED', error = 'token expired' WHERE id = $1`, [failing]);
    await failedHere.next(
      jobIs(failing, (j) => j.status === 'FAILED'),
      'the job that failed on this destination',
    );
    expect(failedHere.received.some(jobIs(elsewhere)), 'a failed job of another destination was filtered out').toBe(false);
    expect(failedHere.received.some(jobIs(running)), 'a running job was filtered out').toBe(false);
    expect(failedHere.received.some(jobIs(failing, (j) => j.status === 'PENDING')), 'the PENDING insert was filtered out').toBe(false);
    failedHere.unsubscribe();
  });
});

describe('queueItemUpdated', () => {
  it('delivers inserted and changed queue items, only of the job asked for', async () => {
    const job = await insertJob('SEGMENT', 'items');
    const otherJob = await insertJob('SEGMENT', 'other-items');
    const probeItem = await insertItem(job);
    const poke = () => db.query('UPDATE queue_items SET attempts = attempts + 1 WHERE id = $1', [probeItem]);
    const forJob = subscribe(t.ws(viewerKey), ITEM_SUBSCRIPTION, { syncJobId: globalId('SyncJob', job) });
    const all = subscribe(t.ws(viewerKey), ITEM_SUBSCRIPTION);
    await untilListening(forJob, poke, itemIs(probeItem));
    await untilListening(all, poke, itemIs(probeItem));

    const otherItem = await insertItem(otherJob);
    const item = await insertItem(job);
    const inserted = await forJob.next(itemIs(item), 'the inserted queue item');
    expect(inserted.data!.queueItemUpdated, 'the item as committed').toEqual({
      id: globalId('QueueItem', item),
      status: 'PENDING',
      attempts: 0,
      recordCount: 100,
      syncJob: { id: globalId('SyncJob', job) },
    });
    await db.query(`UPDATE queue_items SET status = 'WAITING_FOR_RETRY', attempts = 1, last_error = 'HTTP 503' WHERE id = $1`, [item]);
    await forJob.next(
      itemIs(item, (i) => i.status === 'WAITING_FOR_RETRY' && i.attempts === 1),
      'the WAITING_FOR_RETRY update',
    );
    expect(forJob.received.some(itemIs(otherItem)), 'an item of another job was filtered out').toBe(false);
    await all.next(itemIs(otherItem), 'the other job’s item on the unfiltered subscription');
    await all.next(
      itemIs(item, (i) => i.status === 'WAITING_FOR_RETRY'),
      'the update on the unfiltered subscription',
    );
    forJob.unsubscribe();
    all.unsubscribe();
  });

  it('a malformed syncJobId is refused with BAD_USER_INPUT', async () => {
    const subscription = subscribe(t.ws(viewerKey), ITEM_SUBSCRIPTION, { syncJobId: 'garbage' });
    const ending = await subscription.ended();
    // graphql-js answers an error from a subscription's setup as one result with errors, then completes
    expect(
      subscription.received.flatMap((p) => p.errors ?? []).map((e) => e.extensions?.code),
      'refused with BAD_USER_INPUT',
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      subscription.received.some((p) => p.data?.queueItemUpdated),
      'no item delivered',
    ).toBe(false);
    expect(ending.completed || ending.errors !== undefined, 'the subscription ended').toBe(true);
  });
});
