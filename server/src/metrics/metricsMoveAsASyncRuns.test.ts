// /metrics as Prometheus reads it: parsed with a text-format parser, readable only with an ADMIN key
// or PAIDSYNC_METRICS_TOKEN, and its figures move as a sync runs (requests by status class, a
// throttle and rate-limit waits, stage durations, jobs, items and records) and as a subscription opens.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeId } from '../graphql/ids.ts';
import { repoRoot } from '../paths.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

const TOKEN = 'metrics-token-for-this-test-0001';
let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_METRICS_TOKEN: TOKEN } });
});
afterAll(() => s?.stop());

interface Sample {
  labels?: Record<string, string>;
  value?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

async function scrape(key = TOKEN) {
  const response = await fetch(`${s.t.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status, 'the metrics token reads /metrics').toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const families = parsePrometheusTextFormat(text) as Family[]; // throws on any line that breaks the format
  const lookUp = (name: string) => {
    const family = families.find((f) => f.name === name);
    if (!family) throw new Error(`expected a metric family ${name} in /metrics; got ${families.map((f) => f.name).join(', ')}`);
    return family;
  };
  /** the value of the sample of `name` whose labels include `labels` (for a histogram, its count); 0 when absent */
  return (name: string, labels: Record<string, string> = {}) => {
    let family = lookUp(name);
    if (family.type === 'HISTOGRAM') {
      // the parser folds a histogram's label sets into one; its _count series, parsed alone, keeps them
      const counts = text.split('\n').filter((line) => line.startsWith(`${name}_count{`));
      family = parsePrometheusTextFormat(`# TYPE ${name}_count counter\n${counts.join('\n')}\n`)[0] as Family;
    }
    const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return Number(sample?.value ?? 0);
  };
}

it('refuses a scrape without an ADMIN key or the metrics token', async () => {
  const status = async (headers: Record<string, string>) => (await fetch(`${s.t.url}/metrics`, { headers })).status;
  expect(await status({}), 'no key').toBe(401);
  expect(await status({ authorization: 'Bearer not-the-token-not-the-token' }), 'a wrong token').toBe(401);
  expect(await status({ authorization: `Bearer ${await s.t.keyFor('VIEWER')}` }), 'a VIEWER key').toBe(403);
  expect(await status({ authorization: `Bearer ${s.t.adminKey}` }), 'an ADMIN key').toBe(200);
});

it('moves its counters as a sync runs', async () => {
  // one request a second, and the endpoint throttles its first request: the sync must wait for both
  const destination = await s.webDestination('metered', { batchSize: 2, requestsPerSecond: 1 });
  await s.control({ faults: [{ network: 'web', endpoint: 'metered', kind: 'rateLimit', retryAfterSeconds: 1, count: 1 }] });
  const customers = makeCustomers(6, 'metered');
  await s.customers(customers);
  const segment = await s.segment(
    'Metered',
    [destination],
    customers.map((c) => c.externalId),
  );
  const id = String(decodeId('Destination', destination));

  const before = await scrape();
  const [jobId] = await s.syncSegment(segment);
  const job = await s.waitForJob(jobId!, ['COMPLETED', 'FAILED'], 60_000);
  expect(job.status, JSON.stringify(job)).toBe('COMPLETED');
  const after = await scrape();

  const moved = (name: string, labels: Record<string, string> = {}) => after(name, labels) - before(name, labels);
  expect(moved('paidsync_records_total', { outcome: 'added' }), 'six records were accepted').toBe(6);
  expect(moved('paidsync_sync_jobs', { sync_type: 'SEGMENT', status: 'COMPLETED' }), 'one more completed segment job').toBe(1);
  expect(moved('paidsync_queue_items', { status: 'SUCCEEDED' }), 'three batches of two succeeded').toBe(3);
  const requestsTo = (statusClass: string) =>
    moved('paidsync_destination_request_duration_seconds', { destination_id: id, status_class: statusClass });
  expect(requestsTo('2xx'), 'three accepted requests to the destination').toBe(3);
  expect(requestsTo('4xx'), 'one throttled request (429)').toBe(1);
  // the 429 pauses the whole destination: every request that meets the pause waits it out
  const throttleWaits = moved('paidsync_delivery_waits_total', { destination_id: id, reason: 'throttle' });
  expect(throttleWaits, 'the throttle was waited out').toBeGreaterThanOrEqual(1);
  expect(
    moved('paidsync_delivery_waits_total', { destination_id: id, reason: 'rate_limit' }),
    'requests waited for rate-limit slots',
  ).toBeGreaterThan(0);
  const throttleSeconds = moved('paidsync_delivery_wait_seconds_total', { destination_id: id, reason: 'throttle' });
  expect(throttleSeconds, 'a one-second Retry-After, waited by each request that met it').toBeGreaterThan(0.5);
  expect(throttleSeconds, 'no request waited more than the one second asked').toBeLessThanOrEqual(throttleWaits * 1.05);
  for (const stage of [
    'IDENTIFY_PAYLOAD',
    'IDENTIFY_AUDIENCES',
    'WRITE_STAGING',
    'CREATE_QUEUE_ITEMS',
    'UPDATE_AUDIENCES',
    'SYNC_MEMBERS',
  ]) {
    expect(moved('paidsync_stage_duration_seconds', { stage }), `stage ${stage} ran once`).toBe(1);
  }
  expect(after('paidsync_database_up')).toBe(1);
  expect(after('paidsync_queue_jobs', { queue: 'deliver-item', state: 'queued' }), 'the queue depth is reported').toBeGreaterThanOrEqual(0);
});

it('counts the subscriptions open on the process', async () => {
  const open = (await scrape())('paidsync_graphql_subscriptions');
  const client = s.t.ws();
  const unsubscribe = client.subscribe({ query: 'subscription { syncJobUpdated { id } }' }, { next() {}, error() {}, complete() {} });
  const deadline = Date.now() + 10_000;
  while ((await scrape())('paidsync_graphql_subscriptions') !== open + 1) {
    if (Date.now() > deadline) throw new Error('expected the subscription gauge to count the new subscription');
    await new Promise((r) => setTimeout(r, 100));
  }
  unsubscribe();
  while ((await scrape())('paidsync_graphql_subscriptions') !== open) {
    if (Date.now() > deadline + 10_000) throw new Error('expected the subscription gauge to drop when the subscription completed');
    await new Promise((r) => setTimeout(r, 100));
  }
});

it('serves every metric the Grafana dashboard charts', async () => {
  const dashboard = readFileSync(path.join(repoRoot, 'deploy/grafana/paidsync.json'), 'utf8');
  const charted = new Set([...dashboard.matchAll(/\b(paidsync_[a-z_]+?)(?:_bucket|_count|_sum)?\{/g)].map((m) => m[1]!));
  expect(charted.size, 'the dashboard charts paidsync metrics').toBeGreaterThan(5);
  const read = await scrape();
  for (const name of charted) expect(() => read(name), `${name} is charted`).not.toThrow();
});
