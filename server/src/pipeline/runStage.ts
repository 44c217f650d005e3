// Runs one stage of one sync job. The job row says which stage is due (`stage`); a stage runs only
// while it is due (compare-and-set), does its work and names the next stage in ONE transaction with
// the next stage's queue job, so a worker killed at any line leaves the stage to run again whole,
// and a stage that already committed is never run twice.
//
// An OFFLINE_CONVERSION job runs all its stages in that one transaction: each is a few set-based
// statements over at most one batch of events, and a commit here waits its turn behind every other
// NOTIFYing commit of the cluster (PostgreSQL serialises them, WAL flush included), about 30 ms a
// stage under a conversion stream. Six commits and five queue hops were most of a real-time
// conversion's way to the network; one commit keeps the same guarantees (killed mid-way, the job
// rolls back to its last committed stage and that stage's queue job runs it again).
import type pg from 'pg';
import { inTransaction, QUEUES } from '../queue/queues.ts';
import { withTransaction } from '../db/withTransaction.ts';
import { failSyncJob } from './failSyncJob.ts';
import type { PipelineContext, Stage, SyncJobRow } from './pipelineContext.ts';
import { PreparationError } from '../delivery/preparationError.ts';
import { identifyPayload } from './stages/identifyPayload.ts';
import { identifyAudiences } from './stages/identifyAudiences.ts';
import { writeStaging } from './stages/writeStaging.ts';
import { createQueueItems } from './stages/createQueueItems.ts';
import { updateAudiences } from './stages/updateAudiences.ts';
import { syncMembers } from './stages/syncMembers.ts';

/** A stage does its work on `tx` and returns the stage due next, or null when it has settled the job. */
export type StageWork = (ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient) => Promise<Stage | null>;

const stages: Record<Stage, StageWork> = {
  IDENTIFY_PAYLOAD: identifyPayload,
  IDENTIFY_AUDIENCES: identifyAudiences,
  WRITE_STAGING: writeStaging,
  CREATE_QUEUE_ITEMS: createQueueItems,
  UPDATE_AUDIENCES: updateAudiences,
  SYNC_MEMBERS: syncMembers,
};

/** jobs small enough, by construction, to run every stage in one transaction */
function runsInOneTransaction(job: SyncJobRow) {
  return job.sync_type === 'OFFLINE_CONVERSION';
}

export async function runStage(ctx: PipelineContext, data: { syncJobId: number; stage: Stage }, attempt: { final: boolean }) {
  const tx = await ctx.pool.connect();
  let started = performance.now();
  try {
    await tx.query('BEGIN');
    const { rows } = await tx.query<SyncJobRow>(
      `UPDATE sync_jobs SET status = 'RUNNING', started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = $1 AND stage = $2 AND status IN ('PENDING', 'RUNNING')
        RETURNING *`,
      [data.syncJobId, data.stage],
    );
    const job = rows[0];
    if (!job) {
      await tx.query('ROLLBACK');
      return; // not due: done already, withdrawn, or failed
    }
    let stage: Stage = data.stage;
    let next: Stage | null;
    let stageStarted: Date | null = null; // null: now(), when this transaction began
    for (;;) {
      next = await stages[stage](ctx, job, tx);
      const fused = next !== null && runsInOneTransaction(job);
      // the stage's run, and the job's move to the next stage, in one statement
      const ended: pg.QueryResult<{ ended_at: Date }> = await tx.query(
        `WITH run AS (
           INSERT INTO sync_job_stage_runs (sync_job_id, stage, started_at, ended_at) VALUES ($1, $2, COALESCE($3, now()), clock_timestamp())
           ON CONFLICT (sync_job_id, stage) DO UPDATE SET started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at
           RETURNING ended_at),
         moved AS (UPDATE sync_jobs SET stage = $4, updated_at = now() WHERE id = $1 AND $4::"SyncStage" IS NOT NULL)
         SELECT ended_at FROM run`,
        [job.id, stage, stageStarted, next],
      );
      ctx.metrics?.observeStage(stage, (performance.now() - started) / 1000);
      if (!fused) break;
      stage = next!;
      stageStarted = ended.rows[0]!.ended_at;
      started = performance.now();
    }
    if (next) await ctx.boss.send(QUEUES.stage, { syncJobId: job.id, stage: next }, inTransaction(tx));
    await tx.query('COMMIT');
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    if (error instanceof PreparationError) {
      await withTransaction(ctx.pool, (tx) => failSyncJob(tx, data.syncJobId, { layer: 'PREPARATION', error: error.message }));
      return;
    }
    ctx.logger.warn('sync stage failed', { syncJobId: data.syncJobId, stage: data.stage, error, final: attempt.final });
    if (attempt.final) {
      const reason = `stage ${data.stage} kept failing: ${(error as Error).message}`;
      await withTransaction(ctx.pool, (tx) => failSyncJob(tx, data.syncJobId, { layer: 'PREPARATION', error: reason }));
      return;
    }
    throw error; // pg-boss runs it again after a backoff
  } finally {
    tx.release();
  }
}
