// The installation's state for /metrics, read in one round trip at scrape time. Jobs by type and
// status come from the trigger-kept sync_job_counts, queue items from their status index, pg-boss's
// queue depth from what its monitor last stored in pgboss.queue (every PAIDSYNC_SUPERVISE_SECONDS).
// The record totals are the one scan: a sum over sync_jobs (about 0.1 s at a million jobs).
import type pg from 'pg';

interface Row {
  jobs: Array<{ sync_type: string; status: string; count: number }>;
  items: Array<{ status: string; count: number }>;
  retry: { waiting: number; due: number; oldestSeconds: number };
  records: { added: number; removed: number; rejected: number; failed: number };
  queues: Array<{ name: string; queued: number; active: number; deferred: number }>;
}

export async function readInstallationFigures(pool: pg.Pool): Promise<Row> {
  const { rows } = await pool.query<{ figures: Row }>(`
    SELECT json_build_object(
      'jobs', (SELECT coalesce(json_agg(j), '[]') FROM (
                SELECT sync_type, status, sum(n)::int AS count FROM sync_job_counts GROUP BY 1, 2 HAVING sum(n) > 0) j),
      'items', (SELECT coalesce(json_agg(i), '[]') FROM (
                SELECT status, count(*)::int AS count FROM queue_items GROUP BY 1) i),
      'retry', (SELECT json_build_object(
                  'waiting', count(*)::int,
                  'due', count(*) FILTER (WHERE next_attempt_at <= now())::int,
                  'oldestSeconds', coalesce(extract(epoch FROM now() - min(last_attempt_at)), 0)::float8)
                FROM queue_items WHERE status = 'WAITING_FOR_RETRY'),
      'records', (SELECT json_build_object(
                  'added', coalesce(sum(records_added), 0)::bigint, 'removed', coalesce(sum(records_removed), 0)::bigint,
                  'rejected', coalesce(sum(records_rejected), 0)::bigint, 'failed', coalesce(sum(records_failed), 0)::bigint)
                FROM sync_jobs),
      'queues', (SELECT coalesce(json_agg(q), '[]') FROM (
                SELECT name, queued_count AS queued, active_count AS active, deferred_count AS deferred
                  FROM pgboss.queue WHERE name NOT LIKE '\\_\\_pgboss%') q)
    ) AS figures`);
  return rows[0]!.figures;
}
