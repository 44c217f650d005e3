// Gives a claimed key back without an answer (the request failed in a way worth trying again), so
// the next request with it runs afresh. Only this claim's row: compare-and-set on its token.
import type pg from 'pg';
import type { IdempotencyRequest } from './claimIdempotencyKey.ts';

export async function releaseIdempotencyKey(pool: pg.Pool, request: IdempotencyRequest, claimToken: string): Promise<void> {
  await pool.query('DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND claim_token = $3 AND answer IS NULL', [
    request.apiKeyId,
    request.key,
    claimToken,
  ]);
}
