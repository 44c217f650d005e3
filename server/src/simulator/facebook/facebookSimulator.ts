// Facebook Graph API: Custom Audiences (create, users add/remove with sessions) and the Conversions API.
// Errors are Graph errors: JSON `{error:{message,type,code,error_subcode,fbtrace_id}}`, mostly HTTP 400,
// throttling included (never 429).
import { randomBytes } from 'node:crypto';
import { createMemberStore, type MemberStore } from '../memberStore.ts';
import { createSharedValues, type SharedValues } from '../sharedValues.ts';
import type { NetworkSimulator, RequestFaults, RouteMatch, TokenProblem } from '../networkSimulator.ts';
import { SERVED_API_VERSIONS, servesFacebook } from '../servedApiVersions.ts';
import { bearerToken, isObject, maybeJson, parseBody, type Reply, type SimRequest } from '../simulatorHttp.ts';
import { pushBounded, setBounded } from '../boundedStore.ts';

export const FACEBOOK_MAX_USERS_ROWS = 10_000;
export const FACEBOOK_MAX_EVENTS = 1_000;
/** Meta returns a sample of invalid entries, not all; generous here so tests can follow each one */
export const FACEBOOK_MAX_INVALID_SAMPLES = 100;
/** largest page of audiences a listing returns */
export const FACEBOOK_MAX_LIST_LIMIT = 500;
const AUDIENCE_FIELDS = new Set([
  'id',
  'name',
  'description',
  'subtype',
  'customer_file_source',
  'approximate_count_lower_bound',
  'approximate_count_upper_bound',
]);
const FILTER_OPERATORS = new Set(['EQUAL', 'CONTAIN']);
const SEVEN_DAYS_S = 7 * 24 * 3600;
const DEDUP_WINDOW_MS = 48 * 3600 * 1000;

const KNOWN_SCHEMA = new Set([
  'EXTERN_ID',
  'EMAIL',
  'PHONE',
  'FN',
  'LN',
  'CT',
  'ST',
  'ZIP',
  'COUNTRY',
  'GEN',
  'DOBY',
  'DOBM',
  'DOBD',
  'DOB',
  'MADID',
  'FI',
  'LOOKALIKE_VALUE',
  'EMAIL_SHA256',
  'PHONE_SHA256',
]);
const UNHASHED = new Set(['EXTERN_ID', 'MADID', 'LOOKALIKE_VALUE']);
/** fields that identify a person on their own, most stable first: the first present keys the member */
const IDENTITY_ORDER = ['EXTERN_ID', 'EMAIL', 'EMAIL_SHA256', 'PHONE', 'PHONE_SHA256', 'MADID'];
const IDENTITY_FIELDS = new Set(IDENTITY_ORDER);
const SHA256 = /^[a-f0-9]{64}$/;
const ACTION_SOURCES = new Set([
  'website',
  'email',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
]);
const VERSION = String.raw`v\d+(?:\.\d+)?`;
const CREATE_AUDIENCE = new RegExp(`^/${VERSION}/act_(\\d+)/customaudiences/?$`);
const USERS = new RegExp(`^/${VERSION}/(\\d+)/users/?$`);
const EVENTS = new RegExp(`^/${VERSION}/(\\d+)/events/?$`);
const NODE = new RegExp(`^/${VERSION}/(\\d+)/?$`);

export interface FacebookAudience {
  id: string;
  adAccountId: string;
  name: string;
  description: string | null;
  deleted: boolean;
  /** schema name → value as sent, per member; keyed by EXTERN_ID, else EMAIL, else PHONE, else MADID; found by any of them */
  members: MemberStore<Record<string, string>>;
  /** the members' values of the fields they are not found by (COUNTRY, FN…), one instance per value */
  sharedValues: SharedValues;
  sessions: Map<string, { batchesReceived: number[]; lastBatchReceived: boolean; rowsReceived: number }>;
}
export interface FacebookEvent {
  pixelId: string;
  receivedAt: number;
  event: Record<string, unknown>;
}
export interface FacebookState {
  audiences: Map<string, FacebookAudience>;
  /** CAPI events kept after Meta's dedup (event_name + event_id within 48 h) */
  events: FacebookEvent[];
  /** event_id → times received, duplicates included */
  eventIdsReceived: Map<string, number>;
  /** events dropped as duplicates */
  duplicateEvents: number;
}

