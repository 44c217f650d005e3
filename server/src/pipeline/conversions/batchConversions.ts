// Hands captured, unassigned conversion events to OFFLINE_CONVERSION jobs: one job per conversion
// destination, carrying up to BATCH events that arrived close together (startConversionBatcher.ts
// runs it as captures arrive, the batch-conversions queue every minute as a sweep). Events are
// locked with SKIP LOCKED so two workers batching at once never take the same event.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { withTransaction } from '../../db/withTransaction.ts';
import { createSyncJobs, type FirstStageBackstop } from '../createSyncJobs.ts';

const BATCH = 10_000;

/**
 * `full`: the run took as many events as it may, so more are likely waiting. With `backstopAfterSeconds`
 * the caller runs the jobs' first stage itself, and `backstopIds` are their queued first stages, to
 * delete once it has (see createSyncJobs).
 */
export async function batchConversions(
  deps: { pool: pg.Pool; boss: PgBoss },
  options: { backstopAfterSeconds?: number } = {},
): Promise<{ jobIds: number[]; backstopIds: string[]; full: boolean }> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows: config } = await tx.query<{ enabled: boolean }>(
      'SELECT offline_conversions_enabled AS enabled FROM paid_configuration WHERE id = 1',
    );
    const { rows: destinations } = await tx.query<{ id: number }>(
      `SELECT c.destination_id AS id FROM conversion_destinations c JOIN destinations d ON d.id = c.destination_id
        WHERE d.enabled ORDER BY 1`,
    );
    if (!config[0]?.enabled || destinations.length === 0) return { jobIds: [], backstopIds: [], full: false };
    // walked in id order, an index scan marks the entries of events batched already (dead once their
    // sync_job_id was set) and later scans skip them; a bitmap scan, which the planner picks, visits
    // every one of them again until a vacuum: 10-20 ms a run after 100,000 events, at every run
    await tx.query('SET LOCAL enable_bitmapscan = off');
    const { rows: events } = await tx.query<{ id: number }>(
      `SELECT id FROM conversion_events WHERE sync_job_id IS NULL AND status = 'PENDING' ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
    );
    if (events.length === 0) return { jobIds: [], backstopIds: [], full: false };
    const backstop =
      options.backstopAfterSeconds === undefined
        ? undefined
        : { afterSeconds: options.backstopAfterSeconds, queueJobIds: destinations.map(() => randomUUID()) };
    const eventIds = events.map((e) => e.id);
    const jobIds = await createConversionJobs(
      deps.boss,
      tx,
      destinations.map((d) => d.id),
      eventIds,
      null,
      backstop,
    );
    await tx.query(`UPDATE conversion_events SET sync_job_id = $2 WHERE id = ANY ($1::int[])`, [eventIds, jobIds[0]]);
    return { jobIds, backstopIds: backstop?.queueJobIds ?? [], full: events.length === BATCH };
  });
}

/** One OFFLINE_CONVERSION job per destination for the given events (also used by the historical push). */
export async function createConversionJobs(
  boss: PgBoss,
  tx: pg.PoolClient,
  destinationIds: number[],
  eventIds: number[],
  triggeredBy: string | null,
  backstop?: FirstStageBackstop,
) {
  const jobIds = await createSyncJobs(
    boss,
    tx,
    destinationIds.map((destinationId) => ({
      destinationId,
      syncType: 'OFFLINE_CONVERSION',
      triggeredBy,
      scopeKey: `conversion@${destinationId}`,
      fullDiff: false,
      audience: null,
    })),
    { backstop },
  );
  for (const [index, syncJobId] of jobIds.entries()) {
    await tx.query(
      `INSERT INTO conversion_deliveries (sync_job_id, conversion_event_id, destination_id, identifiers, row_number)
       SELECT $1, e.id, $2, '{}'::jsonb, row_number() OVER (ORDER BY e.id) FROM unnest($3::int[]) AS e(id)`,
      [syncJobId, destinationIds[index], eventIds],
    );
  }
  return jobIds;
}
