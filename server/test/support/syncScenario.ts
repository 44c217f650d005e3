// A running server, a simulator on its own port, and the few steps every sync test repeats:
// destinations pointed at the simulator, customers, segments, triggers, and waiting for a job.
import type { ResolveHost } from '../../src/delivery/networkPolicy.ts';
import { startSimulator, type StartedSimulator } from '../../src/simulator/index.ts';
import type { ControlRequest } from '../../src/simulator/index.ts';
import { startTestApp, type TestApp } from './testApp.ts';

export interface JobView {
  id: string;
  status: string;
  stage: string | null;
  syncType: string;
  triggeredBy: string | null;
  error: string | null;
  failureLayer: string | null;
  canRetry: boolean;
  recordsTotal: number;
  recordsAdded: number;
  recordsRemoved: number;
  recordsRejected: number;
  recordsFailed: number;
  queueItems: {
    edges: Array<{
      node: {
        id: string;
        operation: string;
        status: string;
        attempts: number;
        recordCount: number;
        lastAttemptAt: string | null;
        nextAttemptAt: string | null;
        lastError: string | null;
      };
    }>;
  };
  rejectedRecords: { totalCount: number; edges: Array<{ node: { primaryKey: string; reason: string } }> };
  children: Array<{ id: string; syncType: string }>;
}

const JOB_FIELDS = `id status stage syncType triggeredBy error failureLayer canRetry recordsTotal recordsAdded recordsRemoved
  recordsRejected recordsFailed children { id syncType }
  queueItems(first: 100) { edges { node { id operation status attempts recordCount lastAttemptAt nextAttemptAt lastError } } }
  rejectedRecords(first: 100) { totalCount edges { node { primaryKey reason } } }`;

export interface SyncScenario {
  t: TestApp;
  sim: StartedSimulator;
  webDestination(name: string, settings?: Record<string, unknown>): Promise<string>;
  /** a Facebook Ads destination on the simulator's Graph API */
  facebookDestination(name: string, account: { adAccountId: string; pixelId?: string; accessToken: string }): Promise<string>;
  customers(list: Array<Record<string, unknown>>): Promise<void>;
  segment(name: string, destinationIds: string[], externalIds: string[]): Promise<string>;
  syncSegment(segmentId: string, options?: { dryRun?: boolean }): Promise<string[]>;
  job(id: string): Promise<JobView>;
  /** syncs `n` new customers `${prefix}-0` … in a new segment to one destination; the job once it ended */
  syncNewCustomersTo(destinationId: string, prefix: string, n?: number): Promise<JobView>;
  /** polls until the job's status is one of `statuses`; fails with the job as last seen */
  waitForJob(id: string, statuses: string[], timeoutMs?: number): Promise<JobView>;
  control(request: ControlRequest): Promise<void>;
  stop(): Promise<void>;
}

export async function startSyncScenario(
  options: { env?: Record<string, string>; log?: (line: string) => void; resolveHost?: ResolveHost } = {},
): Promise<SyncScenario> {
  const sim = await startSimulator();
  const t = await startTestApp({
    env: { PAIDSYNC_BACKOFF_BASE_MS: '20', ...options.env },
    log: options.log,
    resolveHost: options.resolveHost,
  });
  const scenario: SyncScenario = {
    t,
    sim,
    async webDestination(name, settings = {}) {
      const data = await t.ok<{ createDestination: { id: string } }>(
        'mutation($name: String!, $settings: JSON!) { createDestination(input: { name: $name, type: WEB, settings: $settings }) { id } }',
        { name, settings: { url: `${sim.url}/web/${name}`, ...settings } },
      );
      return data.createDestination.id;
    },
    async facebookDestination(name, { adAccountId, pixelId, accessToken }) {
      const data = await t.ok<{ createDestination: { id: string } }>(
        'mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }',
        {
          i: {
            name,
            type: 'FACEBOOK_ADS',
            settings: { apiBaseUrl: `${sim.url}/facebook`, adAccountId, pixelId },
            credentials: { accessToken },
          },
        },
      );
      return data.createDestination.id;
    },
    async customers(list) {
      await t.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', { c: list });
    },
    async segment(name, destinationIds, externalIds) {
      const data = await t.ok<{ createSegment: { id: string } }>('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
        i: { name, paidSyncEnabled: true, destinationIds, customerExternalIds: externalIds },
      });
      return data.createSegment.id;
    },
    async syncSegment(segmentId, { dryRun = false } = {}) {
      const data = await t.ok<{ triggerSegmentSync: Array<{ id: string }> }>(
        'mutation($s: ID!, $d: Boolean) { triggerSegmentSync(segmentId: $s, dryRun: $d) { id } }',
        { s: segmentId, d: dryRun },
      );
      return data.triggerSegmentSync.map((j) => j.id);
    },
    async syncNewCustomersTo(destinationId, prefix, n = 3) {
      const customers = makeCustomers(n, prefix);
      await scenario.customers(customers);
      const segment = await scenario.segment(
        `${prefix} segment`,
        [destinationId],
        customers.map((c) => c.externalId),
      );
      const [jobId] = await scenario.syncSegment(segment);
      return scenario.waitForJob(jobId!, ['COMPLETED', 'FAILED'], 60_000);
    },
    async job(id) {
      return (await t.ok<{ syncJob: JobView }>(`query($id: ID!) { syncJob(id: $id) { ${JOB_FIELDS} } }`, { id })).syncJob;
    },
    async waitForJob(id, statuses, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let job = await scenario.job(id);
      while (!statuses.includes(job.status)) {
        if (Date.now() > deadline)
          throw new Error(`expected job ${id} to reach ${statuses.join(' or ')} within ${timeoutMs} ms; last seen: ${JSON.stringify(job)}`);
        await new Promise((r) => setTimeout(r, 100));
        job = await scenario.job(id);
      }
      return job;
    },
    async control(request) {
      const response = await fetch(`${sim.url}/_control`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      if (!response.ok) throw new Error(`simulator control refused: ${await response.text()}`);
    },
    async stop() {
      await t.stop();
      await sim.close();
    },
  };
  return scenario;
}

/** `n` customers `${prefix}-0` … with distinct emails. */
export function makeCustomers(n: number, prefix = 'c'): Array<{ externalId: string; email: string }> {
  return Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}-${i}`, email: `${prefix}.${i}@example.com` }));
}
