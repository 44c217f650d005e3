// Shared by the simulator's tests: a started simulator plus terse JSON calls against it.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ControlRequest } from '../../src/simulator/control/handleControl.ts';
import { startSimulator, type StartedSimulator } from '../../src/simulator/startSimulator.ts';

export interface SimCall {
  status: number;
  headers: Headers;
  body: any; // wire JSON under test
}

export interface TestSimulator {
  started: StartedSimulator;
  url: string;
  /** simulated time: tests move it forward to cross 48 h / 7 day / job-delay boundaries */
  clock: { now: number };
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<SimCall>;
  control(request: ControlRequest | Record<string, unknown>): Promise<SimCall>;
}

/** Starts one simulator for the file and resets it before each test. */
export function useSimulator(): TestSimulator {
  const t = { clock: { now: Date.UTC(2026, 10, 23, 12) } } as TestSimulator;
  beforeAll(async () => {
    t.started = await startSimulator({ now: () => t.clock.now });
    t.url = t.started.url;
  });
  beforeEach(() => {
    t.started.simulator.reset();
    t.clock.now = Date.UTC(2026, 10, 23, 12);
  });
  afterAll(() => t.started?.close());
  t.call = async (method, path, body, headers = {}) => {
    const response = await fetch(t.url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  t.control = (request) => t.call('POST', '/_control', request);
  return t;
}

export const FB = '/facebook/v27.0';
export const fbToken = '?access_token=good-token';
export const GOOGLE_HEADERS = { authorization: 'Bearer g-token', 'developer-token': 'dev-token', 'login-customer-id': '1112223333' };
export const LINKEDIN_HEADERS = { authorization: 'Bearer li-token', 'linkedin-version': '202610', 'x-restli-protocol-version': '2.0.0' };

/** A lowercase SHA-256-looking digest from a short label, for readable fixtures. */
export function h(label: string): string {
  return Buffer.from(label).toString('hex').padEnd(64, '0').slice(0, 64);
}

export async function createFacebookAudience(t: TestSimulator, name = 'Buyers', adAccountId = '1234'): Promise<string> {
  const created = await t.call('POST', `${FB}/act_${adAccountId}/customaudiences${fbToken}`, {
    name,
    subtype: 'CUSTOM',
    customer_file_source: 'USER_PROVIDED_ONLY',
    description: 'd',
  });
  if (created.status !== 200)
    throw new Error(`expected audience creation to answer 200, got ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

export async function createGoogleUserList(t: TestSimulator, cid = '1234567890', name = 'List'): Promise<string> {
  const created = await t.call(
    'POST',
    `/google/v26/customers/${cid}/userLists:mutate`,
    { operations: [{ create: { name, crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] },
    GOOGLE_HEADERS,
  );
  if (created.status !== 200)
    throw new Error(`expected list creation to answer 200, got ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.results[0].resourceName;
}

export async function createGoogleJob(t: TestSimulator, userList: string, cid = '1234567890'): Promise<string> {
  const created = await t.call(
    'POST',
    `/google/v26/customers/${cid}/offlineUserDataJobs:create`,
    {
      job: {
        type: 'CUSTOMER_MATCH_USER_LIST',
        customerMatchUserListMetadata: { userList, consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' } },
      },
    },
    GOOGLE_HEADERS,
  );
  if (created.status !== 200) throw new Error(`expected job creation to answer 200, got ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.resourceName;
}

export const JOB_STATUS_FIELDS =
  'offline_user_data_job.resource_name, offline_user_data_job.status, offline_user_data_job.failure_reason, offline_user_data_job.operation_metadata.match_rate_range';

/** A job read the way the real API allows, GAQL on googleAds:search: `results[0].offlineUserDataJob`, or undefined. */
export async function googleJobStatus(
  t: TestSimulator,
  job: string,
): Promise<{ resourceName: string; status: string; failureReason?: string; operationMetadata?: { matchRateRange?: string } } | undefined> {
  const cid = /^customers\/(\d+)\//.exec(job)?.[1];
  const found = await t.call(
    'POST',
    `/google/v26/customers/${cid}/googleAds:search`,
    {
      query: `SELECT ${JOB_STATUS_FIELDS} FROM offline_user_data_job WHERE offline_user_data_job.resource_name = '${job}'`,
    },
    GOOGLE_HEADERS,
  );
  if (found.status !== 200) throw new Error(`expected the job search to answer 200, got ${found.status} ${JSON.stringify(found.body)}`);
  return found.body.results?.[0]?.offlineUserDataJob;
}

export async function createLinkedInSegment(t: TestSimulator, name = 'Seg', accountId = '507'): Promise<string> {
  const created = await t.call(
    'POST',
    '/linkedin/rest/dmpSegments',
    { name, account: `urn:li:sponsoredAccount:${accountId}`, type: 'USER', destinations: [{ destination: 'LINKEDIN' }] },
    LINKEDIN_HEADERS,
  );
  if (created.status !== 201)
    throw new Error(`expected segment creation to answer 201, got ${created.status} ${JSON.stringify(created.body)}`);
  return created.headers.get('x-restli-id')!;
}
