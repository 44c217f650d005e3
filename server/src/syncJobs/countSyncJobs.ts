// syncJobs.totalCount: exact, and a SUM over the few sync_job_counts rows of the filter's keys (kept
// by triggers on sync_jobs, migration 20261123190000_sync_job_counts) rather than count(*) over up to
// millions of jobs. One statement, so one snapshot: it agrees with count(*) as of that moment.
import type pg from 'pg';
import { syncJobConditions, type SyncJobWhere } from './syncJobWhere.ts';

/** The total as one row `n`, given the filter's conditions (syncJobConditions); listSyncJobs embeds it. */
export function totalSql(conditions: string): string {
  return `SELECT COALESCE(sum(n), 0)::int AS n FROM sync_job_counts ${conditions}`;
}

export async function countSyncJobs(db: pg.Pool | pg.PoolClient, where: SyncJobWhere): Promise<number> {
  const { sql, params } = syncJobConditions(where);
  const { rows } = await db.query<{ n: number }>(totalSql(sql), params);
  return rows[0]!.n;
}
