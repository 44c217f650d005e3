// Next-best-action jobs, for a real-time container / event request or an outbound run (on demand or
// on its schedule). Both fill the audience of their issue and group, so they share one scope: only
// the latest failed of them can be retried. A real-time request only adds its customers; an outbound
// run makes the audience equal to its segment or list.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { withTransaction } from '../../db/withTransaction.ts';
import { createSyncJobs } from '../createSyncJobs.ts';
import { TriggerRefused } from './triggerSegmentSync.ts';

export interface NextBestActionRequest {
  issue: string;
  group: string;
  destinationIds: number[];
  segmentId?: number | null;
  customerExternalIds?: string[] | null;
  /** true for an outbound run, false for a real-time request */
  fullDiff: boolean;
  /** a real-time request's source (container or event), kept on its jobs */
  source?: string | null;
}

export async function triggerNextBestAction(deps: { pool: pg.Pool; boss: PgBoss }, request: NextBestActionRequest): Promise<number[]> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows: destinations } = await tx.query<{ id: number; enabled: boolean }>(
      'SELECT id, enabled FROM destinations WHERE id = ANY ($1::int[])',
      [request.destinationIds],
    );
    if (destinations.length !== request.destinationIds.length) throw new TriggerRefused('NOT_FOUND', 'Destination not found');
    if (destinations.some((d) => !d.enabled)) throw new TriggerRefused('BAD_USER_INPUT', 'a destination is disabled');
    if (request.segmentId != null) {
      const { rowCount } = await tx.query('SELECT 1 FROM segments WHERE id = $1', [request.segmentId]);
      if (!rowCount) throw new TriggerRefused('NOT_FOUND', 'Segment not found');
    }
    if (request.customerExternalIds?.length) {
      const { rows } = await tx.query<{ x: string }>(
        `SELECT x FROM unnest($1::text[]) AS x WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.external_id = x) LIMIT 10`,
        [request.customerExternalIds],
      );
      if (rows.length) throw new TriggerRefused('BAD_USER_INPUT', `unknown customers: ${rows.map((r) => r.x).join(', ')}`);
    }
    const level = `${request.issue}/${request.group}`;
    return createSyncJobs(
      deps.boss,
      tx,
      request.destinationIds.map((destinationId) => ({
        destinationId,
        syncType: 'NEXT_BEST_ACTION',
        triggeredBy: level,
        issue: request.issue,
        group: request.group,
        segmentId: request.segmentId ?? null,
        customerExternalIds: request.customerExternalIds ?? [],
        scopeKey: `nba:${level}@${destinationId}`,
        fullDiff: request.fullDiff,
        source: request.source ?? null,
        audience: { scopeKey: `nba:${level}`, name: `${request.issue} / ${request.group}` },
      })),
    );
  });
}
