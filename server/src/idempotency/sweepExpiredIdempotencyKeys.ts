// Deletes keys whose 24 h are over, a bounded batch per statement so a large backlog never holds
// a long lock. Returns how many went.
import type pg from 'pg';

const BATCH = 10_000;

export async function sweepExpiredIdempotencyKeys(pool: pg.Pool): Promise<number> {
  let swept = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT ${BATCH})`,
    );
    swept += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return swept;
  }
}
