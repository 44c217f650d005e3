// Claims an Idempotency-Key for one request, or says who holds it. The claim is one compare-and-set
// statement: the insert wins when the key is new; when it exists, the update takes it over only if
// its 24 h are over or its holder's lease lapsed without an answer (that process died mid-way).
// Every other existing row is left alone and read back for the caller to decide on.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface IdempotencyRequest {
  apiKeyId: number;
  key: string;
  requestHash: string;
}

export type IdempotencyClaim =
  | { kind: 'claimed'; claimToken: string }
  | { kind: 'answered'; requestHash: string; answer: unknown }
  | { kind: 'running'; requestHash: string }
  /** gone between the claim and the read (released or swept): claim again */
  | { kind: 'vanished' };

export async function claimIdempotencyKey(
  pool: pg.Pool,
  request: IdempotencyRequest,
  options: { leaseSeconds: number; ttlSeconds: number },
): Promise<IdempotencyClaim> {
  const claimToken = randomUUID();
  const claimed = await pool.query(
    `INSERT INTO idempotency_keys AS k (api_key_id, key, request_hash, claim_token, lease_expires_at, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6))
     ON CONFLICT (api_key_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, claim_token = EXCLUDED.claim_token, answer = NULL,
           lease_expires_at = EXCLUDED.lease_expires_at, created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE k.expires_at <= now() OR (k.answer IS NULL AND k.lease_expires_at <= now())
     RETURNING 1`,
    [request.apiKeyId, request.key, request.requestHash, claimToken, options.leaseSeconds, options.ttlSeconds],
  );
  if (claimed.rowCount) return { kind: 'claimed', claimToken };
  const { rows } = await pool.query<{ request_hash: string; answer: unknown }>(
    'SELECT request_hash, answer FROM idempotency_keys WHERE api_key_id = $1 AND key = $2',
    [request.apiKeyId, request.key],
  );
  const row = rows[0];
  if (!row) return { kind: 'vanished' };
  return row.answer === null
    ? { kind: 'running', requestHash: row.request_hash }
    : { kind: 'answered', requestHash: row.request_hash, answer: row.answer };
}
