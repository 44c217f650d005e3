// LinkedIn Marketing API (Rest.li 2.0): DMP segments and their users through BATCH_CREATE, answering
// one status per element. Needs `Authorization: Bearer`, `LinkedIn-Version: YYYYMM`.
import { createMemberStore, type MemberStore } from '../memberStore.ts';
import type { NetworkSimulator, RequestFaults, RouteMatch, TokenProblem } from '../networkSimulator.ts';
import { servesLinkedIn } from '../servedApiVersions.ts';
import { bearerToken, header, isObject, parseBody, type Reply, type SimRequest } from '../simulatorHttp.ts';

export const LINKEDIN_MAX_ELEMENTS = 5_000;
/** finder pages: 10 elements unless `count` says, at most 100 (small, so paging is exercised) */
export const LINKEDIN_DEFAULT_PAGE = 10;
export const LINKEDIN_MAX_PAGE = 100;
const SHA256 = /^[a-f0-9]{64}$/;
const SEGMENTS = /^\/rest\/dmpSegments\/?$/;
const SEGMENT = /^\/rest\/dmpSegments\/(\d+)\/?$/;
const SEGMENT_USERS = /^\/rest\/dmpSegments\/(\d+)\/users\/?$/;
const ACCOUNT_URN = /^urn:li:sponsoredAccount:\d+$/;
const ID_TYPES = new Set(['SHA256_EMAIL', 'SHA512_EMAIL', 'GOOGLE_AID', 'APPLE_IDFA']);

export interface LinkedInUserId {
  idType: string;
  idValue: string;
}
export interface LinkedInSegment {
  id: string;
  name: string;
  account: string;
  type: string;
  /** found by idValue */
  members: MemberStore<LinkedInUserId[]>;
}
export interface LinkedInState {
  segments: Map<string, LinkedInSegment>;
}

