// The syncJobs connection: newest first, paged with first/after keyset cursors (no row skipped or
// repeated even when new jobs arrive between pages), and totalCount counts what the filter selects.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
let destinationId: number;
let otherDestinationId: number;
const jobs: Array<{ id: number; syncType: string; status: string; destinationId: number }> = [];

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const TYPES = ['SEGMENT', 'NEXT_BEST_ACTION', 'PII_UPDATE'];
const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'];

async function insertJob(syncType: string, status: string, destination: number) {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, scope_key) VALUES ($1, 'DMP', $2, $3, 'page') RETURNING id`,
    [destination, syncType, status],
  );
  jobs.push({ id: rows[0]!.id, syncType, status, destinationId: destination });
  return rows[0]!.id;
}

beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings) VALUES ('page dmp', 'DMP', '{"directory":"/tmp/p"}'), ('page dmp 2', 'DMP', '{"directory":"/tmp/q"}') RETURNING id`,
  );
  destinationId = rows[0]!.id;
  otherDestinationId = rows[1]!.id;
  for (let i = 0; i < 37; i++) await insertJob(TYPES[i % 3]!, STATUSES[i % 4]!, i % 5 === 0 ? otherDestinationId : destinationId);
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const PAGE = `query($first: Int, $after: String, $filter: SyncJobFilter) {
  syncJobs(first: $first, after: $after, filter: $filter) {
    totalCount edges { cursor node { id syncType status } } pageInfo { hasNextPage endCursor } } }`;

async function allPages(filter: Record<string, unknown> | undefined, first: number, between?: () => Promise<unknown>) {
  const ids: string[] = [];
  const counts: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const { syncJobs }: { syncJobs: any } = await t.ok(PAGE, { first, after, filter });
    counts.push(syncJobs.totalCount);
    ids.push(...syncJobs.edges.map((e: { node: { id: string } }) => e.node.id));
    expect(syncJobs.edges.length, 'a page is never larger than first').toBeLessThanOrEqual(first);
    if (!syncJobs.pageInfo.hasNextPage) return { ids, counts };
    expect(syncJobs.pageInfo.endCursor, 'a page with more after it has an endCursor').toBeTruthy();
    after = syncJobs.pageInfo.endCursor;
    if (between) await between();
  }
  throw new Error('paging did not end');
}

describe('syncJobs', () => {
  it('lists newest first', async () => {
    const { syncJobs } = await t.ok(PAGE, { first: 100 });
    const expected = [...jobs].sort((a, b) => b.id - a.id).map((j) => globalId('SyncJob', j.id));
    expect(
      syncJobs.edges.map((e: { node: { id: string } }) => e.node.id),
      'every job, newest (highest id) first',
    ).toEqual(expected);
    expect(syncJobs.totalCount, 'totalCount is every job').toBe(37);
  });

  it('pages through every job exactly once with first/after', async () => {
    const { ids, counts } = await allPages(undefined, 10);
    expect(ids, 'the pages together are the newest-first list, nothing skipped or repeated').toEqual(
      [...jobs].sort((a, b) => b.id - a.id).map((j) => globalId('SyncJob', j.id)),
    );
    expect(new Set(counts), 'totalCount is the same on every page').toEqual(new Set([37]));
  });

  it('keyset cursors: jobs created between pages neither shift nor repeat the older ones', async () => {
    const before = [...jobs].sort((a, b) => b.id - a.id).map((j) => globalId('SyncJob', j.id));
    const added: number[] = [];
    const { ids } = await allPages(undefined, 8, async () => added.push(await insertJob('SEGMENT', 'PENDING', destinationId)));
    expect(added.length, 'jobs were added while paging').toBeGreaterThan(2);
    expect(ids, 'the older jobs, each once, in order; the new ones (newer than the first page) not mixed in').toEqual(before);
  });

  it('filters, and totalCount counts the filtered jobs only', async () => {
    const filters: Array<[Record<string, unknown>, (j: (typeof jobs)[number]) => boolean]> = [
      [{ syncType: 'NEXT_BEST_ACTION' }, (j) => j.syncType === 'NEXT_BEST_ACTION'],
      [{ status: ['FAILED', 'RUNNING'] }, (j) => j.status === 'FAILED' || j.status === 'RUNNING'],
      [{ destinationId: globalId('Destination', otherDestinationId) }, (j) => j.destinationId === otherDestinationId],
      [
        { syncType: 'SEGMENT', status: ['PENDING'], destinationId: globalId('Destination', destinationId) },
        (j) => j.syncType === 'SEGMENT' && j.status === 'PENDING' && j.destinationId === destinationId,
      ],
    ];
    for (const [filter, matches] of filters) {
      const expected = jobs
        .filter(matches)
        .sort((a, b) => b.id - a.id)
        .map((j) => globalId('SyncJob', j.id));
      expect(expected.length, `the data has jobs for ${JSON.stringify(filter)}`).toBeGreaterThan(1);
      const { ids, counts } = await allPages(filter, 3);
      expect(ids, `the jobs matching ${JSON.stringify(filter)}, newest first`).toEqual(expected);
      expect(new Set(counts), `totalCount for ${JSON.stringify(filter)}`).toEqual(new Set([expected.length]));
    }
    const { syncJobs } = await t.ok(PAGE, { first: 5, filter: { syncType: 'OFFLINE_CONVERSION' } });
    expect(syncJobs, 'a filter nothing matches').toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('refuses a malformed cursor with BAD_USER_INPUT', async () => {
    const result = await t.gql(PAGE, { first: 5, after: 'not-a-cursor' });
    expect(
      result.errors?.map((e) => e.extensions?.code),
      'a malformed cursor is the client’s mistake',
    ).toEqual(['BAD_USER_INPUT']);
    const negative = await t.gql(PAGE, { first: -1 });
    expect(
      negative.errors?.map((e) => e.extensions?.code),
      'a negative first is the client’s mistake',
    ).toEqual(['BAD_USER_INPUT']);
    const node = await t.gql('{ node(id: "not-a-global-id") { id } }');
    expect(
      node.errors?.map((e) => e.extensions?.code),
      'a malformed id in node(id:) is the client’s mistake',
    ).toEqual(['BAD_USER_INPUT']);
  });
});
