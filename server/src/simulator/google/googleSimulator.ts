// Google Ads REST: Customer Match user lists through asynchronous offline user data jobs, and click
// conversion uploads with partial failure. Errors are google.rpc.Status JSON with a GoogleAdsFailure
// in `details`; row-level failures come back as HTTP 200 + `partialFailureError`. Reads go through
// GAQL on `googleAds:search`, as on the real API (jobs are polled there, lists found by name).
import { createMemberStore, type MemberStore } from '../memberStore.ts';
import { GaqlError, parseGaql } from './gaqlQuery.ts';
import type { NetworkSimulator, RequestFaults, RouteMatch, TokenProblem } from '../networkSimulator.ts';
import { SERVED_API_VERSIONS, servesGoogle } from '../servedApiVersions.ts';
import { bearerToken, header, isObject, parseBody, type Reply, type SimRequest } from '../simulatorHttp.ts';
import { addBounded, pushBounded, setBounded } from '../boundedStore.ts';

export const GOOGLE_MAX_CLICK_CONVERSIONS = 2_000;
export const GOOGLE_MAX_JOB_OPERATIONS = 100_000;
export const GOOGLE_MAX_IDENTIFIERS_PER_USER = 20;
const SHA256 = /^[a-f0-9]{64}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2}$/;
const VERSION = String.raw`v\d+(?:\.\d+)?`;
const USER_LISTS_MUTATE = new RegExp(`^/(${VERSION})/customers/(\\d+)/userLists:mutate$`);
const USER_LIST = new RegExp(`^/(${VERSION})/customers/(\\d+)/userLists/(\\d+)$`);
const JOBS_CREATE = new RegExp(`^/(${VERSION})/customers/(\\d+)/offlineUserDataJobs:create$`);
const JOB_ACTION = new RegExp(`^/(${VERSION})/customers/(\\d+)/offlineUserDataJobs/(\\d+):(addOperations|run)$`);
const SEARCH = new RegExp(`^/(${VERSION})/customers/(\\d+)/googleAds:search$`);
const OPERATION = new RegExp(`^/(${VERSION})/customers/(\\d+)/operations/([^/]+)$`);
const UPLOAD_CLICKS = new RegExp(`^/(${VERSION})/customers/(\\d+):uploadClickConversions$`);

export type GoogleUserIdentifier = Record<string, unknown>;
export interface GoogleUserList {
  resourceName: string;
  customerId: string;
  name: string;
  description: string | null;
  removed: boolean;
  /** members as confirmed by finished jobs; found by hashedEmail, hashedPhoneNumber or the address */
  members: MemberStore<GoogleUserIdentifier[]>;
}
export type GoogleJobStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED';
export interface GoogleJob {
  resourceName: string;
  customerId: string;
  userList: string;
  status: GoogleJobStatus;
  /** 'create' or 'remove' once the first operation arrived; a job never mixes them */
  operationKind: 'create' | 'remove' | null;
  removeAll: boolean;
  operations: GoogleUserIdentifier[][];
  addOperationsCalls: number;
  runAt: number | null;
  completesAt: number | null;
  failureReason: string | null;
  matchRateRange: string | null;
}
export interface GoogleClickConversion {
  customerId: string;
  receivedAt: number;
  conversion: Record<string, unknown>;
}
export interface GoogleState {
  userLists: Map<string, GoogleUserList>;
  jobs: Map<string, GoogleJob>;
  /** accepted click conversions (a re-sent one is answered CLICK_CONVERSION_ALREADY_EXISTS, not kept twice) */
  clickConversions: GoogleClickConversion[];
  /** orderId (else `gclid|conversionDateTime`) → times received, duplicates included */
  conversionIdsReceived: Map<string, number>;
  duplicateConversions: number;
}
export interface GoogleSettings {
  /** time from `:run` to SUCCESS (RUNNING in between) */
  jobDelayMs: number;
  matchRateRange: string;
  /** time an addOperations call holds its job, so parallel calls on one job are caught */
  addOperationsHoldMs: number;
}