export function createLinkedInSimulator(): NetworkSimulator & { state: LinkedInState } {
  const state: LinkedInState = { segments: new Map() };
  let nextId = 7_000_001;

  function createSegment(request: SimRequest): Reply {
    const body = parseBody(request);
    if (!body) return restliError(400, 'Invalid JSON body');
    if (typeof body.name !== 'string' || body.name.trim() === '')
      return restliError(400, '/name: field is required', 'FIELD_VALUE_REQUIRED');
    if (typeof body.account !== 'string' || !ACCOUNT_URN.test(body.account))
      return restliError(400, '/account: must be urn:li:sponsoredAccount:{id}', 'INVALID_VALUE_FOR_FIELD');
    if (body.type !== 'USER' && body.type !== 'COMPANY')
      return restliError(400, '/type: must be USER or COMPANY', 'INVALID_VALUE_FOR_FIELD');
    if (!Array.isArray(body.destinations) || body.destinations.length === 0)
      return restliError(400, '/destinations: field is required', 'FIELD_VALUE_REQUIRED');
    const id = String(nextId++);
    state.segments.set(id, {
      id,
      name: body.name,
      account: body.account,
      type: body.type,
      members: createMemberStore({ identifiersOf: idValues }),
    });
    return { status: 201, headers: { 'x-restli-id': id, location: `/rest/dmpSegments/${id}` } };
  }

  /** `GET /rest/dmpSegments?q=account&account=URN&start=&count=`: the account's segments, oldest first, one page */
  function findByAccount(request: SimRequest): Reply {
    if (request.query.get('q') !== 'account')
      return restliError(400, `Unsupported finder ${request.query.get('q') ?? '(none)'}: use q=account`, 'INVALID_FINDER');
    const account = request.query.get('account');
    if (!account || !ACCOUNT_URN.test(account))
      return restliError(400, 'account: must be urn:li:sponsoredAccount:{id}', 'INVALID_VALUE_FOR_FIELD');
    const start = pagingParam(request.query.get('start'), 0);
    const count = pagingParam(request.query.get('count'), LINKEDIN_DEFAULT_PAGE);
    if (start === null || count === null || count < 1 || count > LINKEDIN_MAX_PAGE) {
      return restliError(400, `start must be 0 or more and count from 1 to ${LINKEDIN_MAX_PAGE}`, 'INVALID_PAGING');
    }
    const all = [...state.segments.values()].filter((s) => s.account === account);
    return {
      status: 200,
      body: { elements: all.slice(start, start + count).map(segmentBody), paging: { start, count, total: all.length, links: [] } },
    };
  }

  function getSegment(id: string): Reply {
    const segment = state.segments.get(id);
    if (!segment) return restliError(404, `dmpSegment ${id} not found`, 'NOT_FOUND');
    return { status: 200, body: segmentBody(segment) };
  }

  function users(id: string, request: SimRequest, faults: RequestFaults): Reply {
    const segment = state.segments.get(id);
    if (!segment) return restliError(404, `dmpSegment ${id} not found`, 'NOT_FOUND');
    if (header(request.headers, 'x-restli-method')?.toUpperCase() !== 'BATCH_CREATE') {
      return restliError(400, 'X-RestLi-Method: BATCH_CREATE is required for this resource', 'INVALID_METHOD');
    }
    const body = parseBody(request);
    if (!body || !Array.isArray(body.elements) || body.elements.length === 0)
      return restliError(400, '/elements: a non-empty array is required', 'FIELD_VALUE_REQUIRED');
    if (body.elements.length > LINKEDIN_MAX_ELEMENTS)
      return restliError(400, `/elements: at most ${LINKEDIN_MAX_ELEMENTS} per request (got ${body.elements.length})`, 'TOO_MANY_ELEMENTS');
    const elements = body.elements as unknown[];
    const batch = faults.rejectBatch(elements.flatMap(elementValues));
    if (batch) return restliError(batch.status ?? 400, `${batch.reason}${batch.value ? `: ${batch.value}` : ''}`, 'INVALID_BATCH');
    const statuses = elements.map((element) => {
      if (!isObject(element)) return { status: 400, message: 'element must be an object' };
      if (element.action !== 'ADD' && element.action !== 'REMOVE') return { status: 400, message: '/action must be ADD or REMOVE' };
      const ids = element.userIds;
      if (!Array.isArray(ids) || ids.length === 0) return { status: 400, message: '/userIds must be a non-empty array' };
      for (const u of ids) {
        if (!isObject(u) || !ID_TYPES.has(u.idType as string) || typeof u.idValue !== 'string')
          return { status: 400, message: '/userIds: each needs a known idType and an idValue' };
        if (u.idType === 'SHA256_EMAIL' && !SHA256.test(u.idValue))
          return { status: 400, message: '/userIds/idValue: SHA256_EMAIL must be a lowercase SHA-256 hex digest' };
      }
      const values = elementValues(element);
      const rejected = faults.rejectRecord(values);
      if (rejected) return { status: 400, message: rejected.reason };
      if (element.action === 'ADD') segment.members.upsert(ids as LinkedInUserId[]);
      else segment.members.remove(values);
      return { status: 201 };
    });
    return { status: 200, body: { elements: statuses } };
  }

  return {
    network: 'linkedin',
    state,
    route(method, path): RouteMatch | null {
      let m: RegExpExecArray | null;
      if (method === 'POST' && SEGMENTS.test(path)) return { endpoint: 'dmpSegments', handle: (r) => createSegment(r) };
      // an endpoint of its own, so a fault on creation does not fire on the lookup before it
      if (method === 'GET' && SEGMENTS.test(path)) return { endpoint: 'findDmpSegments', handle: (r) => findByAccount(r) };
      if (method === 'GET' && (m = SEGMENT.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'dmpSegments', handle: () => getSegment(id) };
      }
      if (method === 'POST' && (m = SEGMENT_USERS.exec(path))) {
        const id = m[1]!;
        return { endpoint: 'users', handle: (r, f) => users(id, r, f) };
      }
      return null;
    },
    notFound: (request) => restliError(404, `No resource at ${request.method} ${request.path}`, 'NOT_FOUND'),
    authenticate(request, tokenOk) {
      const token = bearerToken(request.headers);
      if (!token) return this.invalidToken(request, 'missing');
      if (!tokenOk(token)) return this.invalidToken(request, 'invalid');
      const version = header(request.headers, 'linkedin-version');
      if (!version)
        return restliError(
          400,
          'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
          'VERSION_MISSING',
        );
      if (!/^\d{6}(\.\d{2})?$/.test(version)) return restliError(400, `Requested version ${version} is not active`, 'NONEXISTENT_VERSION');
      if (!servesLinkedIn(version)) return restliError(426, `Requested version ${version} is not active`, 'NONEXISTENT_VERSION');
      return null;
    },
    invalidToken(_request, problem: TokenProblem) {
      return {
        status: 401,
        body: {
          status: 401,
          serviceErrorCode: problem === 'missing' ? 65601 : 65600,
          code: problem === 'expired' ? 'EXPIRED_ACCESS_TOKEN' : 'INVALID_ACCESS_TOKEN',
          message: problem === 'expired' ? 'The token used in the request has expired' : 'Invalid access token',
        },
      };
    },
    rateLimited(_request, fault) {
      return {
        status: 429,
        headers: { 'retry-after': String(fault.retryAfterSeconds ?? 60) },
        body: { status: 429, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle limit for calls to this resource is reached.' },
      };
    },
    unavailable: (_request, status) => restliError(status, 'Service Unavailable', 'SERVICE_UNAVAILABLE'),
    reset() {
      state.segments.clear();
    },
  };
}

function segmentBody(segment: LinkedInSegment) {
  return {
    id: Number(segment.id),
    name: segment.name,
    account: segment.account,
    type: segment.type,
    destinations: [{ destination: 'LINKEDIN' }],
    matchedCount: segment.members.size,
    status: 'READY',
  };
}

function pagingParam(raw: string | null, fallback: number): number | null {
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** a member's (validated) ids, found by each idValue */
function idValues(ids: LinkedInUserId[]): string[] {
  return ids.map((u) => u.idValue);
}

function elementValues(element: unknown): string[] {
  if (!isObject(element) || !Array.isArray(element.userIds)) return [];
  return element.userIds.flatMap((u) => (isObject(u) && typeof u.idValue === 'string' ? [u.idValue] : []));
}

function restliError(status: number, message: string, code?: string): Reply {
  return { status, body: { status, ...(code ? { code } : {}), message } };
}
