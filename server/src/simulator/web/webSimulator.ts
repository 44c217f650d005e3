// A customer's own HTTPS endpoint receiving paidsync's Web destination batches: JSON
// `{audience, operation, records}`, HMAC-signed when a secret is set for the endpoint, deduplicated by
// Idempotency-Key (a replay gets the first answer again and changes nothing).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NetworkSimulator, RequestFaults, RouteMatch } from '../networkSimulator.ts';
import { header, isObject, parseBody, type Reply, type SimRequest } from '../simulatorHttp.ts';
import { pushBounded, setBounded } from '../boundedStore.ts';

const ENDPOINT = /^\/([^/]+)\/?$/;
const OPERATIONS = new Set(['add', 'remove', 'conversion']);
/** batches keep their records: fewer of them are kept */
const BATCH_LOG_LIMIT = 5_000;
const SIGNATURE = /^sha256=([a-f0-9]{64})$/i;

export interface WebRecord {
  id: string;
  [field: string]: unknown;
}
export interface WebBatch {
  endpoint: string;
  receivedAt: number;
  audience: string | null;
  operation: string;
  records: WebRecord[];
  idempotencyKey: string | null;
  status: number;
  /** answered from the idempotency cache: nothing was applied */
  replayed: boolean;
}
export interface WebEndpointState {
  /** audience name → record id → last record added */
  audiences: Map<string, Map<string, WebRecord>>;
  /** conversions by record id (a record id seen again replaces, never doubles) */
  conversions: Map<string, WebRecord>;
  /** record id → times received in a conversion batch, replays and duplicates included */
  conversionIdsReceived: Map<string, number>;
}
export interface WebState {
  endpoints: Map<string, WebEndpointState>;
  /** every batch received, in order */
  batches: WebBatch[];
}

export function createWebSimulator(options: { secrets: Map<string, string> }): NetworkSimulator & { state: WebState } {
  const state: WebState = { endpoints: new Map(), batches: [] };
  const answered = new Map<string, Reply>(); // `${endpoint}|${idempotencyKey}` → first answer

  function endpointState(name: string): WebEndpointState {
    let s = state.endpoints.get(name);
    if (!s) state.endpoints.set(name, (s = { audiences: new Map(), conversions: new Map(), conversionIdsReceived: new Map() }));
    return s;
  }

  function receive(name: string, request: SimRequest, faults: RequestFaults): Reply {
    const key = header(request.headers, 'idempotency-key') ?? null;
    const body = parseBody(request);
    const records = body && Array.isArray(body.records) ? (body.records as WebRecord[]) : [];
    const log = (status: number, replayed: boolean) =>
      pushBounded(
        state.batches,
        {
          endpoint: name,
          receivedAt: request.now,
          audience: typeof body?.audience === 'string' ? body.audience : null,
          operation: typeof body?.operation === 'string' ? body.operation : '',
          records,
          idempotencyKey: key,
          status,
          replayed,
        },
        BATCH_LOG_LIMIT,
      );
    const s = endpointState(name);
    if (body?.operation === 'conversion')
      for (const r of records)
        if (isObject(r) && r.id != null)
          setBounded(s.conversionIdsReceived, String(r.id), (s.conversionIdsReceived.get(String(r.id)) ?? 0) + 1);
    if (key) {
      const previous = answered.get(`${name}|${key}`);
      if (previous) {
        log(previous.status, true);
        return { ...previous, headers: { ...previous.headers, 'idempotent-replayed': 'true' } };
      }
    }
    const reply = apply(s, body, records, faults);
    // Only answers that settled the batch are remembered; a 5xx/429 retried with the same key is processed anew.
    if (key && reply.status < 500 && reply.status !== 429) setBounded(answered, `${name}|${key}`, reply);
    log(reply.status, false);
    return reply;
  }

  function apply(s: WebEndpointState, body: Record<string, unknown> | null, records: WebRecord[], faults: RequestFaults): Reply {
    if (!body) return { status: 400, body: { error: 'body must be a JSON object' } };
    if (typeof body.operation !== 'string' || !OPERATIONS.has(body.operation))
      return { status: 422, body: { error: 'operation must be add, remove or conversion' } };
    if (body.operation !== 'conversion' && (typeof body.audience !== 'string' || body.audience === ''))
      return { status: 422, body: { error: 'audience is required for add and remove' } };
    if (!Array.isArray(body.records) || body.records.length === 0)
      return { status: 422, body: { error: 'records must be a non-empty array' } };
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (!isObject(r) || (typeof r.id !== 'string' && typeof r.id !== 'number') || r.id === '')
        return { status: 422, body: { error: `records[${i}].id is required` } };
    }
    const batch = faults.rejectBatch(records.flatMap(recordValues));
    if (batch) return { status: batch.status ?? 422, body: { error: `${batch.reason}${batch.value ? `: ${batch.value}` : ''}` } };
    const results: { id: string; status: 'rejected'; reason: string }[] = [];
    const audience = body.operation === 'conversion' ? null : (s.audiences.get(body.audience as string) ?? new Map<string, WebRecord>());
    if (audience && !s.audiences.has(body.audience as string)) s.audiences.set(body.audience as string, audience);
    for (const record of records) {
      const id = String(record.id);
      const rejected = faults.rejectRecord(recordValues(record));
      if (rejected) {
        results.push({ id, status: 'rejected', reason: rejected.reason });
        continue;
      }
      if (body.operation === 'conversion') s.conversions.set(id, record);
      else if (body.operation === 'add') audience!.set(id, record);
      else audience!.delete(id);
    }
    return { status: 200, body: { accepted: records.length - results.length, results } };
  }

  return {
    network: 'web',
    state,
    route(method, path): RouteMatch | null {
      const m = ENDPOINT.exec(path);
      if (!m || method !== 'POST') return null;
      const name = m[1]!;
      return { endpoint: name, handle: (r, f) => receive(name, r, f) };
    },
    notFound: (request) => ({
      status: 404,
      body: { error: `no endpoint at ${request.method} ${request.path}; POST {basePath}/web/<name>` },
    }),
    authenticate(request) {
      const name = ENDPOINT.exec(request.path)?.[1];
      const secret = name ? options.secrets.get(name) : undefined;
      if (!secret) return null;
      const sent = SIGNATURE.exec(header(request.headers, 'x-paidsync-signature') ?? '');
      if (!sent) return { status: 401, body: { error: 'X-Paidsync-Signature: sha256=<hex> is required' } };
      const expected = createHmac('sha256', secret).update(request.raw).digest();
      const given = Buffer.from(sent[1]!.toLowerCase(), 'hex');
      return timingSafeEqual(expected, given) ? null : { status: 401, body: { error: 'signature does not match the body' } };
    },
    invalidToken: () => ({ status: 401, body: { error: 'unauthorized' } }),
    rateLimited: (_request, fault) => ({
      status: 429,
      headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
      body: { error: 'too many requests' },
    }),
    unavailable: (_request, status) => ({ status, body: { error: 'service unavailable' } }),
    reset() {
      state.endpoints.clear();
      state.batches.length = 0;
      answered.clear();
    },
  };
}

function recordValues(record: unknown): string[] {
  if (!isObject(record)) return [];
  const values: string[] = [];
  for (const key in record) {
    const v = record[key];
    if (typeof v === 'string') values.push(v);
    else if (typeof v === 'number') values.push(String(v));
  }
  return values;
}
