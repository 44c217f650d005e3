// A per-destination rate limit shared by every worker process: a token bucket row in PostgreSQL.
// Each request reserves one token in one UPDATE (the row lock orders concurrent takers); a negative
// balance means "your slot is that far in the future", so the caller sleeps exactly that long.
//
// The same row holds the destination's throttle pause (DESIGN.md "A throttle holds the destination"):
// when the network asks one request to wait (Retry-After, Meta's estimated_time_to_regain_access,
// Google's retryDelay), every worker's next request to it waits until then. A request that finds the
// destination paused takes no token: it waits and asks again, as the pause may have grown meanwhile;
// a pause longer than the caller may wait is a throttle that outlasts the run (DeliveryError).
import type pg from 'pg';
import { sleep } from '../sleep.ts';
import { DeliveryError } from '../destinations/deliveryError.ts';

export async function waitForRequestSlot(
  db: pg.Pool,
  destinationId: number,
  requestsPerSecond: number,
  options: { signal?: AbortSignal; maxPauseMs?: number } = {},
): Promise<{ pausedMs: number; slotMs: number }> {
  const { signal, maxPauseMs = Infinity } = options;
  let waited = 0;
  const burst = Math.max(1, requestsPerSecond);
  for (;;) {
    const { rows } = await db.query<{ tokens: number; paused_ms: number }>(
      `INSERT INTO destination_rate_limits AS r (destination_id, tokens, refilled_at)
       VALUES ($1, $2::float8 - 1, clock_timestamp())
       ON CONFLICT (destination_id) DO UPDATE SET
         tokens = CASE WHEN r.paused_until > clock_timestamp() THEN r.tokens
                       ELSE LEAST($2::float8, r.tokens + EXTRACT(EPOCH FROM clock_timestamp() - r.refilled_at) * $3::float8) - 1 END,
         refilled_at = CASE WHEN r.paused_until > clock_timestamp() THEN r.refilled_at ELSE clock_timestamp() END
       RETURNING tokens, GREATEST(0, ceil(EXTRACT(EPOCH FROM r.paused_until - clock_timestamp()) * 1000))::float8 AS paused_ms`,
      [destinationId, burst, requestsPerSecond],
    );
    const { tokens, paused_ms: pausedMs } = rows[0]!;
    if (waited + pausedMs > maxPauseMs)
      throw new DeliveryError('throttled', `the network paused this destination for ${Math.ceil(pausedMs / 1000)} s more`, {
        waitMs: pausedMs,
      });
    if (pausedMs > 0) {
      await sleep(pausedMs, signal);
      waited += pausedMs;
      continue;
    }
    if (tokens >= 0) return { pausedMs: waited, slotMs: 0 };
    const slotMs = Math.ceil((-tokens / requestsPerSecond) * 1000);
    await sleep(slotMs, signal);
    // a pause that began while this request waited for its token holds it too
    const paused = await pausedFor(db, destinationId);
    if (paused === 0) return { pausedMs: waited, slotMs };
    await sleep(paused, signal);
    waited += paused;
  }
}

/** Holds every request to the destination for `waitMs` from now (a longer pause already set stands). */
export async function pauseDestination(db: pg.Pool, destinationId: number, waitMs: number): Promise<void> {
  await db.query(
    `INSERT INTO destination_rate_limits AS r (destination_id, tokens, refilled_at, paused_until)
     VALUES ($1, 0, clock_timestamp(), clock_timestamp() + make_interval(secs => $2::float8 / 1000))
     ON CONFLICT (destination_id) DO UPDATE SET paused_until = GREATEST(r.paused_until, EXCLUDED.paused_until)`,
    [destinationId, waitMs],
  );
}

async function pausedFor(db: pg.Pool, destinationId: number): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(
    `SELECT GREATEST(0, ceil(EXTRACT(EPOCH FROM paused_until - clock_timestamp()) * 1000))::float8 AS ms
       FROM destination_rate_limits WHERE destination_id = $1`,
    [destinationId],
  );
  return rows[0]?.ms ?? 0;
}