export function createGoogleSimulator(options: {
  now: () => number;
  settings: GoogleSettings;
}): NetworkSimulator & { state: GoogleState; settle(): void } {
  const { now, settings } = options;
  const state: GoogleState = {
    userLists: new Map(),
    jobs: new Map(),
    clickConversions: [],
    conversionIdsReceived: new Map(),
    duplicateConversions: 0,
  };
  const busyJobs = new Set<string>();
  const seenClicks = new Set<string>();
  const seenOrders = new Set<string>();
  let nextId = 100_001;
  let searches = 0;

  /** finish jobs whose delay has passed, applying their operations to the list */
  function settle() {
    const t = now();
    for (const job of state.jobs.values()) {
      if (job.status === 'RUNNING' && job.completesAt !== null && t >= job.completesAt) complete(job);
    }
  }

  function complete(job: GoogleJob) {
    if (job.failureReason) {
      job.status = 'FAILED';
      return;
    }
    const list = state.userLists.get(job.userList);
    if (list) {
      if (job.removeAll) list.members.clear();
      for (const identifiers of job.operations) {
        if (job.operationKind === 'remove') list.members.remove(identifierKeys(identifiers));
        else list.members.upsert(identifiers);
      }
    }
    job.status = 'SUCCESS';
    job.matchRateRange = settings.matchRateRange;
  }

  function mutateUserLists(version: string, cid: string, request: SimRequest): Reply {
    const body = parseBody(request);
    if (!body || !Array.isArray(body.operations) || body.operations.length === 0)
      return invalidArgument(version, 'operations is required', 'requestError', 'REQUIRED_FIELD_MISSING');
    const results: { resourceName: string }[] = [];
    for (let i = 0; i < body.operations.length; i++) {
      const op = body.operations[i];
      if (isObject(op) && typeof op.remove === 'string') {
        const list = state.userLists.get(op.remove);
        if (!list || list.customerId !== cid)
          return invalidArgument(version, 'The user list does not exist', 'userListError', 'USER_LIST_NOT_FOUND', i);
        list.removed = true;
        results.push({ resourceName: op.remove });
        continue;
      }
      const create = isObject(op) ? op.create : undefined;
      if (!isObject(create))
        return invalidArgument(version, 'each operation needs create or remove', 'requestError', 'REQUIRED_FIELD_MISSING', i);
      if (typeof create.name !== 'string' || create.name.trim() === '')
        return invalidArgument(version, 'name is required', 'userListError', 'NAME_REQUIRED', i);
      const crm = create.crmBasedUserList;
      if (!isObject(crm) || !['CONTACT_INFO', 'CRM_ID', 'MOBILE_ADVERTISING_ID'].includes(crm.uploadKeyType as string)) {
        return invalidArgument(version, 'crmBasedUserList.uploadKeyType is required', 'userListError', 'UPLOAD_KEY_TYPE_REQUIRED', i);
      }
      // names are unique in an account, closed lists included; a create whose answer was lost and
      // is simply sent again gets this
      const taken = [...state.userLists.values()].some((l) => l.customerId === cid && l.name === create.name);
      if (taken)
        return invalidArgument(
          version,
          'Name is already being used for another user list for the account.',
          'userListError',
          'NAME_ALREADY_USED',
          i,
        );
      const resourceName = `customers/${cid}/userLists/${nextId++}`;
      const description = typeof create.description === 'string' ? create.description : null;
      state.userLists.set(resourceName, {
        resourceName,
        customerId: cid,
        name: create.name,
        description,
        removed: false,
        members: createMemberStore({ identifiersOf: memberKeys }),
      });
      results.push({ resourceName });
    }
    return { status: 200, body: { results } };
  }

  function getUserList(version: string, cid: string, id: string): Reply {
    const list = state.userLists.get(`customers/${cid}/userLists/${id}`);
    if (!list) return notFoundError(version, 'user list');
    return {
      status: 200,
      body: {
        resourceName: list.resourceName,
        id,
        name: list.name,
        membershipStatus: list.removed ? 'CLOSED' : 'OPEN',
        sizeForSearch: String(list.members.size),
        sizeForDisplay: String(list.members.size),
      },
    };
  }

  function createJob(version: string, cid: string, request: SimRequest): Reply {
    const body = parseBody(request);
    const job = body && isObject(body.job) ? body.job : null;
    if (!job) return invalidArgument(version, 'job is required', 'requestError', 'REQUIRED_FIELD_MISSING');
    if (job.type !== 'CUSTOMER_MATCH_USER_LIST')
      return invalidArgument(version, 'job.type must be CUSTOMER_MATCH_USER_LIST', 'offlineUserDataJobError', 'INVALID_JOB_TYPE');
    const meta = job.customerMatchUserListMetadata;
    const listName = isObject(meta) ? meta.userList : undefined;
    const list = typeof listName === 'string' ? state.userLists.get(listName) : undefined;
    if (!list || list.customerId !== cid || list.removed)
      return invalidArgument(
        version,
        `The user list ${String(listName)} does not exist in customer ${cid}`,
        'offlineUserDataJobError',
        'INVALID_USER_LIST_ID',
      );
    const resourceName = `customers/${cid}/offlineUserDataJobs/${nextId++}`;
    state.jobs.set(resourceName, {
      resourceName,
      customerId: cid,
      userList: list.resourceName,
      status: 'PENDING',
      operationKind: null,
      removeAll: false,
      operations: [],
      addOperationsCalls: 0,
      runAt: null,
      completesAt: null,
      failureReason: null,
      matchRateRange: null,
    });
    return { status: 200, body: { resourceName } };
  }

  async function addOperations(version: string, resourceName: string, request: SimRequest, faults: RequestFaults): Promise<Reply> {
    const job = state.jobs.get(resourceName);
    if (!job) return notFoundError(version, 'offline user data job');
    if (busyJobs.has(resourceName)) {
      return googleError(
        version,
        409,
        'ABORTED',
        'Multiple requests were attempting to modify the same resource at once. Retry the request.',
        [
          {
            errorCode: { databaseError: 'CONCURRENT_MODIFICATION' },
            message: 'Multiple requests were attempting to modify the same resource at once.',
          },
        ],
      );
    }
    busyJobs.add(resourceName);
    try {
      // Held open briefly: addOperations on one job must be serial, and this makes overlap observable.
      if (settings.addOperationsHoldMs > 0) await new Promise((r) => setTimeout(r, settings.addOperationsHoldMs));
      return applyOperations(version, job, request, faults);
    } finally {
      busyJobs.delete(resourceName);
    }
  }

  function applyOperations(version: string, job: GoogleJob, request: SimRequest, faults: RequestFaults): Reply {
    if (job.status !== 'PENDING')
      return invalidArgument(
        version,
        `Operations cannot be added to a job that is ${job.status}`,
        'offlineUserDataJobError',
        'INVALID_JOB_STATUS',
      );
    const body = parseBody(request);
    if (!body || !Array.isArray(body.operations) || body.operations.length === 0)
      return invalidArgument(version, 'operations is required', 'requestError', 'REQUIRED_FIELD_MISSING');
    const ops = body.operations as unknown[];
    let identifierCount = 0;
    for (const op of ops)
      for (const k of ['create', 'remove'])
        if (isObject(op) && isObject(op[k]) && Array.isArray((op[k] as Record<string, unknown>).userIdentifiers))
          identifierCount += ((op[k] as Record<string, unknown>).userIdentifiers as unknown[]).length;
    if (identifierCount > GOOGLE_MAX_JOB_OPERATIONS)
      return invalidArgument(
        version,
        `At most ${GOOGLE_MAX_JOB_OPERATIONS} identifiers per request (got ${identifierCount})`,
        'offlineUserDataJobError',
        'TOO_MANY_USER_IDENTIFIERS',
      );
    // A job holds creates or removes, never both.
    let kind = job.operationKind;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      const opKind = isObject(op)
        ? isObject(op.create)
          ? 'create'
          : isObject(op.remove)
            ? 'remove'
            : op.removeAll === true
              ? 'remove'
              : null
        : null;
      if (!opKind)
        return invalidArgument(
          version,
          'each operation needs create, remove or removeAll',
          'requestError',
          'REQUIRED_FIELD_MISSING',
          i,
          'operations',
        );
      if (kind && kind !== opKind) {
        return invalidArgument(
          version,
          'Create and remove operations cannot be mixed in one offline user data job.',
          'offlineUserDataJobError',
          'CONFLICTING_OPERATION',
          i,
          'operations',
        );
      }
      kind = opKind;
    }
    const allIdentifiers = ops.map(operationIdentifiers);
    const batch = faults.rejectBatch(allIdentifiers.flatMap(identifierKeys));
    if (batch)
      return invalidArgument(
        version,
        `${batch.reason}${batch.value ? `: ${batch.value}` : ''}`,
        'offlineUserDataJobError',
        'INVALID_SHA256_FORMAT',
      );
    const partialFailure = body.enablePartialFailure === true;
    const errors: GoogleAdsError[] = [];
    const accepted: GoogleUserIdentifier[][] = [];
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Record<string, unknown>;
      if (op.removeAll === true) {
        job.removeAll = true;
        continue;
      }
      const identifiers = allIdentifiers[i]!;
      let problem = identifiersProblem(identifiers);
      if (!problem) {
        const rejected = faults.rejectRecord(identifierKeys(identifiers));
        if (rejected) problem = { code: 'INVALID_SHA256_FORMAT', message: rejected.reason };
      }
      if (problem) {
        errors.push({
          errorCode: { offlineUserDataJobError: problem.code },
          message: problem.message,
          location: { fieldPathElements: [{ fieldName: 'operations', index: i }, { fieldName: kind! }, { fieldName: 'user_identifiers' }] },
        });
        continue;
      }
      accepted.push(identifiers);
    }
    if (errors.length > 0 && !partialFailure)
      return googleError(version, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', errors);
    job.operationKind = kind;
    job.addOperationsCalls++;
    for (const identifiers of accepted) job.operations.push(identifiers);
    return { status: 200, body: errors.length > 0 ? { partialFailureError: partialFailureStatus(version, errors) } : {} };
  }

  function runJob(version: string, resourceName: string, faults: RequestFaults): Reply {
    const job = state.jobs.get(resourceName);
    if (!job) return notFoundError(version, 'offline user data job');
    if (job.status !== 'PENDING')
      return invalidArgument(version, `The job is already ${job.status}`, 'offlineUserDataJobError', 'INVALID_JOB_STATUS');
    const failure = faults.failJob();
    job.status = 'RUNNING';
    job.runAt = now();
    job.completesAt = job.runAt + settings.jobDelayMs;
    job.failureReason = failure ? failure.reason : null;
    const id = resourceName.split('/').pop();
    return {
      status: 200,
      body: {
        name: `customers/${job.customerId}/operations/${id}`,
        metadata: {
          '@type': `type.googleapis.com/google.ads.googleads.${version}.resources.OfflineUserDataJobMetadata`,
          longRunningOperationResponse: true,
        },
      },
    };
  }

  /**
   * `googleAds:search` for the GAQL forms in gaqlQuery.ts, over user lists and offline user data
   * jobs of the customer in the path. Answers only the selected fields (and the resource name), in
   * the REST API's camelCase; no `results` at all when nothing matched.
   */
  function search(version: string, cid: string, request: SimRequest): Reply {
    const body = parseBody(request);
    if (!body || typeof body.query !== 'string' || body.query.trim() === '')
      return invalidArgument(version, 'query is required', 'requestError', 'REQUIRED_FIELD_MISSING', undefined, 'query');
    let query;
    try {
      query = parseGaql(body.query);
    } catch (error) {
      if (!(error instanceof GaqlError)) throw error;
      return queryError(version, error.code, error.message);
    }
    const resource = SEARCHABLE[query.from];
    if (!resource)
      return queryError(
        version,
        'BAD_RESOURCE_TYPE_IN_FROM_CLAUSE',
        `The simulator cannot query ${query.from}; it serves ${Object.keys(SEARCHABLE).join(', ')}.`,
      );
    for (const field of [...query.select, ...query.where.map((w) => w.field)]) {
      if (!resource.fields[field]) return queryError(version, 'UNRECOGNIZED_FIELD', `Unrecognized field in the query: '${field}'.`);
    }
    settle();
    const rows: Array<GoogleUserList | GoogleJob> = query.from === 'user_list' ? [...state.userLists.values()] : [...state.jobs.values()];
    const results = rows
      .filter((row) => row.customerId === cid)
      .filter((row) => query.where.every((w) => String(resource.fields[w.field]!.get(row as never) ?? '') === w.value))
      .map((row) => {
        const out: Record<string, unknown> = { resourceName: row.resourceName };
        for (const field of query.select) {
          const value = resource.fields[field]!.get(row as never);
          if (value !== undefined && value !== null) setPath(out, resource.fields[field]!.json, value);
        }
        return { [resource.json]: out };
      });
    const fieldMask = query.select.map((f) => `${resource.json}.${resource.fields[f]!.json.join('.')}`).join(',');
    const requestId = `sim-search-${++searches}`;
    return { status: 200, body: results.length > 0 ? { results, fieldMask, requestId } : { fieldMask, requestId } };
  }

  function getOperation(version: string, cid: string, id: string): Reply {
    settle();
    const job = state.jobs.get(`customers/${cid}/offlineUserDataJobs/${id}`);
    if (!job || job.runAt === null) return notFoundError(version, 'operation');
    const done = job.status === 'SUCCESS' || job.status === 'FAILED';
    return {
      status: 200,
      body: {
        name: `customers/${cid}/operations/${id}`,
        done,
        metadata: {
          '@type': `type.googleapis.com/google.ads.googleads.${version}.resources.OfflineUserDataJobMetadata`,
          ...jobResource(job),
        },
        ...(done && job.status === 'FAILED' ? { error: { code: 13, message: job.failureReason } } : {}),
        ...(done && job.status === 'SUCCESS' ? { response: { '@type': 'type.googleapis.com/google.protobuf.Empty' } } : {}),
      },
    };
  }

  function uploadClicks(version: string, cid: string, request: SimRequest, faults: RequestFaults): Reply {
    const body = parseBody(request);
    if (!body || !Array.isArray(body.conversions) || body.conversions.length === 0)
      return invalidArgument(version, 'conversions is required', 'requestError', 'REQUIRED_FIELD_MISSING');
    if (body.conversions.length > GOOGLE_MAX_CLICK_CONVERSIONS) {
      return invalidArgument(
        version,
        `At most ${GOOGLE_MAX_CLICK_CONVERSIONS} conversions per request (got ${body.conversions.length})`,
        'requestError',
        'TOO_MANY_MUTATE_OPERATIONS',
      );
    }
    if (body.partialFailure !== true) {
      // the real API requires partial failure for this method
      return invalidArgument(version, 'partialFailure must be true for uploadClickConversions', 'requestError', 'REQUIRED_FIELD_MISSING');
    }
    const conversions = body.conversions as unknown[];
    const batch = faults.rejectBatch(conversions.flatMap((c) => (isObject(c) ? [c.gclid as string, c.orderId as string] : [])));
    if (batch)
      return invalidArgument(
        version,
        `${batch.reason}${batch.value ? `: ${batch.value}` : ''}`,
        'conversionUploadError',
        'INVALID_CONVERSION_ACTION',
      );
    const results: Record<string, unknown>[] = [];
    const errors: GoogleAdsError[] = [];
    const actionPrefix = `customers/${cid}/conversionActions/`;
    for (let i = 0; i < conversions.length; i++) {
      const c = conversions[i];
      const fail = (code: string, message: string) => {
        results.push({});
        errors.push({
          errorCode: { conversionUploadError: code },
          message,
          location: { fieldPathElements: [{ fieldName: 'conversions', index: i }] },
        });
      };
      if (!isObject(c)) {
        fail('UNKNOWN', 'not an object');
        continue;
      }
      const gclid = typeof c.gclid === 'string' ? c.gclid : null;
      const action = typeof c.conversionAction === 'string' ? c.conversionAction : '';
      const at = typeof c.conversionDateTime === 'string' ? c.conversionDateTime : '';
      const orderId = typeof c.orderId === 'string' && c.orderId !== '' ? c.orderId : null;
      const receivedKey = orderId ?? `${gclid}|${at}`;
      setBounded(state.conversionIdsReceived, receivedKey, (state.conversionIdsReceived.get(receivedKey) ?? 0) + 1);
      if (!gclid) {
        fail('UNPARSEABLE_GCLID', 'gclid is required');
        continue;
      }
      if (!action.startsWith(actionPrefix) || !/^\d+$/.test(action.slice(actionPrefix.length))) {
        fail('INVALID_CONVERSION_ACTION', `conversionAction must be ${actionPrefix}{id}`);
        continue;
      }
      if (!DATE_TIME.test(at)) {
        fail('INVALID_CONVERSION_DATE_TIME', 'conversionDateTime must be "yyyy-mm-dd hh:mm:ss+hh:mm"');
        continue;
      }
      const rejected = faults.rejectRecord([gclid, orderId]);
      if (rejected) {
        fail('CLICK_NOT_FOUND', rejected.reason);
        continue;
      }
      const clickKey = `${gclid}|${action}|${at}`;
      const orderKey = orderId ? `${action}|${orderId}` : null;
      if (seenClicks.has(clickKey) || (orderKey && seenOrders.has(orderKey))) {
        state.duplicateConversions++;
        fail('CLICK_CONVERSION_ALREADY_EXISTS', 'This click conversion has already been uploaded.');
        continue;
      }
      addBounded(seenClicks, clickKey);
      if (orderKey) addBounded(seenOrders, orderKey);
      pushBounded(state.clickConversions, { customerId: cid, receivedAt: request.now, conversion: c });
      results.push({ gclid, conversionAction: action, conversionDateTime: at });
    }
    return { status: 200, body: errors.length > 0 ? { results, partialFailureError: partialFailureStatus(version, errors) } : { results } };
  }

  return {
    network: 'google',
    state,
    settle,
    route(method, path): RouteMatch | null {
      let m: RegExpExecArray | null;
      if (method === 'POST' && (m = USER_LISTS_MUTATE.exec(path))) {
        const [, v, cid] = m;
        return { endpoint: 'userLists', handle: (r) => mutateUserLists(v!, cid!, r) };
      }
      if (method === 'GET' && (m = USER_LIST.exec(path))) {
        const [, v, cid, id] = m;
        return { endpoint: 'userLists', handle: () => getUserList(v!, cid!, id!) };
      }
      if (method === 'POST' && (m = JOBS_CREATE.exec(path))) {
        const [, v, cid] = m;
        return { endpoint: 'offlineUserDataJobs', handle: (r) => createJob(v!, cid!, r) };
      }
      if (method === 'POST' && (m = JOB_ACTION.exec(path))) {
        const [, v, cid, id, action] = m;
        const name = `customers/${cid}/offlineUserDataJobs/${id}`;
        return action === 'run'
          ? { endpoint: 'run', handle: (_r, f) => runJob(v!, name, f) }
          : { endpoint: 'addOperations', handle: (r, f) => addOperations(v!, name, r, f) };
      }
      if (method === 'POST' && (m = SEARCH.exec(path))) {
        const [, v, cid] = m;
        return { endpoint: 'search', handle: (r) => search(v!, cid!, r) };
      }
      if (method === 'GET' && (m = OPERATION.exec(path))) {
        const [, v, cid, id] = m;
        return { endpoint: 'getOperation', handle: () => getOperation(v!, cid!, id!) };
      }
      if (method === 'POST' && (m = UPLOAD_CLICKS.exec(path))) {
        const [, v, cid] = m;
        return { endpoint: 'uploadClickConversions', handle: (r, f) => uploadClicks(v!, cid!, r, f) };
      }
      return null;
    },
    notFound: (request) =>
      googleError(versionOf(request), 404, 'NOT_FOUND', `The requested URL ${request.path} was not found on this server.`),
    authenticate(request, tokenOk) {
      const token = bearerToken(request.headers);
      if (!token) return this.invalidToken(request, 'missing');
      if (!tokenOk(token)) return this.invalidToken(request, 'invalid');
      // a sunset version is gone from Google's front end: every path under it is not found
      if (!servesGoogle(versionOf(request))) return this.notFound(request);
      const developerToken = header(request.headers, 'developer-token');
      if (!developerToken || developerToken === 'invalid') {
        return googleError(versionOf(request), 401, 'UNAUTHENTICATED', 'The developer token is missing or invalid.', [
          {
            errorCode: { authenticationError: developerToken ? 'DEVELOPER_TOKEN_INVALID' : 'DEVELOPER_TOKEN_PARAMETER_MISSING' },
            message: 'developer-token header is required',
          },
        ]);
      }
      const login = header(request.headers, 'login-customer-id');
      if (login !== undefined && !/^\d{10}$/.test(login)) {
        return googleError(versionOf(request), 400, 'INVALID_ARGUMENT', 'login-customer-id must be 10 digits without dashes', [
          { errorCode: { authenticationError: 'LOGIN_CUSTOMER_ID_PARAMETER_INVALID' }, message: 'login-customer-id must be 10 digits' },
        ]);
      }
      return null;
    },
    invalidToken(request, problem: TokenProblem) {
      return googleError(
        versionOf(request),
        401,
        'UNAUTHENTICATED',
        problem === 'missing'
          ? 'Request is missing required authentication credential. Expected OAuth 2 access token.'
          : 'Request had invalid authentication credentials. Expected OAuth 2 access token.',
        [
          {
            errorCode: { authenticationError: problem === 'missing' ? 'NOT_AUTHENTICATED' : 'OAUTH_TOKEN_INVALID' },
            message: 'Oauth token is invalid.',
          },
        ],
      );
    },
    rateLimited(request, fault) {
      const seconds = fault.retryAfterSeconds ?? 30;
      const v = versionOf(request);
      return {
        status: 429,
        body: {
          error: {
            code: 429,
            message: 'Resource has been exhausted (e.g. check quota).',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                '@type': `type.googleapis.com/google.ads.googleads.${v}.errors.GoogleAdsFailure`,
                errors: [
                  {
                    errorCode: { quotaError: 'RESOURCE_EXHAUSTED' },
                    message: 'Too many requests. Retry in ' + seconds + ' seconds.',
                    details: {
                      quotaErrorDetails: { rateScope: 'ACCOUNT', rateName: 'Requests per service per method', retryDelay: `${seconds}s` },
                    },
                  },
                ],
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` },
            ],
          },
        },
      };
    },
    unavailable: (request, status) =>
      googleError(versionOf(request), status, status === 503 ? 'UNAVAILABLE' : 'INTERNAL', 'The service is currently unavailable.'),
    reset() {
      state.userLists.clear();
      state.jobs.clear();
      state.clickConversions.length = 0;
      state.conversionIdsReceived.clear();
      state.duplicateConversions = 0;
      seenClicks.clear();
      seenOrders.clear();
      busyJobs.clear();
    },
  };
}

interface GoogleAdsError {
  errorCode: Record<string, string>;
  message: string;
  location?: { fieldPathElements: { fieldName: string; index?: number }[] };
}

function jobResource(job: GoogleJob) {
  const id = job.resourceName.split('/').pop();
  return {
    resourceName: job.resourceName,
    id,
    type: 'CUSTOMER_MATCH_USER_LIST',
    status: job.status,
    customerMatchUserListMetadata: { userList: job.userList },
    ...(job.failureReason && job.status === 'FAILED' ? { failureReason: job.failureReason } : {}),
    operationMetadata: job.matchRateRange ? { matchRateRange: job.matchRateRange } : {},
  };
}

interface SearchField<R> {
  /** camelCase path in the answer, under the resource's key */
  json: string[];
  get(row: R): string | undefined | null;
}

/** what googleAds:search can read: GAQL resource → its answer key and fields */
const SEARCHABLE: Record<string, { json: string; fields: Record<string, SearchField<never>> }> = {
  user_list: {
    json: 'userList',
    fields: {
      'user_list.resource_name': { json: ['resourceName'], get: (l: GoogleUserList) => l.resourceName },
      'user_list.id': { json: ['id'], get: (l: GoogleUserList) => l.resourceName.split('/').pop() },
      'user_list.name': { json: ['name'], get: (l: GoogleUserList) => l.name },
      'user_list.description': { json: ['description'], get: (l: GoogleUserList) => l.description ?? undefined },
      'user_list.type': { json: ['type'], get: () => 'CRM_BASED' },
      'user_list.membership_status': { json: ['membershipStatus'], get: (l: GoogleUserList) => (l.removed ? 'CLOSED' : 'OPEN') },
      'user_list.size_for_search': { json: ['sizeForSearch'], get: (l: GoogleUserList) => String(l.members.size) },
    },
  },
  offline_user_data_job: {
    json: 'offlineUserDataJob',
    fields: {
      'offline_user_data_job.resource_name': { json: ['resourceName'], get: (j: GoogleJob) => j.resourceName },
      'offline_user_data_job.id': { json: ['id'], get: (j: GoogleJob) => j.resourceName.split('/').pop() },
      'offline_user_data_job.type': { json: ['type'], get: () => 'CUSTOMER_MATCH_USER_LIST' },
      'offline_user_data_job.status': { json: ['status'], get: (j: GoogleJob) => j.status },
      // unset enums are left out of the JSON, as proto3 does
      'offline_user_data_job.failure_reason': {
        json: ['failureReason'],
        get: (j: GoogleJob) => (j.status === 'FAILED' ? j.failureReason : null),
      },
      'offline_user_data_job.operation_metadata.match_rate_range': {
        json: ['operationMetadata', 'matchRateRange'],
        get: (j: GoogleJob) => j.matchRateRange,
      },
      'offline_user_data_job.customer_match_user_list_metadata.user_list': {
        json: ['customerMatchUserListMetadata', 'userList'],
        get: (j: GoogleJob) => j.userList,
      },
    },
  },
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path.at(-1)!] = value;
}

function queryError(version: string, code: string, message: string): Reply {
  return googleError(version, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
    { errorCode: { queryError: code }, message },
  ]);
}

function operationIdentifiers(op: unknown): GoogleUserIdentifier[] {
  if (!isObject(op)) return [];
  const inner = isObject(op.create) ? op.create : isObject(op.remove) ? op.remove : null;
  return inner && Array.isArray(inner.userIdentifiers) ? (inner.userIdentifiers as GoogleUserIdentifier[]) : [];
}

/** the values a Customer Match user is found by */
function identifierKeys(identifiers: GoogleUserIdentifier[]): string[] {
  const keys: string[] = [];
  for (const id of identifiers) {
    if (!isObject(id)) continue;
    if (typeof id.hashedEmail === 'string') keys.push(id.hashedEmail);
    if (typeof id.hashedPhoneNumber === 'string') keys.push(id.hashedPhoneNumber);
    if (typeof id.thirdPartyUserId === 'string') keys.push(id.thirdPartyUserId);
    if (typeof id.mobileId === 'string') keys.push(id.mobileId);
    const a = id.addressInfo;
    if (isObject(a)) keys.push(`${a.hashedFirstName}|${a.hashedLastName}|${a.countryCode}|${a.postalCode}`);
  }
  return keys;
}

/** what a list member is found by; one whose identifiers give no key (a numeric thirdPartyUserId) is known by its JSON */
function memberKeys(identifiers: GoogleUserIdentifier[]): string[] {
  const keys = identifierKeys(identifiers);
  return keys.length > 0 ? keys : [JSON.stringify(identifiers)];
}

function identifiersProblem(identifiers: GoogleUserIdentifier[]): { code: string; message: string } | null {
  if (identifiers.length === 0) return { code: 'MISSING_USER_IDENTIFIER', message: 'userIdentifiers must not be empty' };
  if (identifiers.length > GOOGLE_MAX_IDENTIFIERS_PER_USER)
    return { code: 'TOO_MANY_USER_IDENTIFIERS', message: `at most ${GOOGLE_MAX_IDENTIFIERS_PER_USER} identifiers per user` };
  for (const id of identifiers) {
    if (!isObject(id)) return { code: 'MISSING_USER_IDENTIFIER', message: 'a user identifier must be an object' };
    for (const key of ['hashedEmail', 'hashedPhoneNumber'] as const) {
      if (key in id && !(typeof id[key] === 'string' && SHA256.test(id[key])))
        return { code: 'INVALID_SHA256_FORMAT', message: `${key} must be a lowercase SHA-256 hex digest` };
    }
    const a = id.addressInfo;
    if (a !== undefined) {
      if (!isObject(a)) return { code: 'INCOMPATIBLE_UPLOAD_KEY_TYPE', message: 'addressInfo must be an object' };
      for (const key of ['hashedFirstName', 'hashedLastName'] as const) {
        if (!(typeof a[key] === 'string' && SHA256.test(a[key])))
          return { code: 'INVALID_SHA256_FORMAT', message: `addressInfo.${key} must be a SHA-256 hex digest` };
      }
      if (!(typeof a.countryCode === 'string' && /^[A-Z]{2}$/.test(a.countryCode)))
        return { code: 'INVALID_COUNTRY_CODE', message: 'addressInfo.countryCode must be ISO-3166 alpha-2, not hashed' };
      if (!(typeof a.postalCode === 'string' && a.postalCode !== '' && !SHA256.test(a.postalCode)))
        return { code: 'INVALID_POSTAL_CODE', message: 'addressInfo.postalCode is required, not hashed' };
    }
    if (!('hashedEmail' in id) && !('hashedPhoneNumber' in id) && a === undefined && !('thirdPartyUserId' in id) && !('mobileId' in id)) {
      return { code: 'MISSING_USER_IDENTIFIER', message: 'unknown user identifier' };
    }
  }
  return null;
}

function versionOf(request: SimRequest) {
  return /^\/(v\d+(?:\.\d+)?)\//.exec(request.path)?.[1] ?? SERVED_API_VERSIONS.google.at(-1)!;
}

function partialFailureStatus(version: string, errors: GoogleAdsError[]) {
  return {
    code: 3,
    message: errors.length === 1 ? errors[0]!.message : `Multiple errors in 'details'. First error: ${errors[0]!.message}`,
    details: [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors }],
  };
}

export function googleError(version: string, httpStatus: number, status: string, message: string, errors: GoogleAdsError[] = []): Reply {
  return {
    status: httpStatus,
    body: {
      error: {
        code: httpStatus,
        message,
        status,
        details:
          errors.length > 0 ? [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors }] : [],
      },
    },
  };
}

function invalidArgument(version: string, message: string, family: string, code: string, index?: number, field = 'operations'): Reply {
  return googleError(version, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
    {
      errorCode: { [family]: code },
      message,
      ...(index !== undefined ? { location: { fieldPathElements: [{ fieldName: field, index }] } } : {}),
    },
  ]);
}

function notFoundError(version: string, what: string): Reply {
  return googleError(version, 404, 'NOT_FOUND', `Requested entity was not found: ${what}`, [
    { errorCode: { mutateError: 'RESOURCE_NOT_FOUND' }, message: `The ${what} does not exist.` },
  ]);
}
