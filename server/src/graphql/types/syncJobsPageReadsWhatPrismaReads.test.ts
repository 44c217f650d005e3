// The dashboard's syncJobs page is read by one pg statement (listSyncJobs) instead of Prisma's
// findMany, and a live event's job by readSyncJob instead of findUnique. Pothos resolves every field
// from those rows, so they must be exactly what findMany with `include` returns: same fields, same
// values, same types (Dates, parsed JSON, arrays). And through the API both paths (pg for the
// dashboard's selection, Prisma for any other) answer alike and page by keyset: newest first, and a
// cursor whose job was deleted still pages on.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';
import { listSyncJobs } from '../../syncJobs/listSyncJobs.ts';
import { readSyncJob } from '../../syncJobs/readSyncJob.ts';
import { JOB_FIELDS_LEFT_OUT } from '../../syncJobs/syncJobRows.ts';
import type { SyncJobWhere } from '../../syncJobs/syncJobWhere.ts';

let t: TestApp;
let pool: pg.Pool;
let destinationId: number;
let otherDestinationId: number;
let segmentId: number;
const ids: number[] = [];
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  t = await startTestApp();
  pool = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings, credentials_encrypted, enabled)
     VALUES ('parity dmp', 'DMP', '{"directory":"/tmp/parity","nested":{"a":[1,2]}}', 'sealed', true),
            ('parity linkedin', 'LINKEDIN_ADS', '{"adAccountId":"42"}', NULL, false) RETURNING id`,
  );
  destinationId = rows[0]!.id;
  otherDestinationId = rows[1]!.id;
  segmentId = (
    await pool.query<{ id: number }>(
      `INSERT INTO segments (name, paid_sync_enabled, criteria, schedule) VALUES ('parity segment', true, '{"all":[{"attribute":"x"}]}', '0 * * * *') RETURNING id`,
    )
  ).rows[0]!.id;
  // every column filled somewhere, and left empty somewhere else
  const insert = (sql: string, params: unknown[]) => pool.query<{ id: number }>(sql, params).then((r) => ids.push(r.rows[0]!.id));
  await insert(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, scope_key, segment_id, triggered_by, issue, group_name,
                            customer_external_ids, full_diff, started_at, ended_at, failure_layer, error, dry_run, dry_run_sample,
                            records_total, records_added, records_removed, records_rejected, records_failed)
     VALUES ($1, 'DMP', 'SEGMENT', 'FAILED', 'segment:1', $2, 'schedule', 'churn', 'gold', ARRAY['c-1','c-2'], false,
             now() - interval '2 minutes', now() - interval '1 minute', 'SYNC', 'HTTP 500', true, '{"adds":["x"],"removes":[]}',
             10, 7, 1, 1, 1) RETURNING id`,
    [destinationId, segmentId],
  );
  await insert(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'LINKEDIN_ADS', 'NEXT_BEST_ACTION', 'nba') RETURNING id`,
    [otherDestinationId],
  );
  await insert(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, stage, scope_key, parent_id)
     VALUES ($1, 'DMP', 'CONVERSION_AUDIENCE', 'RUNNING', 'WRITE_STAGING', 'child', $2) RETURNING id`,
    [destinationId, ids[0]],
  );
  for (let i = 0; i < 9; i++) {
    await insert(
      `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, scope_key, segment_id) VALUES ($1, 'DMP', 'SEGMENT', 'COMPLETED', 'many', $2) RETURNING id`,
      [i % 2 ? destinationId : otherDestinationId, i % 3 ? segmentId : null],
    );
  }
});
afterAll(async () => {
  await pool?.end();
  await t?.stop();
});

/** A Prisma row without the fields listSyncJobs and readSyncJob leave out (pipeline state). */
function readByTheApi<T extends object>(job: T): T {
  const read = { ...job } as Record<string, unknown>;
  for (const field of JOB_FIELDS_LEFT_OUT) delete read[field];
  return read as T;
}

