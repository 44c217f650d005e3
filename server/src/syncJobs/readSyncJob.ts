// One sync job by id, in Prisma's shape, over pg: what every syncJobUpdated subscriber's event loads
// (once per event, shared). Prisma's findUnique spent a few ms of CPU compiling its query on the way
// to the first subscriber; this is one prepared statement.
import type pg from 'pg';
import type { SyncJob } from '../generated/prisma/client.ts';
import { JOB, select, toObject, types } from './syncJobRows.ts';

const sql = `SELECT ${select('j', JOB)} FROM sync_jobs j WHERE j.id = $1::int`;

export async function readSyncJob(db: pg.Pool | pg.PoolClient, id: number): Promise<SyncJob | null> {
  const { rows } = await db.query<unknown[]>({ name: 'readSyncJob', text: sql, values: [id], rowMode: 'array', types });
  return rows.length ? (toObject(rows[0]!, 0, JOB) as unknown as SyncJob) : null;
}
