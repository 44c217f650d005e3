// ApiCall records (the API inspector) hold hashed identifiers and what destinations answered: they
// are kept PAIDSYNC_API_CALL_RETENTION_DAYS days, then deleted by a scheduled job.
import type pg from 'pg';
import { deleteOlderThan } from '../db/deleteOlderThan.ts';

export async function pruneApiCalls(pool: pg.Pool, retentionDays: number): Promise<number> {
  return deleteOlderThan(pool, { table: 'api_calls', column: 'at', days: retentionDays });
}