export function createFacebookSimulator(): NetworkSimulator & { state: FacebookState } {
  const state: FacebookState = { audiences: new Map(), events: [], eventIdsReceived: new Map(), duplicateEvents: 0 };
  const firstSeen = new Map<string, number>(); // `${pixel}|${event_name}|${event_id}` → receivedAt
  let nextAudienceId = 23_850_000_000_000_001n;

  function createAudience(adAccountId: string, request: SimRequest): Reply {
    const body = parseBody(request);
    if (!body) return graphError(400, 100, 'Invalid JSON body');
    if (typeof body.name !== 'string' || body.name.trim() === '') return graphError(400, 100, '(#100) The parameter name is required');
    if (body.subtype !== undefined && body.subtype !== 'CUSTOM')
      return graphError(400, 100, `(#100) subtype must be CUSTOM for a customer list audience (got ${String(body.subtype)})`);
    if (body.customer_file_source === undefined) return graphError(400, 100, '(#100) The parameter customer_file_source is required');
    const id = String(nextAudienceId++);
    state.audiences.set(id, {
      id,
      adAccountId,
      name: body.name,
      description: typeof body.description === 'string' ? body.description : null,
      deleted: false,
      members: createMemberStore({ identifiersOf: memberIdentifiers }),
      sharedValues: createSharedValues(),
      sessions: new Map(),
    });
    return { status: 200, body: { id } };
  }

  /**
   * `GET act_{id}/customaudiences?fields=…&filtering=[{field:"name",operator:"EQUAL",value}]`: the ad
   * account's audiences (deleted ones are gone), `limit` a page (25 by default, as Graph), paged
   * with `after` cursors.
   */
  function listAudiences(adAccountId: string, request: SimRequest): Reply {
    const fields = (request.query.get('fields') ?? 'id')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.find((f) => !AUDIENCE_FIELDS.has(f));
    if (unknown) return graphError(400, 100, `(#100) Tried accessing nonexisting field (${unknown}) on node type (CustomAudience)`);
    const filters = parseFiltering(request.query.get('filtering'));
    if (typeof filters === 'string') return graphError(400, 100, `(#100) ${filters}`);
    const limitParam = request.query.get('limit');
    const limit = limitParam === null ? 25 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > FACEBOOK_MAX_LIST_LIMIT)
      return graphError(400, 100, `(#100) limit must be an integer from 1 to ${FACEBOOK_MAX_LIST_LIMIT}`);
    const after = request.query.get('after');
    const start = after === null ? 0 : cursorOffset(after);
    if (start === null) return graphError(400, 100, '(#100) The after cursor is invalid');

    const matching = [...state.audiences.values()].filter(
      (a) =>
        a.adAccountId === adAccountId &&
        !a.deleted &&
        filters.every((f) => (f.operator === 'EQUAL' ? a.name === f.value : a.name.includes(f.value))),
    );
    const page = matching.slice(start, start + limit);
    const data = page.map((a) => {
      const out: Record<string, unknown> = { id: a.id };
      for (const field of fields) out[field] = audienceField(a, field);
      return out;
    });
    if (data.length === 0) return { status: 200, body: { data } };
    const cursors = { before: cursorOf(start), after: cursorOf(start + page.length) };
    if (start + limit >= matching.length) return { status: 200, body: { data, paging: { cursors } } };
    // Graph's `next` is the same request on its own host with the after cursor (no token echoed here)
    const next = new URLSearchParams(request.query);
    next.delete('access_token');
    next.set('after', cursors.after);
    return { status: 200, body: { data, paging: { cursors, next: `https://graph.facebook.com${request.path}?${next}` } } };
  }

  function users(audienceId: string, request: SimRequest, faults: RequestFaults): Reply {
    const audience = state.audiences.get(audienceId);
    if (!audience || audience.deleted) return missingObject(audienceId);
    const body = parseBody(request);
    if (!body) return graphError(400, 100, 'Invalid JSON body');
    const payload = maybeJson(body.payload);
    if (!isObject(payload)) return graphError(400, 100, '(#100) The parameter payload is required');
    const schema = typeof payload.schema === 'string' ? [payload.schema] : payload.schema;
    if (!Array.isArray(schema) || schema.length === 0 || !schema.every((s) => typeof s === 'string' && KNOWN_SCHEMA.has(s))) {
      return graphError(400, 100, `(#100) payload.schema must be a known field or list of fields (got ${JSON.stringify(payload.schema)})`);
    }
    const data = payload.data;
    if (!Array.isArray(data) || data.length === 0) return graphError(400, 100, '(#100) payload.data must be a non-empty array');
    if (data.length > FACEBOOK_MAX_USERS_ROWS) {
      return graphError(400, 100, `(#100) Too many entries: at most ${FACEBOOK_MAX_USERS_ROWS} rows per request (got ${data.length})`);
    }
    const rows: string[][] = [];
    for (let i = 0; i < data.length; i++) {
      const raw = data[i];
      const row = Array.isArray(raw) ? raw : schema.length === 1 ? [raw] : null;
      if (!row || row.length !== schema.length || !row.every((v) => typeof v === 'string')) {
        return graphError(400, 100, `(#100) payload.data[${i}] must be an array of ${schema.length} strings matching the schema`);
      }
      rows.push(row as string[]);
    }
    let sessionKey: string | null = null;
    let batchSeq = 0;
    let lastBatch = false;
    const session = maybeJson(body.session);
    if (session !== undefined) {
      if (!isObject(session)) return graphError(400, 100, '(#100) session must be an object');
      const sid = session.session_id;
      if (!(typeof sid === 'number' && Number.isInteger(sid)) && !(typeof sid === 'string' && /^\d+$/.test(sid))) {
        return graphError(400, 100, '(#100) session.session_id must be an int64');
      }
      if (!Number.isInteger(session.batch_seq) || (session.batch_seq as number) < 1)
        return graphError(400, 100, '(#100) session.batch_seq must be an integer from 1');
      sessionKey = String(sid);
      batchSeq = session.batch_seq as number;
      lastBatch = session.last_batch_flag === true;
    }
    const batch = faults.rejectBatch(allValues(rows));
    if (batch)
      return graphError(400, 100, '(#100) Invalid parameter', {
        error_user_title: 'Invalid entry in payload',
        error_user_msg: `${batch.reason}${batch.value ? `: ${batch.value}` : ''}`,
      });

    const remove = request.method === 'DELETE';
    let invalid = 0;
    const samples: Record<string, string> = {};
    let sampled = 0;
    for (const row of rows) {
      // keyed by the offending value, so a client can tell which of its rows it was
      const problem = rowProblem(schema as string[], row) ?? faults.rejectRecord(row);
      if (problem) {
        invalid++;
        if (sampled < FACEBOOK_MAX_INVALID_SAMPLES && !(problem.value in samples)) {
          samples[problem.value] = problem.reason;
          sampled++;
        }
        continue;
      }
      const record: Record<string, string> = {};
      for (let c = 0; c < schema.length; c++) {
        const field = schema[c] as string;
        const value = row[c]!;
        if (value !== '') record[field] = IDENTITY_FIELDS.has(field) ? value : audience.sharedValues.share(field, value);
      }
      if (remove) audience.members.remove(memberIdentifiers(record));
      else audience.members.upsert(record);
    }
    const sessionId = sessionKey ?? String(request.now);
    if (sessionKey) {
      const s = audience.sessions.get(sessionKey) ?? { batchesReceived: [], lastBatchReceived: false, rowsReceived: 0 };
      s.batchesReceived.push(batchSeq);
      s.rowsReceived += rows.length;
      s.lastBatchReceived ||= lastBatch;
      audience.sessions.set(sessionKey, s);
    }
    return {
      status: 200,
      body: {
        audience_id: audienceId,
        session_id: sessionId,
        num_received: rows.length,
        num_invalid_entries: invalid,
        invalid_entry_samples: samples,
      },
    };
  }

  function events(pixelId: string, request: SimRequest, faults: RequestFaults): Reply {
    const body = parseBody(request);
    if (!body) return graphError(400, 100, 'Invalid JSON body');
    const data = maybeJson(body.data);
    if (!Array.isArray(data) || data.length === 0)
      return graphError(400, 100, '(#100) The parameter data is required and must be a non-empty array');
    if (data.length > FACEBOOK_MAX_EVENTS)
      return graphError(400, 100, `(#100) Too many events: at most ${FACEBOOK_MAX_EVENTS} per request (got ${data.length})`);
    const nowS = Math.floor(request.now / 1000);
    for (let i = 0; i < data.length; i++) {
      const event = data[i];
      if (!isObject(event)) return invalidEvent(i, 'each event must be an object');
      if (typeof event.event_name !== 'string' || event.event_name === '') return invalidEvent(i, 'event_name is required');
      if (typeof event.event_time !== 'number' || !Number.isInteger(event.event_time))
        return invalidEvent(i, 'event_time must be a unix timestamp in seconds');
      if (typeof event.action_source !== 'string' || !ACTION_SOURCES.has(event.action_source))
        return invalidEvent(i, 'action_source is required and must be a known value');
      if (!isObject(event.user_data) || Object.keys(event.user_data).length === 0)
        return invalidEvent(i, 'user_data must carry at least one customer information parameter');
      if (nowS - event.event_time > SEVEN_DAYS_S) {
        return graphError(400, 100, 'Invalid parameter', {
          error_subcode: 2804003,
          error_user_title: 'Event Timestamp Too Old',
          error_user_msg: `The timestamp for event ${i} is more than 7 days in the past; events older than 7 days are not accepted.`,
        });
      }
    }
    // CAPI has no per-event rejection: one refused event refuses the whole request.
    const values = (data as Record<string, unknown>[]).map(eventValues);
    const batch = faults.rejectBatch(values.flat());
    if (batch)
      return graphError(400, 100, 'Invalid parameter', {
        error_user_title: 'Invalid event',
        error_user_msg: `${batch.reason}${batch.value ? `: ${batch.value}` : ''}`,
      });
    for (let i = 0; i < values.length; i++) {
      const rejected = faults.rejectRecord(values[i]!);
      if (rejected)
        return graphError(400, 100, 'Invalid parameter', {
          error_user_title: 'Invalid event',
          error_user_msg: `event ${i}: ${rejected.reason}`,
        });
    }
    for (const event of data as Record<string, unknown>[]) {
      const eventId = event.event_id == null ? null : String(event.event_id);
      if (eventId !== null) setBounded(state.eventIdsReceived, eventId, (state.eventIdsReceived.get(eventId) ?? 0) + 1);
      if (eventId !== null) {
        const key = `${pixelId}|${String(event.event_name)}|${eventId}`;
        const seen = firstSeen.get(key);
        if (seen !== undefined && request.now - seen < DEDUP_WINDOW_MS) {
          state.duplicateEvents++;
          continue;
        }
        setBounded(firstSeen, key, request.now);
      }
      pushBounded(state.events, { pixelId, receivedAt: request.now, event });
    }
    return { status: 200, body: { events_received: data.length, messages: [], fbtrace_id: traceId() } };
  }

  function node(id: string, request: SimRequest): Reply {
    const audience = state.audiences.get(id);
    if (!audience || audience.deleted) return missingObject(id);
    if (request.method === 'DELETE') {
      audience.deleted = true;
      return { status: 200, body: { success: true } };
    }
    const size = audience.members.size;
    return {
      status: 200,
      body: {
        id,
        name: audience.name,
        description: audience.description,
        subtype: 'CUSTOM',
        approximate_count_lower_bound: size,
        approximate_count_upper_bound: size,
      },
    };
  }

  return {
    network: 'facebook',
    state,
    route(method, path): RouteMatch | null {
      let m: RegExpExecArray | null;
      if (method === 'POST' && (m = CREATE_AUDIENCE.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'customaudiences', handle: (r) => createAudience(id, r) };
      }
      // an endpoint of its own, so a fault on creation does not fire on the lookup before it
      if (method === 'GET' && (m = CREATE_AUDIENCE.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'listCustomAudiences', handle: (r) => listAudiences(id, r) };
      }
      if ((method === 'POST' || method === 'DELETE') && (m = USERS.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'users', handle: (r, f) => users(id, r, f) };
      }
      if (method === 'POST' && (m = EVENTS.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'events', handle: (r, f) => events(id, r, f) };
      }
      if ((method === 'GET' || method === 'DELETE') && (m = NODE.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'audience', handle: (r) => node(id, r) };
      }
      return null;
    },
    notFound: (request) => graphError(400, 100, `Unsupported ${request.method} request to ${request.path}`),
    authenticate(request, tokenOk) {
      const body = request.method === 'GET' ? null : parseBody(request);
      const token =
        request.query.get('access_token') ??
        bearerToken(request.headers) ??
        (typeof body?.access_token === 'string' ? body.access_token : null);
      if (!token) return this.invalidToken(request, 'missing');
      if (!tokenOk(token)) return this.invalidToken(request, 'invalid');
      const version = /^\/(v\d+\.\d+)\//.exec(request.path)?.[1];
      if (version && !servesFacebook(version)) {
        const newest = SERVED_API_VERSIONS.facebook.at(-1);
        return graphError(
          400,
          2635,
          `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${newest}.`,
        );
      }
      return null;
    },
    invalidToken(_request, problem: TokenProblem) {
      if (problem === 'missing') return graphError(400, 104, 'An access token is required to request this resource.');
      if (problem === 'expired') {
        return graphError(400, 190, 'Error validating access token: Session has expired.', {
          error_subcode: 463,
          error_user_title: 'Session expired',
        });
      }
      return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    },
    rateLimited(_request, fault) {
      const code = fault.code ?? 17;
      const minutes = fault.regainAccessMinutes ?? Math.ceil((fault.retryAfterSeconds ?? 60) / 60);
      const usage = {
        simulated: [
          { type: 'ads_management', call_count: 100, total_cputime: 100, total_time: 100, estimated_time_to_regain_access: minutes },
        ],
      };
      const messages: Record<number, string> = {
        4: '(#4) Application request limit reached',
        17: '(#17) User request limit reached',
        613: '(#613) Calls to this api have exceeded the rate limit.',
        80003: '(#80003) There have been too many calls to this ad-account. Wait a bit and try again.',
      };
      return {
        ...graphError(400, code, messages[code] ?? 'Rate limited', { is_transient: true }),
        headers: {
          'x-business-use-case-usage': JSON.stringify(usage),
          'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 100, total_time: 100 }),
        },
      };
    },
    unavailable: (_request, status) => graphError(status, 2, 'Service temporarily unavailable', { is_transient: true }),
    reset() {
      state.audiences.clear();
      state.events.length = 0;
      state.eventIdsReceived.clear();
      state.duplicateEvents = 0;
      firstSeen.clear();
    },
  };
}

