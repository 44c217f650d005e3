// Where a conversion's latency went, event by event: from the load process's send to the capture's
// INSERT, to its batcher run (the job's creation), through the job's six stages, to the delivery's
// pick-up from the queue and the simulator's receipt. For the benchmark's report only.
import type pg from 'pg';
import { QUEUES } from '../../src/queue/queues.ts';
import { percentile } from './environment.ts';

/** each segment's p50 / p99 over all events, and its mean over the slowest 1% */
export type ConversionBreakdown = Record<string, { p50: number; p99: number; slowest1pctMean: number }>;

export async function conversionBreakdown(
  pool: pg.Pool,
  events: Array<{ eventId: string; sentAt: number; receivedAt: number }>,
): Promise<ConversionBreakdown> {
  const { rows } = await pool.query<{
    event_id: string;
    captured: number;
    batched: number;
    stages_started: number;
    stages_ended: number;
    delivery_started: number | null;
  }>(
    `WITH runs AS (
       SELECT sync_job_id, extract(epoch FROM min(started_at)) * 1000 AS started, extract(epoch FROM max(ended_at)) * 1000 AS ended
         FROM sync_job_stage_runs GROUP BY 1),
     deliveries AS (
       SELECT (data->>'queueItemId')::int AS queue_item_id, extract(epoch FROM min(started_on)) * 1000 AS started
         FROM pgboss.job WHERE name = $1 GROUP BY 1)
     SELECT e.event_id, extract(epoch FROM e.created_at) * 1000 AS captured, extract(epoch FROM j.created_at) * 1000 AS batched,
            r.started AS stages_started, r.ended AS stages_ended, dj.started AS delivery_started
       FROM conversion_events e
       JOIN conversion_deliveries d ON d.conversion_event_id = e.id
       JOIN sync_jobs j ON j.id = d.sync_job_id
       JOIN runs r ON r.sync_job_id = j.id
       LEFT JOIN deliveries dj ON dj.queue_item_id = d.queue_item_id`,
    [QUEUES.deliver],
  );
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  const segments: Record<string, number[]> = {
    'send → capture INSERT': [],
    'capture → batcher run': [],
    'batcher → first stage': [],
    'six stages': [],
    'last stage → delivery start': [],
    'delivery start → received': [],
    total: [],
  };
  for (const e of events) {
    const r = byId.get(e.eventId);
    if (!r) continue;
    const delivery = r.delivery_started === null ? NaN : Number(r.delivery_started);
    const parts = [
      Number(r.captured) - e.sentAt,
      Number(r.batched) - Number(r.captured),
      Number(r.stages_started) - Number(r.batched),
      Number(r.stages_ended) - Number(r.stages_started),
      delivery - Number(r.stages_ended),
      e.receivedAt - delivery,
      e.receivedAt - e.sentAt,
    ];
    Object.values(segments).forEach((list, i) => list.push(parts[i]!));
  }
  const total = segments.total!;
  const slowest = new Set(
    total
      .map((t, i) => [t, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, Math.max(1, Math.floor(total.length / 100)))
      .map(([, i]) => i),
  );
  const out: ConversionBreakdown = {};
  for (const [name, list] of Object.entries(segments)) {
    const sorted = list.filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
    const tail = list.filter((n, i) => slowest.has(i) && Number.isFinite(n));
    out[name] = {
      p50: Math.round(percentile(sorted, 50)),
      p99: Math.round(percentile(sorted, 99)),
      slowest1pctMean: Math.round(tail.reduce((s, n) => s + n, 0) / Math.max(1, tail.length)),
    };
  }
  return out;
}

/** per stage of the OFFLINE_CONVERSION jobs: mean wait before it (queue pick-up) and mean run; and the jobs' sizes */
export async function conversionStageMeans(pool: pg.Pool) {
  const { rows } = await pool.query<{ stage: string; gap_ms: number; run_ms: number }>(
    `SELECT stage, round(avg(gap))::int AS gap_ms, round(avg(run))::int AS run_ms FROM (
       SELECT r.stage, extract(epoch FROM r.started_at - COALESCE(lag(r.ended_at) OVER w, j.created_at)) * 1000 AS gap,
              extract(epoch FROM r.ended_at - r.started_at) * 1000 AS run
         FROM sync_job_stage_runs r JOIN sync_jobs j ON j.id = r.sync_job_id
        WHERE j.sync_type = 'OFFLINE_CONVERSION'
       WINDOW w AS (PARTITION BY r.sync_job_id ORDER BY r.started_at)) x
      GROUP BY stage ORDER BY min(stage)`,
  );
  const { rows: jobs } = await pool.query<{ jobs: number; mean_events: number; max_events: number }>(
    `SELECT count(*)::int AS jobs, round(avg(n))::int AS mean_events, max(n)::int AS max_events
       FROM (SELECT sync_job_id, count(*) AS n FROM conversion_deliveries GROUP BY 1) x`,
  );
  return { stages: Object.fromEntries(rows.map((r) => [r.stage, { gapMs: r.gap_ms, runMs: r.run_ms }])), jobs: jobs[0] };
}
