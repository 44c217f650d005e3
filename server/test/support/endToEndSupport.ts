// For the end-to-end tests: the real server (startTestApp) with its pipeline live, a simulator on a
// port of its own, and terse GraphQL calls to set up destinations, customers and segments.
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type StartedSimulator } from '../../src/simulator/index.ts';
import { startTestApp, type TestApp } from './testApp.ts';

export interface EndToEnd {
  app: TestApp;
  sim: StartedSimulator;
}

/** One server and one simulator for the test file. */
export function useEndToEnd(): EndToEnd {
  const t = {} as EndToEnd;
  beforeAll(async () => {
    t.sim = await startSimulator();
    t.app = await startTestApp({ env: { PAIDSYNC_BACKOFF_BASE_MS: '20' } });
  });
  afterAll(async () => {
    await t.app?.stop();
    await t.sim?.close();
  });
  return t;
}

export async function control(t: EndToEnd, request: object) {
  const response = await fetch(`${t.sim.url}/_control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (response.status !== 200)
    throw new Error(`expected the simulator to accept the control request, got ${response.status} ${await response.text()}`);
}

export async function createDestination(
  t: EndToEnd,
  input: { name: string; type: string; settings: object; credentials?: object },
): Promise<string> {
  const data = await t.app.ok<{ createDestination: { id: string } }>(
    'mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }',
    { input },
  );
  return data.createDestination.id;
}

export interface TestCustomer {
  externalId: string;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  country: string;
  zip: string;
}

export function customers(prefix: string, count: number): TestCustomer[] {
  return Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-${i + 1}`,
    email: `${prefix}.person${i + 1}@example.org`,
    phone: `+1 (415) 555-${String(2000 + i).padStart(4, '0')}`,
    firstName: `Zelda${prefix}`,
    lastName: `Quixote${i + 1}x`,
    country: 'US',
    zip: String(94100 + i),
  }));
}

export async function upsertCustomers(t: EndToEnd, list: TestCustomer[]) {
  await t.app.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', {
    c: list.map((c) => ({ ...c, adConsent: true })),
  });
}

export async function createSegment(t: EndToEnd, name: string, destinationIds: string[], customerExternalIds: string[]): Promise<string> {
  const data = await t.app.ok<{ createSegment: { id: string } }>(
    'mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id } }',
    { input: { name, paidSyncEnabled: true, destinationIds, customerExternalIds } },
  );
  return data.createSegment.id;
}

export async function triggerSegmentSync(t: EndToEnd, segmentId: string): Promise<Array<{ id: string; destinationType: string }>> {
  const data = await t.app.ok<{ triggerSegmentSync: Array<{ id: string; destinationType: string }> }>(
    'mutation($id: ID!) { triggerSegmentSync(segmentId: $id) { id destinationType } }',
    { id: segmentId },
  );
  return data.triggerSegmentSync;
}

export interface JobView {
  id: string;
  status: string;
  error: string | null;
  recordsAdded: number;
  recordsRejected: number;
  rejectedRecords: { edges: Array<{ node: { primaryKey: string; reason: string } }> };
}

const JOB = `query($id: ID!) { syncJob(id: $id) { id status error recordsAdded recordsRejected
  rejectedRecords(first: 100) { edges { node { primaryKey reason } } } } }`;

/**
 * Polls the job every 25 ms until it reaches one of `until`; returns it with every distinct status
 * seen on the way, in order.
 */
export async function waitForJob(
  t: EndToEnd,
  id: string,
  until: string[] = ['COMPLETED', 'FAILED'],
  timeoutMs = 30_000,
): Promise<{ job: JobView; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { syncJob } = await t.app.ok<{ syncJob: JobView }>(JOB, { id });
    if (seen.at(-1) !== syncJob.status) seen.push(syncJob.status);
    if (until.includes(syncJob.status)) return { job: syncJob, seen };
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for job ${id} to reach ${until.join('/')}; statuses seen: ${seen.join(' → ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