/** Graph `filtering`: a JSON array of {field, operator, value}; only name EQUAL / CONTAIN here. A string is the problem. */
function parseFiltering(raw: string | null): Array<{ operator: string; value: string }> | string {
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'filtering must be a JSON array';
  }
  if (!Array.isArray(parsed)) return 'filtering must be a JSON array';
  const out: Array<{ operator: string; value: string }> = [];
  for (const f of parsed) {
    if (!isObject(f) || typeof f.field !== 'string' || typeof f.operator !== 'string')
      return 'each filtering entry needs field, operator and value';
    if (f.field !== 'name' || !FILTER_OPERATORS.has(f.operator))
      return `Filtering field ${f.field} with operation ${f.operator} is not supported`;
    if (typeof f.value !== 'string') return `filtering value for ${f.field} must be a string`;
    out.push({ operator: f.operator, value: f.value });
  }
  return out;
}

function audienceField(audience: FacebookAudience, field: string): unknown {
  switch (field) {
    case 'id':
      return audience.id;
    case 'name':
      return audience.name;
    case 'description':
      return audience.description;
    case 'subtype':
      return 'CUSTOM';
    case 'customer_file_source':
      return 'USER_PROVIDED_ONLY';
    default:
      return audience.members.size; // the approximate counts
  }
}