describe('listSyncJobs', () => {
  const wheres: SyncJobWhere[] = [
    {},
    { syncType: 'SEGMENT' },
    { status: { in: ['FAILED', 'RUNNING'] } },
    { destinationId: 0 }, // set below
    { segmentId: 0 }, // set below
  ];

  it('returns exactly what Prisma findMany with include returns, for every include and filter, and keyset pages', async () => {
    wheres[3] = { destinationId };
    wheres[4] = { segmentId };
    const includes = [{}, { destination: true }, { segment: true }, { destination: true, segment: true }];
    const sorted = [...ids].sort((a, b) => b - a);
    for (const where of wheres) {
      for (const include of includes) {
        for (const beforeId of [undefined, sorted[3]!]) {
          const { jobs } = await listSyncJobs(pool, where, { take: 5, beforeId, include });
          const expected = await t.app.services.prisma.syncJob.findMany({
            where: { ...where, ...(beforeId ? { id: { lt: beforeId } } : {}) },
            orderBy: { id: 'desc' },
            take: 5,
            include,
          });
          const what = `where ${JSON.stringify(where)}, include ${JSON.stringify(include)}, before ${beforeId ?? '—'}`;
          expect(expected.length, `${what}: the data has jobs to compare`).toBeGreaterThan(0);
          expect(jobs, `${what}: the same rows, fields and values as Prisma`).toStrictEqual(expected.map(readByTheApi));
        }
      }
    }
  });

  it("reads one job (a live event's) exactly as Prisma findUnique does, and null for none", async () => {
    for (const id of ids) {
      const expected = await t.app.services.prisma.syncJob.findUnique({ where: { id } });
      expect(await readSyncJob(pool, id), `job ${id}`).toStrictEqual(readByTheApi(expected!));
    }
    expect(await readSyncJob(pool, 2_000_000_000)).toBeNull();
  });

  it('counts the total in the same statement, also for an empty page', async () => {
    const { jobs, totalCount } = await listSyncJobs(
      pool,
      { syncType: 'SEGMENT' },
      { take: 3, include: { destination: true }, withTotalCount: true },
    );
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sync_jobs WHERE sync_type = 'SEGMENT'`);
    expect(jobs.length, 'a page of three').toBe(3);
    expect(totalCount, 'totalCount is count(*) of the filter').toBe(rows[0]!.n);
    const empty = await listSyncJobs(
      pool,
      { syncType: 'PII_UPDATE' },
      { take: 3, include: { destination: true, segment: true }, withTotalCount: true },
    );
    expect(empty, 'an empty page: no jobs, and a total of 0').toEqual({ jobs: [], totalCount: 0 });
    const beyond = await listSyncJobs(pool, {}, { take: 3, beforeId: Math.min(...ids), include: {}, withTotalCount: true });
    expect(beyond, 'past the oldest job: no jobs, and still the whole total').toEqual({ jobs: [], totalCount: ids.length });
  });
});

describe('syncJobs through the API', () => {
  // the dashboard's selection takes the pg path; `children` sends the same page through Prisma
  const FIELDS = `id status stage destinationType syncType triggeredBy issue group destination { id name hasCredentials } segment { id name }
                  createdAt startedAt endedAt failureLayer error canRetry dryRun dryRunSample
                  recordsTotal recordsAdded recordsRemoved recordsRejected recordsFailed`;
  const page = (extra: string) => `query($first: Int, $after: String, $filter: SyncJobFilter) {
    syncJobs(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${FIELDS} ${extra} } } } }`;

  it('answers the same on the pg path and the Prisma path, page after page', async () => {
    for (const filter of [
      undefined,
      { syncType: 'SEGMENT' },
      { destinationId: globalId('Destination', destinationId) },
      { status: ['FAILED'] },
    ]) {
      let after: string | null = null;
      for (let n = 0; n < 10; n++) {
        const { syncJobs: fast }: { syncJobs: any } = await t.ok(page(''), { first: 4, after, filter });
        const { syncJobs: prisma }: { syncJobs: any } = await t.ok(page('children { id }'), { first: 4, after, filter });
        const withoutChildren = { ...prisma, edges: prisma.edges.map((e: any) => ({ ...e, node: { ...e.node, children: undefined } })) };
        expect(JSON.parse(JSON.stringify(fast)), `filter ${JSON.stringify(filter)}, page ${n + 1}: both paths answer alike`).toEqual(
          JSON.parse(JSON.stringify(withoutChildren)),
        );
        if (!fast.pageInfo.hasNextPage) break;
        after = fast.pageInfo.endCursor;
      }
    }
    const { syncJobs } = await t.ok(page(''), { first: 1, filter: { status: ['FAILED'] } });
    expect(syncJobs.edges[0].node, 'the failed job in full, nested destination and segment included').toMatchObject({
      id: globalId('SyncJob', ids[0]!),
      status: 'FAILED',
      canRetry: true,
      group: 'gold',
      dryRunSample: { adds: ['x'], removes: [] },
      destination: { id: globalId('Destination', destinationId), name: 'parity dmp', hasCredentials: true },
      segment: { id: globalId('Segment', segmentId), name: 'parity segment' },
    });
  });

  it('a cursor whose job was deleted still pages on, on both paths, and last/before still pages back', async () => {
    const { syncJobs: first } = await t.ok(page(''), { first: 3 });
    const cursorJob = Buffer.from(first.edges[2].node.id, 'base64').toString().split(':')[1];
    const { syncJobs: expected } = await t.ok(page(''), { first: 3, after: first.pageInfo.endCursor });
    await pool.query('DELETE FROM sync_jobs WHERE id = $1', [Number(cursorJob)]);
    ids.splice(ids.indexOf(Number(cursorJob)), 1);
    for (const extra of ['', 'children { id }']) {
      const { syncJobs } = await t.ok(page(extra), { first: 3, after: first.pageInfo.endCursor });
      expect(
        syncJobs.edges.map((e: any) => e.node.id),
        `${extra ? 'Prisma' : 'pg'} path: the jobs after the deleted cursor's job, as before it was deleted`,
      ).toEqual(expected.edges.map((e: any) => e.node.id));
    }
    const back = await t.ok(
      `query($before: String) { syncJobs(last: 2, before: $before) { edges { node { id } } pageInfo { hasNextPage } } }`,
      {
        before: expected.pageInfo.endCursor,
      },
    );
    expect(
      back.syncJobs.edges.map((e: any) => e.node.id),
      'last: 2 before a cursor: the two newer jobs next to it, newest first',
    ).toEqual(expected.edges.slice(0, 2).map((e: any) => e.node.id));
  });
});
