// Stage 5: the audience is created in the network when it has no external id yet. For an offline
// conversion job this is where its CONVERSION_AUDIENCE children are made. A refusal here is the
// sync layer's: bad credentials fail the job; a network that stays down leaves every item to the
// automatic retry schedule.
import type pg from 'pg';
import { isDeliveryError } from '../../destinations/deliveryError.ts';
import { ensureAudience } from '../../delivery/ensureAudience.ts';
import { createConversionAudienceJobs } from '../conversions/createConversionAudienceJobs.ts';
import { failSyncJob } from '../failSyncJob.ts';
import { loadDestination } from '../../delivery/loadDestination.ts';
import { adapterContextFor } from '../adapterContextFor.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';
import { scheduleResend } from '../scheduleResend.ts';
import { settleSyncJob } from '../settleSyncJob.ts';

export async function updateAudiences(ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage | null> {
  if (job.sync_type === 'OFFLINE_CONVERSION') {
    await createConversionAudienceJobs(ctx, job, tx);
    return 'SYNC_MEMBERS';
  }
  const destination = await loadDestination(tx, ctx.cipher, job.destination_id);
  const { rows } = await tx.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM queue_items WHERE sync_job_id = $1 AND status = 'PENDING'",
    [job.id],
  );
  if (rows[0]!.n === 0) return 'SYNC_MEMBERS'; // nothing to send: no audience needed yet
  try {
    await ensureAudience({
      pool: ctx.pool,
      destination,
      audienceId: job.audience_id!,
      backoffBaseMs: ctx.config.backoffBaseMs,
      adapterContext: adapterContextFor(ctx, destination, { syncJobId: job.id, queueItemId: null }),
    });
    return 'SYNC_MEMBERS';
  } catch (error) {
    if (!isDeliveryError(error)) throw error;
    await tx.query("UPDATE sync_jobs SET stage = 'SYNC_MEMBERS' WHERE id = $1", [job.id]);
    if (error.kind === 'external' || error.kind === 'throttled') {
      const { rows: waiting } = await tx.query<{ next_attempt_at: Date }>(
        `UPDATE queue_items SET status = 'WAITING_FOR_RETRY', last_error = $2, last_attempt_at = now(),
                next_attempt_at = now() + make_interval(secs => $3), updated_at = now()
          WHERE sync_job_id = $1 AND status = 'PENDING' RETURNING next_attempt_at`,
        [job.id, `audience not created: ${error.message}`, ctx.config.retryIntervalSeconds],
      );
      await scheduleResend(ctx.boss, tx, waiting);
      await settleSyncJob(ctx.boss, tx, job.id);
    } else {
      await failSyncJob(tx, job.id, { layer: 'SYNC', error: `audience not created: ${error.message}` });
    }
    return null;
  }
}
