// Adds (POST) or removes (DELETE) one batch on /{audienceId}/users. A batch larger than Meta's
// 10,000 rows a request goes in several requests of one session (batch_seq 1..n, last flag on the
// last). Rows Meta counts invalid come back by sample value and become rejected records.
import type { AdapterContext, BatchResult, MemberRecord } from '../adapter.ts';
import { META_SCHEMA, metaRow, type MetaIdentifiers } from '../hashing/index.ts';
import { graphRequest } from './facebookApi.ts';
import { sessionIdFor } from './facebookSession.ts';

export const FACEBOOK_MAX_ROWS_PER_REQUEST = 10_000;

interface UsersResponse {
  num_received?: number;
  num_invalid_entries?: number;
  invalid_entry_samples?: Record<string, string> | Array<unknown>;
}

export async function sendFacebookMembers(
  ctx: AdapterContext,
  batch: { audience: { externalId: string }; operation: 'ADD' | 'REMOVE'; records: MemberRecord[]; idempotencyKey: string },
): Promise<BatchResult> {
  const rejected: BatchResult['rejected'] = [];
  const sendable: Array<{ key: string; ids: MetaIdentifiers }> = [];
  for (const record of batch.records) {
    const ids = record.identifiers?.ids as MetaIdentifiers | undefined;
    if (!ids || Object.keys(ids).length === 0) rejected.push({ key: record.key, reason: 'no identifiers to match on' });
    else sendable.push({ key: record.key, ids });
  }
  if (sendable.length === 0) return { rejected };

  // only the columns some row fills: smaller requests, same match
  const schema = META_SCHEMA.filter((field) => sendable.some((r) => r.ids[field]));
  const rows = sendable.map((r) => metaRow(r.ids, schema));

  const sessionId = sessionIdFor(batch.idempotencyKey);
  const parts = Math.ceil(rows.length / FACEBOOK_MAX_ROWS_PER_REQUEST);
  for (let part = 0; part < parts; part++) {
    const from = part * FACEBOOK_MAX_ROWS_PER_REQUEST;
    const data = rows.slice(from, from + FACEBOOK_MAX_ROWS_PER_REQUEST);
    const response = await graphRequest(ctx, 'users', batch.operation === 'ADD' ? 'POST' : 'DELETE', `${batch.audience.externalId}/users`, {
      payload: { schema, data },
      session: { session_id: sessionId, batch_seq: part + 1, last_batch_flag: part === parts - 1, estimated_num_total: rows.length },
    });
    const body = response.json<UsersResponse>() ?? {};
    if ((body.num_invalid_entries ?? 0) > 0) {
      rejected.push(...invalidRows(body.invalid_entry_samples, data, sendable.slice(from, from + data.length)));
    }
  }
  return { rejected };
}

/**
 * Meta reports invalid rows as samples keyed by a value of the row (the value → the problem); each
 * sample that names a value of exactly one row of ours rejects that row. Invalid rows beyond the
 * samples cannot be told apart and count as sent.
 */
function invalidRows(
  samples: UsersResponse['invalid_entry_samples'],
  rows: string[][],
  records: Array<{ key: string }>,
): BatchResult['rejected'] {
  if (!samples || typeof samples !== 'object' || Array.isArray(samples)) return [];
  // a value shared by several rows (a common first name's hash) identifies none of them
  const rowOf = new Map<string, number>();
  const shared = new Set<string>();
  rows.forEach((row, index) => {
    for (const value of row) {
      if (value === '') continue;
      const seen = rowOf.get(value);
      if (seen === undefined) rowOf.set(value, index);
      else if (seen !== index) shared.add(value);
    }
  });
  for (const value of shared) rowOf.delete(value);
  const out = new Map<number, string>();
  for (const [sample, problem] of Object.entries(samples)) {
    const index = rowOf.get(sample) ?? (typeof problem === 'string' ? rowOf.get(problem) : undefined);
    if (index === undefined || out.has(index)) continue;
    const reason = rowOf.has(sample) ? String(problem) : sample;
    out.set(index, `Meta counted the row invalid: ${reason}`.slice(0, 500));
  }
  return [...out].map(([index, reason]) => ({ key: records[index]!.key, reason }));
}
