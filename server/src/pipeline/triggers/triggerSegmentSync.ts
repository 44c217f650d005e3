// A segment enabled for paid sync, run by a user or by its schedule: one SEGMENT job per destination.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { withTransaction } from '../../db/withTransaction.ts';
import { createSyncJobs } from '../createSyncJobs.ts';

export class TriggerRefused extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_USER_INPUT',
    message: string,
  ) {
    super(message);
  }
}

export async function triggerSegmentSync(
  deps: { pool: pg.Pool; boss: PgBoss },
  options: { segmentId: number; dryRun: boolean },
): Promise<number[]> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ name: string; paid_sync_enabled: boolean }>(
      'SELECT name, paid_sync_enabled FROM segments WHERE id = $1',
      [options.segmentId],
    );
    const segment = rows[0];
    if (!segment) throw new TriggerRefused('NOT_FOUND', 'Segment not found');
    if (!segment.paid_sync_enabled) throw new TriggerRefused('BAD_USER_INPUT', `segment "${segment.name}" is not enabled for paid sync`);
    const { rows: destinations } = await tx.query<{ destination_id: number }>(
      `SELECT sd.destination_id FROM segment_destinations sd JOIN destinations d ON d.id = sd.destination_id
        WHERE sd.segment_id = $1 AND d.enabled ORDER BY sd.destination_id`,
      [options.segmentId],
    );
    if (!destinations.length) throw new TriggerRefused('BAD_USER_INPUT', `segment "${segment.name}" has no enabled destination`);
    return createSyncJobs(
      deps.boss,
      tx,
      destinations.map(({ destination_id }) => ({
        destinationId: destination_id,
        syncType: 'SEGMENT',
        triggeredBy: segment.name,
        segmentId: options.segmentId,
        scopeKey: `segment:${options.segmentId}@${destination_id}`,
        fullDiff: true,
        dryRun: options.dryRun,
        audience: { scopeKey: `segment:${options.segmentId}`, name: segment.name },
      })),
    );
  });
}
