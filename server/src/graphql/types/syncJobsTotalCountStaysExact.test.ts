// syncJobs.totalCount is read from sync_job_counts, which triggers on sync_jobs keep (migration
// 20261123190000_sync_job_counts). It must stay exactly count(*) of what the filter selects, for every
// filter combination, through single and bulk inserts, status and other key changes, deletes and the
// cascades of deleting a segment or a destination, rolled-back work, and concurrent writers (which
// must not wait for each other on a counter row). A migration run over existing jobs counts them too.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/testDatabase.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';
import { applyMigrations } from '../../db/applyMigrations.ts';
import { createLogger } from '../../logger.ts';
import { migrationsDir } from '../../paths.ts';

const COUNTS_MIGRATION = '20261123190000_sync_job_counts';
const TYPES = ['NEXT_BEST_ACTION', 'SEGMENT', 'PII_UPDATE', 'OFFLINE_CONVERSION', 'CONVERSION_AUDIENCE'];
const STATUSES = ['PENDING', 'AWAITING_RESPONSE', 'RUNNING', 'COMPLETED', 'WITHDRAWN', 'FAILED'];
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

interface Job {
  sync_type: string;
  status: string;
  destination_id: number;
  segment_id: number | null;
}
interface Filter {
  syncType?: string;
  status?: string[];
  destinationId?: number;
  segmentId?: number;
}

let t: TestApp;
let db: pg.Client;
const destinations: number[] = [];
const segments: number[] = [];

beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  for (const name of ['count dmp a', 'count dmp b', 'count dmp c']) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO destinations (name, type, settings) VALUES ($1, 'DMP', '{"directory":"/tmp/c"}') RETURNING id`,
      [name],
    );
    destinations.push(rows[0]!.id);
  }
  for (const name of ['count segment a', 'count segment b', 'count segment c']) {
    const { rows } = await db.query<{ id: number }>(`INSERT INTO segments (name, paid_sync_enabled) VALUES ($1, false) RETURNING id`, [
      name,
    ]);
    segments.push(rows[0]!.id);
  }
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

/** Every filter combination: no filter or each value of every dimension, and some status sets. */
function everyFilter(): Filter[] {
  const syncTypes = [undefined, ...TYPES];
  const statuses = [
    undefined,
    ['PENDING'],
    ['RUNNING'],
    ['FAILED'],
    ['PENDING', 'AWAITING_RESPONSE'],
    ['COMPLETED', 'FAILED', 'WITHDRAWN'],
  ];
  const filters: Filter[] = [];
  for (const syncType of syncTypes)
    for (const status of statuses)
      for (const destinationId of [undefined, ...destinations])
        for (const segmentId of [undefined, ...segments]) filters.push({ syncType, status, destinationId, segmentId });
  return filters;
}

const matches = (job: Job, f: Filter) =>
  (!f.syncType || job.sync_type === f.syncType) &&
  (!f.status || f.status.includes(job.status)) &&
  (f.destinationId == null || job.destination_id === f.destinationId) &&
  (f.segmentId == null || job.segment_id === f.segmentId);

const asArgument = (f: Filter) => ({
  ...(f.syncType ? { syncType: f.syncType } : {}),
  ...(f.status ? { status: f.status } : {}),
  ...(f.destinationId != null ? { destinationId: globalId('Destination', f.destinationId) } : {}),
  ...(f.segmentId != null ? { segmentId: globalId('Segment', f.segmentId) } : {}),
});

/**
 * totalCount for every filter, through the API, against count(*) of the jobs as they are now. Each
 * filter is asked twice: with a page (the page's statement counts too) and alone (counted apart).
 */
async function expectExactCounts(when: string) {
  const { rows: jobs } = await db.query<Job>('SELECT sync_type::text, status::text, destination_id, segment_id FROM sync_jobs');
  const filters = everyFilter();
  const PER_REQUEST = 15; // two aliases each: the API's limit is 30
  for (let i = 0; i < filters.length; i += PER_REQUEST) {
    const chunk = filters.slice(i, i + PER_REQUEST);
    const variables: Record<string, unknown> = {};
    const fields = chunk.map((filter, j) => {
      variables[`f${j}`] = asArgument(filter);
      return `p${j}: syncJobs(first: 1, filter: $f${j}) { totalCount edges { node { id } } }
              c${j}: syncJobs(first: 1, filter: $f${j}) { ...CountOnly }`;
    });
    const query = `query(${chunk.map((_, j) => `$f${j}: SyncJobFilter`).join(', ')}) { ${fields.join('\n')} }
                   fragment CountOnly on SyncJobConnection { totalCount }`;
    const data = await t.ok(query, variables);
    chunk.forEach((filter, j) => {
      const expected = jobs.filter((job) => matches(job, filter)).length;
      expect(data[`p${j}`].totalCount, `${when}: totalCount with a page for ${JSON.stringify(filter)} is count(*) = ${expected}`).toBe(
        expected,
      );
      expect(data[`c${j}`].totalCount, `${when}: totalCount alone for ${JSON.stringify(filter)} is count(*) = ${expected}`).toBe(expected);
    });
  }
}

/** The most rows any one key holds in sync_job_counts (more than one only after concurrent writers). */
async function mostRowsPerKey() {
  const { rows } = await db.query<{ n: number }>(
    `SELECT COALESCE(max(n), 0)::int AS n FROM (SELECT count(*) AS n FROM sync_job_counts GROUP BY sync_type, status, destination_id, segment_id) k`,
  );
  return rows[0]!.n;
}

async function insertJob(client: pg.Client | pg.PoolClient, job: Job) {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, segment_id, scope_key)
     VALUES ($1, 'DMP', $2, $3, $4, 'count') RETURNING id`,
    [job.destination_id, job.sync_type, job.status, job.segment_id],
  );
  return rows[0]!.id;
}

