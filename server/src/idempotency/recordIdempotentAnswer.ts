// Stores the first answer under a claimed key. Compare-and-set on the claim token: a claim taken
// over after this process's lease lapsed is not overwritten.
import type pg from 'pg';
import type { IdempotencyRequest } from './claimIdempotencyKey.ts';

export async function recordIdempotentAnswer(
  pool: pg.Pool,
  request: IdempotencyRequest,
  claimToken: string,
  answer: unknown,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE idempotency_keys SET answer = $4, lease_expires_at = now()
      WHERE api_key_id = $1 AND key = $2 AND claim_token = $3 AND answer IS NULL`,
    [request.apiKeyId, request.key, claimToken, JSON.stringify(answer)],
  );
  return rowCount === 1;
}
