// A per-destination rate limit shared by every worker process: a token bucket row in PostgreSQL.
// Each request reserves one token in one UPDATE (the row lock orders concurrent takers); a negative
// balance means "your slot is that far in the future", so the caller sleeps exactly that long.
import type pg from 'pg';

export async function reserveRequestSlot(db: pg.Pool, destinationId: number, requestsPerSecond: number): Promise<number> {
  const burst = Math.max(1, requestsPerSecond);
  const { rows } = await db.query<{ tokens: number }>(
    `INSERT INTO destination_rate_limits AS r (destination_id, tokens, refilled_at)
     VALUES ($1, $2::float8 - 1, clock_timestamp())
     ON CONFLICT (destination_id) DO UPDATE SET
       tokens = LEAST($2::float8, r.tokens + EXTRACT(EPOCH FROM clock_timestamp() - r.refilled_at) * $3::float8) - 1,
       refilled_at = clock_timestamp()
     RETURNING tokens`,
    [destinationId, burst, requestsPerSecond],
  );
  const tokens = rows[0]!.tokens;
  return tokens >= 0 ? 0 : Math.ceil((-tokens / requestsPerSecond) * 1000);
}