describe('syncJobs.totalCount', () => {
  it('is exact after single and bulk inserts', async () => {
    await expectExactCounts('with no jobs');
    for (let i = 0; i < 40; i++) {
      await insertJob(db, {
        sync_type: TYPES[i % TYPES.length]!,
        status: STATUSES[i % STATUSES.length]!,
        destination_id: destinations[i % 3]!,
        segment_id: i % 4 === 3 ? null : segments[i % 3]!,
      });
    }
    // one statement, many keys: counted per key by the statement trigger
    await db.query(
      `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, segment_id, scope_key)
       SELECT ($1::int[])[1 + g % 3], 'DMP', ($2::"SyncType"[])[1 + g % 5], ($3::"SyncJobStatus"[])[1 + g % 6],
              CASE WHEN g % 5 = 0 THEN NULL ELSE ($4::int[])[1 + g % 3] END, 'bulk'
         FROM generate_series(1, 300) g`,
      [destinations, TYPES, STATUSES, segments],
    );
    await expectExactCounts('after 40 single and 300 bulk inserts');
    expect(await mostRowsPerKey(), 'one writer at a time keeps one counter row per key').toBe(1);
  });

  it('is exact after status, type, destination and segment changes, and unchanged by other updates', async () => {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM sync_jobs ORDER BY id LIMIT 12');
    const ids = rows.map((r) => r.id);
    await db.query(`UPDATE sync_jobs SET status = 'RUNNING', started_at = now() WHERE id = $1`, [ids[0]]);
    await db.query(`UPDATE sync_jobs SET status = 'COMPLETED' WHERE id = $1`, [ids[0]]);
    await db.query(`UPDATE sync_jobs SET status = 'FAILED', failure_layer = 'SYNC' WHERE id = ANY($1)`, [ids.slice(1, 4)]);
    await db.query(`UPDATE sync_jobs SET sync_type = 'PII_UPDATE' WHERE id = $1`, [ids[4]]);
    await db.query(`UPDATE sync_jobs SET destination_id = $2 WHERE id = $1`, [ids[5], destinations[2]]);
    await db.query(`UPDATE sync_jobs SET segment_id = NULL WHERE id = $1`, [ids[6]]);
    await db.query(`UPDATE sync_jobs SET segment_id = $2 WHERE id = $1`, [ids[7], segments[1]]);
    await db.query(`UPDATE sync_jobs SET status = 'WITHDRAWN', segment_id = $2, sync_type = 'SEGMENT' WHERE id = $1`, [
      ids[8],
      segments[0],
    ]);
    // a status set to what it was, and the frequent counter updates: no key changes
    await db.query(`UPDATE sync_jobs SET status = status, records_added = records_added + 5, stage = 'SYNC_MEMBERS' WHERE id = ANY($1)`, [
      ids,
    ]);
    // one statement moving many jobs between keys
    await db.query(`UPDATE sync_jobs SET status = 'COMPLETED' WHERE status = 'PENDING' AND sync_type = 'SEGMENT'`);
    await expectExactCounts('after status and key changes');
  });

  it('is exact after deletes, and after deleting a segment (jobs keep no segment) or a destination (its jobs go)', async () => {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM sync_jobs ORDER BY id DESC LIMIT 30');
    await db.query('DELETE FROM sync_jobs WHERE id = $1', [rows[0]!.id]);
    await db.query('DELETE FROM sync_jobs WHERE id = ANY($1)', [rows.slice(1).map((r) => r.id)]);
    await expectExactCounts('after single and bulk deletes');
    await db.query('DELETE FROM segments WHERE id = $1', [segments[2]]);
    await expectExactCounts('after a segment was deleted (its jobs now have no segment)');
    await db.query('DELETE FROM destinations WHERE id = $1', [destinations[2]]);
    await expectExactCounts('after a destination and with it its jobs were deleted');
  });

  it('leaves out rolled-back work, and concurrent writers of one key neither wait for each other nor lose a count', async () => {
    const rolledBack = new pg.Client({ connectionString: t.databaseUrl });
    const first = new pg.Client({ connectionString: t.databaseUrl });
    const second = new pg.Client({ connectionString: t.databaseUrl });
    await Promise.all([rolledBack.connect(), first.connect(), second.connect()]);
    try {
      const key = { sync_type: 'SEGMENT', status: 'PENDING', destination_id: destinations[0]!, segment_id: segments[0]! };
      await rolledBack.query('BEGIN');
      await insertJob(rolledBack, key);
      await rolledBack.query(`UPDATE sync_jobs SET status = 'RUNNING' WHERE status = 'PENDING'`);
      await rolledBack.query('ROLLBACK');
      await expectExactCounts('after a rolled-back insert and update');

      // each transaction stays open holding its counter row, like a pipeline stage does; a writer
      // that had to wait for the other's commit would fail on lock_timeout instead
      for (const client of [first, second]) {
        await client.query(`SET lock_timeout = '200ms'`);
        await client.query('BEGIN');
      }
      const unblocked = async <T>(what: string, work: Promise<T>) => {
        try {
          return await work;
        } catch (error) {
          throw new Error(`${what} must not wait for the other open transaction (a shared counter row?): ${(error as Error).message}`);
        }
      };
      const a = await unblocked('the first writer creating a job', insertJob(first, key));
      const b = await unblocked('a second writer creating a job of the same key', insertJob(second, key));
      const moved = { ...key, status: 'RUNNING' };
      const c = await unblocked('the first writer creating a RUNNING job', insertJob(first, moved));
      const d = await unblocked('the second writer creating a RUNNING job', insertJob(second, moved));
      // crosswise status changes: with one row per key these two would wait on each other (deadlock)
      await unblocked(
        'the first writer moving a job PENDING → RUNNING',
        first.query(`UPDATE sync_jobs SET status = 'RUNNING' WHERE id = $1`, [a]),
      );
      await unblocked(
        'the second writer moving a job PENDING → RUNNING',
        second.query(`UPDATE sync_jobs SET status = 'RUNNING' WHERE id = $1`, [b]),
      );
      await unblocked(
        'the first writer moving a job RUNNING → PENDING',
        first.query(`UPDATE sync_jobs SET status = 'PENDING' WHERE id = $1`, [c]),
      );
      await unblocked(
        'the second writer moving a job RUNNING → PENDING',
        second.query(`UPDATE sync_jobs SET status = 'PENDING' WHERE id = $1`, [d]),
      );
      await expectExactCounts('while two transactions are open (their jobs not yet visible)');
      await first.query('COMMIT');
      await expectExactCounts('after the first of two concurrent transactions committed');
      await second.query('COMMIT');
      await expectExactCounts('after both concurrent transactions committed');
      expect(await mostRowsPerKey(), 'two writers at once add at most a second counter row to a key').toBeLessThanOrEqual(2);
    } finally {
      await Promise.all([rolledBack.end(), first.end(), second.end()]);
    }
  });

  it('is exact after TRUNCATE and new jobs', async () => {
    await db.query('TRUNCATE sync_jobs CASCADE');
    await expectExactCounts('after TRUNCATE');
    await insertJob(db, { sync_type: 'SEGMENT', status: 'PENDING', destination_id: destinations[0]!, segment_id: null });
    await expectExactCounts('after a job made after TRUNCATE');
  });
});

