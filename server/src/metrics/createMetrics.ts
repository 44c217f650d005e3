// What paidsync tells its monitoring, in Prometheus text format. Two kinds of figure:
// - what this process saw (requests to destinations, waits, stage durations, live subscriptions):
//   counted here, so each process serves its own (a worker on PAIDSYNC_METRICS_PORT);
// - the state of the whole installation (jobs, queue items, records, pg-boss queues): read from
//   PostgreSQL at scrape time, the same in every process, so no counter is scattered in the engine
//   and none is lost when a process dies. Query those with max() across instances.
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { readInstallationFigures } from './readInstallationFigures.ts';

/** Hooks the pipeline calls; every one is optional where it is used. */
export interface PipelineMetrics {
  /** one request to a destination: its HTTP status (null: no response) and how long it took */
  observeRequest(request: { destinationId: number; status: number | null; seconds: number }): void;
  /** a delivery held back: by the destination's rate limit, or by the network's throttling */
  recordWait(wait: { destinationId: number; reason: 'rate_limit' | 'throttle'; ms: number }): void;
  /** a stage that committed, and how long it ran */
  observeStage(stage: string, seconds: number): void;
}

export interface Metrics extends PipelineMetrics {
  registry: Registry;
  /** live GraphQL subscriptions of this process: +1 when one starts, -1 when it ends */
  subscriptions: Gauge;
  /** the exposition, with the installation's figures read now */
  scrape(): Promise<string>;
}

export function createMetrics(options: { pool: pg.Pool; role: string }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role });
  collectDefaultMetrics({ register: registry, prefix: 'paidsync_' });
  const registers = [registry];

  const requests = new Histogram({
    name: 'paidsync_destination_request_duration_seconds',
    help: 'Requests to destinations by destination and HTTP status class (error: no response), and how long they took',
    labelNames: ['destination_id', 'status_class'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const waits = new Counter({
    name: 'paidsync_delivery_waits_total',
    help: 'Times a delivery waited before a request: for a rate-limit slot (rate_limit) or out a network throttle (throttle)',
    labelNames: ['destination_id', 'reason'],
    registers,
  });
  const waitSeconds = new Counter({
    name: 'paidsync_delivery_wait_seconds_total',
    help: 'Seconds deliveries waited before requests, by reason (rate_limit, throttle)',
    labelNames: ['destination_id', 'reason'],
    registers,
  });
  const stages = new Histogram({
    name: 'paidsync_stage_duration_seconds',
    help: 'How long each committed pipeline stage ran in this process',
    labelNames: ['stage'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const subscriptions = new Gauge({
    name: 'paidsync_graphql_subscriptions',
    help: 'GraphQL subscriptions open on this process (graphql-ws and HTTP)',
    registers,
  });

  const database = installationGauges(registry);
  return {
    registry,
    subscriptions,
    observeRequest({ destinationId, status, seconds }) {
      requests.observe(
        { destination_id: String(destinationId), status_class: status === null ? 'error' : `${Math.floor(status / 100)}xx` },
        seconds,
      );
    },
    recordWait({ destinationId, reason, ms }) {
      if (ms <= 0) return;
      waits.inc({ destination_id: String(destinationId), reason });
      waitSeconds.inc({ destination_id: String(destinationId), reason }, ms / 1000);
    },
    observeStage(stage, seconds) {
      stages.observe({ stage }, seconds);
    },
    async scrape() {
      try {
        database.set(await readInstallationFigures(options.pool));
      } catch {
        database.unavailable();
      }
      return registry.metrics();
    },
  };
}

type Figures = Awaited<ReturnType<typeof readInstallationFigures>>;

/** The installation's figures, replaced whole at each scrape (a status that emptied disappears). */
function installationGauges(registry: Registry) {
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const up = gauge('paidsync_database_up', '1 when the installation figures below could be read from PostgreSQL at this scrape');
  const jobs = gauge('paidsync_sync_jobs', 'Sync jobs by sync type and status', ['sync_type', 'status']);
  const items = gauge('paidsync_queue_items', 'Queue items by status', ['status']);
  const waiting = gauge('paidsync_queue_items_waiting_for_retry', 'Queue items waiting for their automatic retry', ['due']);
  const oldest = gauge('paidsync_queue_items_oldest_waiting_seconds', 'Age of the oldest last attempt among items waiting for retry');
  // totals over every job: counters for Prometheus (rate() works), read from the jobs' own counts
  const records = new Counter({
    name: 'paidsync_records_total',
    help: 'Records the networks accepted (added, removed), rejected, or that failed, over all sync jobs',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const queue = gauge('paidsync_queue_jobs', 'pg-boss jobs by queue and state (queued, active, deferred), as pg-boss last counted them', [
    'queue',
    'state',
  ]);
  return {
    set(figures: Figures) {
      up.set(1);
      jobs.reset();
      for (const row of figures.jobs) jobs.set({ sync_type: row.sync_type, status: row.status }, row.count);
      items.reset();
      for (const row of figures.items) items.set({ status: row.status }, row.count);
      waiting.set({ due: 'true' }, figures.retry.due);
      waiting.set({ due: 'false' }, figures.retry.waiting - figures.retry.due);
      oldest.set(figures.retry.oldestSeconds);
      records.reset();
      for (const [outcome, value] of Object.entries(figures.records)) records.inc({ outcome }, value);
      queue.reset();
      for (const row of figures.queues) {
        queue.set({ queue: row.name, state: 'queued' }, row.queued);
        queue.set({ queue: row.name, state: 'active' }, row.active);
        queue.set({ queue: row.name, state: 'deferred' }, row.deferred);
      }
    },
    unavailable() {
      up.set(0);
    },
  };
}
