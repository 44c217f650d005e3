// ApiCall records (the API inspector) hold hashed identifiers and what destinations answered: they
// are kept PAIDSYNC_API_CALL_RETENTION_DAYS days, then deleted by a scheduled job. Oldest first, in
// batches by id (the old rows are the low ids), so no delete holds many locks or runs long.
import type pg from 'pg';

const BATCH = 5_000;

export async function pruneApiCalls(pool: pg.Pool, retentionDays: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM api_calls WHERE id IN (
         SELECT id FROM api_calls WHERE at < now() - make_interval(days => $1) ORDER BY id LIMIT $2)`,
      [retentionDays, BATCH],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return deleted;
  }
}
