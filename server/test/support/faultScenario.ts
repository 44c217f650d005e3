// The steps the fault scenarios share, over a GraphQL client of a server process: a Web destination
// on the simulator, customers in bulk, a segment of everyone, jobs, conversions — and what the
// simulated network actually applied, which is the ground truth for "nothing lost, nothing twice".
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, type StartedSimulator, type WebBatch } from '../../src/simulator/index.ts';
import type pg from 'pg';
import { until, type GraphQLClient } from './serverProcess.ts';

export interface JobState {
  id: string;
  status: string;
  stage: string | null;
  error: string | null;
  recordsTotal: number;
  recordsAdded: number;
  recordsFailed: number;
}

export async function createWebDestination(c: GraphQLClient, sim: StartedSimulator, name: string, settings: Record<string, unknown> = {}) {
  const { createDestination } = await c.ok<{ createDestination: { id: string } }>(
    'mutation($name: String!, $s: JSON!) { createDestination(input: { name: $name, type: WEB, settings: $s }) { id } }',
    { name, s: { url: `${sim.url}/web/${name}`, ...settings } },
  );
  return createDestination.id;
}

/** `n` customers `${prefix}-0` …, upserted in chunks; returns their external ids. */
export async function createCustomers(c: GraphQLClient, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < n; from += 10_000) {
    const chunk = [];
    for (let i = from; i < Math.min(n, from + 10_000); i++) {
      chunk.push({ externalId: `${prefix}-${i}`, email: `${prefix}.${i}@example.com` });
      ids.push(`${prefix}-${i}`);
    }
    await c.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', { c: chunk });
  }
  return ids;
}

/** A segment of every customer in the database (each test has a database of its own). */
export async function createEveryoneSegment(c: GraphQLClient, name: string, destinationIds: string[]) {
  const { createSegment } = await c.ok<{ createSegment: { id: string } }>(
    'mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }',
    {
      i: { name, paidSyncEnabled: true, destinationIds, criteria: { all: [] } },
    },
  );
  return createSegment.id;
}

export async function triggerSync(c: GraphQLClient, segmentId: string): Promise<string> {
  const { triggerSegmentSync } = await c.ok<{ triggerSegmentSync: Array<{ id: string }> }>(
    'mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }',
    { s: segmentId },
  );
  if (triggerSegmentSync.length !== 1) throw new Error(`expected one sync job, got ${JSON.stringify(triggerSegmentSync)}`);
  return triggerSegmentSync[0]!.id;
}

export async function jobState(c: GraphQLClient, id: string): Promise<JobState> {
  const { syncJob } = await c.ok<{ syncJob: JobState }>(
    'query($id: ID!) { syncJob(id: $id) { id status stage error recordsTotal recordsAdded recordsFailed } }',
    { id },
  );
  return syncJob;
}

export async function enableConversions(c: GraphQLClient, destinationIds: string[]) {
  await c.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    { d: destinationIds },
  );
}

export async function capture(c: GraphQLClient, eventId: string, customerExternalId: string | null = null) {
  const { capturePaidResponse } = await c.ok<{ capturePaidResponse: { duplicate: boolean } }>(
    'mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }',
    { i: { eventId, conversionName: 'Purchase', occurredAt: new Date().toISOString(), customerExternalId, value: 1, currency: 'USD' } },
  );
  return capturePaidResponse;
}

export interface EventView {
  eventId: string;
  status: string;
  lastError: string | null;
  attempts: number;
}

