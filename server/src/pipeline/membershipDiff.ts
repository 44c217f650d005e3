// The diff between a job's payload and the audience's confirmed membership, decided for each payload
// row as stage 1 hashes it (identifyPayload.ts), from the membership read in the same statement:
// - add: kept customers the network does not have, or has with other identifiers (PII changed);
// - remove: current members that are no longer kept (left the scope, or withdrew consent), and kept
//   members whose changed PII left identifiers behind in the network (stale identifiers);
// - unchanged: kept members the network has with these very identifiers (their PII changed, not what
//   the destination is sent): nothing is sent, their membership learns the new PII version.
// Stage 1 only reads a leaving customer when it is a member, so "not kept" means "remove".
import type pg from 'pg';
import { operationRow } from '../delivery/loadBatch.ts';
import { nameMembershipWriter } from './membershipWriter.ts';
import type { SyncJobRow } from './pipelineContext.ts';

export function partInDiff(row: { keep: boolean; memberHash: string | null; hash: string; stale: string | null }): {
  add: boolean;
  remove: boolean;
} {
  if (!row.keep) return { add: false, remove: true };
  return { add: row.memberHash !== row.hash, remove: row.stale !== null };
}

/** SQL over a job's payload rows (alias p): the rows an ADD or a REMOVE item sends. */
export function inOperation(operation: 'ADD' | 'REMOVE'): string {
  return `${operationRow('p', operation)} IS NOT NULL`;
}

/** Kept members sent nothing new learn the PII version they were hashed from, so the next run need
 * not hash them again. Found from the payload and updated by key (nested loops only): the planner's
 * statistics rarely know a just-written payload's size, and a guessed hash join scanned a million
 * memberships to update a handful. */
export async function learnPiiVersions(tx: pg.PoolClient, job: SyncJobRow): Promise<void> {
  await nameMembershipWriter(tx, { audienceId: job.audience_id!, syncJobId: job.id });
  await tx.query('SET LOCAL enable_hashjoin = off');
  await tx.query('SET LOCAL enable_mergejoin = off');
  await tx.query(
    `WITH unchanged AS MATERIALIZED (
       SELECT p.customer_id, p.pii_version FROM sync_payloads p WHERE p.sync_job_id = $1 AND p.keep AND p.add_row IS NULL)
     UPDATE memberships m SET pii_version = u.pii_version
       FROM unchanged u WHERE m.audience_id = $2 AND m.customer_id = u.customer_id`,
    [job.id, job.audience_id],
  );
  await tx.query('RESET enable_hashjoin');
  await tx.query('RESET enable_mergejoin');
}
