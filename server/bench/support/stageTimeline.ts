// Where a sync job's time went: each stage's run and the wait before it (the job's own stage runs),
// the delivery jobs' span and summed run time (pg-boss's job table) and the requests' time (the
// ApiCall records). For the benchmark's report only.
import type pg from 'pg';
import { QUEUES } from '../../src/queue/queues.ts';

export interface StageTimeline {
  /** gapMs: from the previous stage's end to this one's start (the queue's pick-up time) */
  stages: Array<{ stage: string; gapMs: number; runMs: number }>;
  deliveries: { count: number; spanMs: number; runMsSum: number; runMsMax: number };
  /** the requests to the network, as the ApiCall records time them */
  requests: { count: number; msSum: number; msMax: number };
}

export async function stageTimeline(pool: pg.Pool, syncJobId: number): Promise<StageTimeline> {
  const { rows: stages } = await pool.query<{ stage: string; gap_ms: number | null; run_ms: number }>(
    `SELECT stage,
            round(extract(epoch FROM started_at - lag(ended_at) OVER (ORDER BY started_at)) * 1000)::int AS gap_ms,
            round(extract(epoch FROM ended_at - started_at) * 1000)::int AS run_ms
       FROM sync_job_stage_runs WHERE sync_job_id = $1 ORDER BY started_at`,
    [syncJobId],
  );
  const { rows: deliveries } = await pool.query<{ count: number; span_ms: number; run_sum: number; run_max: number }>(
    `SELECT count(*)::int AS count,
            round(extract(epoch FROM max(j.completed_on) - min(j.started_on)) * 1000)::int AS span_ms,
            round(sum(extract(epoch FROM j.completed_on - j.started_on)) * 1000)::int AS run_sum,
            round(max(extract(epoch FROM j.completed_on - j.started_on)) * 1000)::int AS run_max
       FROM pgboss.job j JOIN queue_items q ON q.id = (j.data->>'queueItemId')::int
      WHERE j.name = $2 AND q.sync_job_id = $1 AND j.state = 'completed'`,
    [syncJobId, QUEUES.deliver],
  );
  const { rows: requests } = await pool.query<{ count: number; ms_sum: number; ms_max: number }>(
    'SELECT count(*)::int AS count, COALESCE(sum(duration_ms), 0)::int AS ms_sum, COALESCE(max(duration_ms), 0) AS ms_max FROM api_calls WHERE sync_job_id = $1',
    [syncJobId],
  );
  const d = deliveries[0]!;
  const r = requests[0]!;
  return {
    stages: stages.map((s) => ({ stage: s.stage, gapMs: s.gap_ms ?? 0, runMs: s.run_ms })),
    deliveries: { count: d.count, spanMs: d.span_ms, runMsSum: d.run_sum, runMsMax: d.run_max },
    requests: { count: r.count, msSum: r.ms_sum, msMax: r.ms_max },
  };
}