interface EventPage {
  conversionEvents: { edges: Array<{ node: EventView }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** Every conversion event, read page by page. */
export async function allConversionEvents(c: GraphQLClient): Promise<EventView[]> {
  const out: EventView[] = [];
  let after: string | null = null;
  for (;;) {
    const page: EventPage = await c.ok<EventPage>(
      'query($a: String) { conversionEvents(first: 500, after: $a) { edges { node { eventId status lastError attempts } } pageInfo { hasNextPage endCursor } } }',
      {
        a: after,
      },
    );
    out.push(...page.conversionEvents.edges.map((e) => e.node));
    if (!page.conversionEvents.pageInfo.hasNextPage) return out;
    after = page.conversionEvents.pageInfo.endCursor;
  }
}

/** Batches the Web endpoint `name` received. */
export function webBatches(sim: StartedSimulator, name: string): WebBatch[] {
  return sim.simulator.state.web.batches.filter((b) => b.endpoint === name);
}

/**
 * How many times the network applied each record of an operation: batches it answered 2xx and did
 * not answer from its idempotency cache (a replay changes nothing); adds and removes of `audience` only
 * when given (conversion jobs also add their customers to a "Converted: …" audience).
 */
export function appliedCounts(
  sim: StartedSimulator,
  name: string,
  operation: 'add' | 'remove' | 'conversion',
  audience?: string,
): Map<string, number> {
  const applied = new Map<string, number>();
  for (const batch of webBatches(sim, name)) {
    if (batch.operation !== operation || batch.replayed || batch.status < 200 || batch.status >= 300) continue;
    if (audience !== undefined && batch.audience !== audience) continue;
    for (const record of batch.records) applied.set(String(record.id), (applied.get(String(record.id)) ?? 0) + 1);
  }
  return applied;
}

/** Lost and doubled records of `expected` against what the network applied. */
export function lostAndDoubled(expected: string[], applied: Map<string, number>) {
  const lost = expected.filter((id) => !applied.has(id));
  const doubled = expected.filter((id) => (applied.get(id) ?? 0) > 1);
  const expectedSet = new Set(expected);
  const unexpected = [...applied.keys()].filter((id) => !expectedSet.has(id));
  return { lost, doubled, unexpected };
}

/** The members of a Web endpoint's audience (record ids = customer external ids). */
export function webAudience(sim: StartedSimulator, endpoint: string, audience: string): Set<string> {
  return new Set(sim.simulator.state.web.endpoints.get(endpoint)?.audiences.get(audience)?.keys() ?? []);
}

export function sameSet(expected: string[], actual: Set<string>) {
  const missing = expected.filter((id) => !actual.has(id));
  const expectedSet = new Set(expected);
  const extra = [...actual].filter((id) => !expectedSet.has(id));
  return { missing, extra, equal: missing.length === 0 && extra.length === 0 };
}

/** The fault-suite figures, printed so a run's log reports them. */
export function report(scenario: string, figures: Record<string, unknown>) {
  console.log(`[fault suite] ${scenario}: ${JSON.stringify(figures)}`);
}

export interface SentRequest {
  at: number;
  /** the server process that sent it (X-Paidsync-Test-Process, see tagOutgoingRequests.ts) */
  process: string | null;
  path: string;
  idempotencyKey: string | null;
}

/**
 * The simulator on its own port, behind a recorder of who sent each request, so a test can tell
 * which worker process delivered which queue item (the idempotency key names the item).
 */
export async function startObservedSimulator(): Promise<StartedSimulator & { sent: SentRequest[] }> {
  const simulator = createSimulator();
  const sent: SentRequest[] = [];
  const server = http.createServer((req, res) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : null;
    };
    sent.push({
      at: Date.now(),
      process: header('x-paidsync-test-process'),
      path: req.url ?? '',
      idempotencyKey: header('idempotency-key'),
    });
    void simulator.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${simulator.basePath}`,
    simulator,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The queue item id in a delivery's idempotency key (`paidsync-<item>-<offset>-<length>`). */
export function queueItemOfKey(key: string | null): number | null {
  const m = key ? /^paidsync-(\d+)-/.exec(key) : null;
  return m ? Number(m[1]) : null;
}

/** Queue items still in flight or waiting, grouped with their job's type, status and stage. */
async function itemsInFlight(db: pg.Pool | pg.Client) {
  const { rows } = await db.query<{ status: string; sync_type: string; job_status: string; stage: string; n: number }>(
    `SELECT q.status, j.sync_type, j.status AS job_status, j.stage, count(*)::int AS n
       FROM queue_items q JOIN sync_jobs j ON j.id = q.sync_job_id
      WHERE q.status IN ('PENDING', 'SENDING', 'RESENDING', 'WAITING_FOR_RETRY') GROUP BY 1, 2, 3, 4`,
  );
  return rows;
}

/**
 * Waits (up to 2 minutes) until no queue item is in flight or waiting — child jobs such as the
 * CONVERSION_AUDIENCE adds may still be on their way — and returns what is left ([] when drained),
 * for the caller's expectation to name.
 */
export async function waitForQueueToDrain(db: pg.Pool | pg.Client, logs: () => string) {
  return until(
    'no queue item left in flight or waiting',
    async () => ((await itemsInFlight(db)).length === 0 ? [] : undefined),
    120_000,
    async () => `still in flight: ${JSON.stringify(await itemsInFlight(db))}\n${logs()}`,
  ).catch(async () => itemsInFlight(db));
}