describe('the migration', () => {
  it('counts the jobs that existed before it', async () => {
    const database = await createTestDatabase({ migrate: false });
    const before = await mkdtemp(path.join(os.tmpdir(), 'paidsync-migrations-before-counts-'));
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      for (const name of readdirSync(migrationsDir).filter((n) => n < COUNTS_MIGRATION)) {
        await mkdir(path.join(before, name));
        await copyFile(path.join(migrationsDir, name, 'migration.sql'), path.join(before, name, 'migration.sql'));
      }
      await applyMigrations({ pool, dir: before, logger: createLogger({ level: 'warn' }) });
      const { rows } = await pool.query<{ id: number }>(
        `INSERT INTO destinations (name, type, settings) VALUES ('old', 'DMP', '{}') RETURNING id`,
      );
      await pool.query(
        `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, status, scope_key)
         SELECT $1, 'DMP', ($2::"SyncType"[])[1 + g % 5], ($3::"SyncJobStatus"[])[1 + g % 6], 'old' FROM generate_series(1, 100) g`,
        [rows[0]!.id, TYPES, STATUSES],
      );
      await applyMigrations({ pool, dir: migrationsDir, logger: createLogger({ level: 'warn' }) });
      const { rows: compared } = await pool.query<{ sync_type: string; status: string; counted: number; actual: number }>(
        `SELECT j.sync_type, j.status, j.actual::int, COALESCE(c.counted, 0)::int AS counted
           FROM (SELECT sync_type, status, count(*) AS actual FROM sync_jobs GROUP BY 1, 2) j
           LEFT JOIN (SELECT sync_type, status, sum(n) AS counted FROM sync_job_counts GROUP BY 1, 2) c USING (sync_type, status)`,
      );
      expect(compared.length, 'the old jobs cover every type and status pairing present').toBeGreaterThan(5);
      for (const row of compared) {
        expect(row.counted, `the migration counted the ${row.actual} old ${row.sync_type} ${row.status} jobs`).toBe(row.actual);
      }
    } finally {
      await pool.end();
      await rm(before, { recursive: true, force: true });
      await database.drop();
    }
  });
});
