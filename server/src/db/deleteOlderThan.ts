// Retention deletes: the rows of `table` whose `column` is older than `days`, oldest first, in
// batches by id (the old rows are the low ids), so no delete holds many locks or runs long.
import type pg from 'pg';

const BATCH = 5_000;

/** `table` and `column` are the caller's constants, never input. */
export async function deleteOlderThan(pool: pg.Pool, options: { table: string; column: string; days: number }): Promise<number> {
  const { table, column, days } = options;
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM ${table} WHERE id IN (
         SELECT id FROM ${table} WHERE ${column} < now() - make_interval(days => $1) ORDER BY id LIMIT $2)`,
      [days, BATCH],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return deleted;
  }
}
