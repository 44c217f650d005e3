// Creates sync jobs (and the audience rows they fill) and puts each one's first stage on the queue,
// in the caller's transaction: a trigger either creates its jobs with their work queued, or nothing.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { SyncType } from '../generated/prisma/enums.ts';
import { inTransaction, QUEUES } from '../queue/queues.ts';

export interface SyncJobSpec {
  destinationId: number;
  syncType: SyncType;
  triggeredBy: string | null;
  scopeKey: string;
  fullDiff: boolean;
  issue?: string | null;
  group?: string | null;
  segmentId?: number | null;
  customerExternalIds?: string[];
  dryRun?: boolean;
  parentId?: number | null;
  /** a real-time request's source: REALTIME_CONTAINER or REALTIME_EVENT */
  source?: string | null;
  /** the audience the job fills, by its key within the destination; null for conversion uploads */
  audience: { scopeKey: string; name: string } | { id: number } | null;
}

/** A caller that runs the jobs' first stage itself once this commits makes their queue jobs the
 * backstop: due only `afterSeconds` later, with the ids it gives (one per spec), so it can delete
 * them once it has run the stage (see startConversionBatcher.ts). */
export interface FirstStageBackstop {
  afterSeconds: number;
  queueJobIds: string[];
}

export async function createSyncJobs(
  boss: PgBoss,
  tx: pg.PoolClient,
  specs: SyncJobSpec[],
  options: { backstop?: FirstStageBackstop } = {},
): Promise<number[]> {
  const ids: number[] = [];
  for (const spec of specs) {
    let audienceId: number | null = null;
    if (spec.audience && 'id' in spec.audience) audienceId = spec.audience.id;
    else if (spec.audience) {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO audiences (destination_id, scope_key, name) VALUES ($1, $2, $3)
         ON CONFLICT (destination_id, scope_key) DO UPDATE SET name = EXCLUDED.name
         RETURNING id`,
        [spec.destinationId, spec.audience.scopeKey, spec.audience.name.slice(0, 200)],
      );
      audienceId = rows[0]!.id;
    }
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO sync_jobs (status, stage, destination_id, destination_type, sync_type, triggered_by, issue, group_name,
                              segment_id, audience_id, scope_key, customer_external_ids, full_diff, dry_run, parent_id, source)
       SELECT 'PENDING', 'IDENTIFY_PAYLOAD', d.id, d.type, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
         FROM destinations d WHERE d.id = $1
       RETURNING id`,
      [
        spec.destinationId,
        spec.syncType,
        spec.triggeredBy,
        spec.issue ?? null,
        spec.group ?? null,
        spec.segmentId ?? null,
        audienceId,
        spec.scopeKey,
        spec.customerExternalIds ?? [],
        spec.fullDiff,
        spec.dryRun ?? false,
        spec.parentId ?? null,
        spec.source ?? null,
      ],
    );
    ids.push(rows[0]!.id);
  }
  if (ids.length) {
    await boss.insert(
      QUEUES.stage,
      ids.map((syncJobId, i) => ({
        data: { syncJobId, stage: 'IDENTIFY_PAYLOAD' },
        ...(options.backstop && { id: options.backstop.queueJobIds[i], startAfter: options.backstop.afterSeconds }),
      })),
      inTransaction(tx),
    );
  }
  return ids;
}
