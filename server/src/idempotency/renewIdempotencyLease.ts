// Extends the lease of a claim whose request is still running, so a slow request keeps its key
// while one whose process died loses it once the lease lapses.
import type pg from 'pg';
import type { IdempotencyRequest } from './claimIdempotencyKey.ts';

export async function renewIdempotencyLease(
  pool: pg.Pool,
  request: IdempotencyRequest,
  claimToken: string,
  leaseSeconds: number,
): Promise<void> {
  await pool.query(
    `UPDATE idempotency_keys SET lease_expires_at = now() + make_interval(secs => $4)
      WHERE api_key_id = $1 AND key = $2 AND claim_token = $3 AND answer IS NULL`,
    [request.apiKeyId, request.key, claimToken, leaseSeconds],
  );
}