function cursorOf(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function cursorOffset(cursor: string): number | null {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

/** a member's identity fields in IDENTITY_ORDER; a row with none is known by all of its values */
function memberIdentifiers(record: Record<string, string>): string[] {
  const identifiers: string[] = [];
  for (const field of IDENTITY_ORDER) if (record[field] !== undefined) identifiers.push(record[field]);
  if (identifiers.length === 0) identifiers.push(JSON.stringify(record));
  return identifiers;
}

function rowProblem(schema: string[], row: string[]): { value: string; reason: string } | null {
  let any = false;
  for (let c = 0; c < schema.length; c++) {
    const value = row[c]!;
    if (value === '') continue;
    any = true;
    if (!UNHASHED.has(schema[c]!) && !SHA256.test(value)) return { value, reason: `${schema[c]} is not a SHA-256 hex digest` };
  }
  return any ? null : { value: '', reason: 'the row has no value' };
}

function* allValues(rows: string[][]) {
  for (const row of rows) yield* row;
}

function eventValues(event: Record<string, unknown>): string[] {
  const values: string[] = [];
  if (event.event_id != null) values.push(String(event.event_id));
  const user = isObject(event.user_data) ? event.user_data : {};
  for (const key of ['em', 'ph', 'external_id']) {
    const v = user[key];
    if (Array.isArray(v)) for (const x of v) values.push(String(x));
    else if (v != null) values.push(String(v));
  }
  return values;
}

function invalidEvent(index: number, problem: string): Reply {
  return graphError(400, 100, 'Invalid parameter', { error_user_title: 'Invalid event', error_user_msg: `event ${index}: ${problem}` });
}

function missingObject(id: string): Reply {
  return graphError(
    400,
    100,
    `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    { error_subcode: 33 },
  );
}

export function graphError(status: number, code: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: traceId() } } };
}

function traceId() {
  return randomBytes(8).toString('base64url');
}
