// The pg-boss queues of the pipeline, and how work is put on them. `inTransaction` makes sending
// part of the caller's transaction: a stage's result and the next stage's job commit together.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';

export const QUEUES = {
  /** one pipeline stage of one sync job: { syncJobId, stage } */
  stage: 'sync-stage',
  /** deliver one queue item: { queueItemId } */
  deliver: 'deliver-item',
  /** turn due WAITING_FOR_RETRY items RESENDING and deliver them */
  resendDue: 'resend-due-items',
  /** hand captured conversions to OFFLINE_CONVERSION jobs */
  batchConversions: 'batch-conversions',
  /** find customers whose PII changed since their confirmed sync */
  piiAgent: 'pii-update-agent',
  /** a segment's cron schedule: { segmentId } */
  scheduledSegmentSync: 'scheduled-segment-sync',
  /** an outbound run's cron schedule: { outboundScheduleId } */
  scheduledOutboundRun: 'scheduled-outbound-run',
  /** pick up items whose worker died while sending */
  recoverStuckItems: 'recover-stuck-items',
  /** delete the payload rows a completed job no longer needs: { syncJobId } */
  discardSyncRows: 'discard-sync-rows',
  /** delete ApiCall records past their retention */
  pruneApiCalls: 'prune-api-calls',
  /** delete membership write records no diff base can need any more */
  pruneMembershipWrites: 'prune-membership-writes',
  /** delete Idempotency-Keys whose 24 h are over */
  sweepIdempotencyKeys: 'sweep-idempotency-keys',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export function inTransaction(client: pg.PoolClient) {
  return { db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values as unknown[]) } };
}

export async function createQueues(boss: PgBoss, options: { heartbeatSeconds?: number } = {}) {
  // short heartbeats: work held by a dead worker goes back to the queue within about a minute
  const common = {
    heartbeatSeconds: options.heartbeatSeconds ?? 15,
    retryLimit: 5,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    notify: true,
  };
  await boss.createQueue(QUEUES.stage, { ...common, expireInSeconds: 3600 });
  await boss.createQueue(QUEUES.deliver, { ...common, expireInSeconds: 3600 });
  await boss.createQueue(QUEUES.resendDue, { ...common, retryLimit: 1, expireInSeconds: 600 });
  // `short`: at most one batcher run waits in the queue (per singletonKey); a capture's wake while one
  // waits is a no-op, so 2,000 captures a second make a handful of batcher runs, not 2,000
  await boss.createQueue(QUEUES.batchConversions, { ...common, policy: 'short', expireInSeconds: 600 });
  await boss.createQueue(QUEUES.piiAgent, { ...common, retryLimit: 1, expireInSeconds: 3600 });
  await boss.createQueue(QUEUES.scheduledSegmentSync, { ...common, retryLimit: 1 });
  await boss.createQueue(QUEUES.scheduledOutboundRun, { ...common, retryLimit: 1 });
  await boss.createQueue(QUEUES.recoverStuckItems, { ...common, retryLimit: 1, expireInSeconds: 600 });
  await boss.createQueue(QUEUES.discardSyncRows, { ...common, expireInSeconds: 600 });
  await boss.createQueue(QUEUES.pruneApiCalls, { ...common, retryLimit: 1, expireInSeconds: 3600 });
  await boss.createQueue(QUEUES.pruneMembershipWrites, { ...common, retryLimit: 1, expireInSeconds: 600 });
  await boss.createQueue(QUEUES.sweepIdempotencyKeys, { ...common, retryLimit: 1, expireInSeconds: 600 });
}
