// Sends again the events captured in a time window, to every conversion destination. Networks
// deduplicate on the event id, so events they already have are not counted twice.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { withTransaction } from '../../db/withTransaction.ts';
import { createConversionJobs } from './batchConversions.ts';

export const MAX_HISTORICAL_EVENTS = 100_000;

export async function pushHistoricalConversions(
  deps: { pool: pg.Pool; boss: PgBoss },
  window: { from: Date; to: Date },
): Promise<number[]> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows: destinations } = await tx.query<{ id: number }>(
      `SELECT c.destination_id AS id FROM conversion_destinations c JOIN destinations d ON d.id = c.destination_id WHERE d.enabled ORDER BY 1`,
    );
    const { rows: events } = await tx.query<{ id: number }>(
      `SELECT id FROM conversion_events WHERE occurred_at >= $1 AND occurred_at < $2 ORDER BY id LIMIT ${MAX_HISTORICAL_EVENTS}`,
      [window.from, window.to],
    );
    if (!destinations.length || !events.length) return [];
    return createConversionJobs(
      deps.boss,
      tx,
      destinations.map((d) => d.id),
      events.map((e) => e.id),
      null,
    );
  });
}
