// The end of one delivery attempt, written in one transaction with compare-and-set on the claim:
// the item's status, the membership the network confirmed, rejected records, the job's counts,
// the per-event statuses of conversions, and the job's own status when nothing is left in flight.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { refreshConversionStatuses } from './conversions/refreshConversionStatuses.ts';
import { confirmAddedMembers } from './confirmAddedMembers.ts';
import { failSyncJob } from './failSyncJob.ts';
import { nameMembershipWriter } from './membershipWriter.ts';
import { scheduleResend } from './scheduleResend.ts';
import { settleSyncJob } from './settleSyncJob.ts';
import { withTransaction } from '../db/withTransaction.ts';
import type { ClaimedItem } from '../delivery/claimQueueItem.ts';
import { itemRowParams, itemRows } from '../delivery/loadBatch.ts';

export type ItemOutcome =
  | { kind: 'delivered'; rejected: Array<{ key: string; reason: string; customerId?: number }>; matchRate?: string }
  | { kind: 'external'; error: string }
  | { kind: 'auth'; error: string }
  | { kind: 'permanent'; error: string };

export async function settleQueueItem(options: {
  pool: pg.Pool;
  boss: PgBoss;
  item: ClaimedItem;
  outcome: ItemOutcome;
  retryIntervalSeconds: number;
}): Promise<boolean> {
  const { item, outcome } = options;
  return withTransaction(options.pool, async (tx) => {
    const claim = [item.id, item.attempts];
    const held = `id = $1 AND attempts = $2 AND status IN ('SENDING', 'RESENDING')`;
    if (outcome.kind === 'delivered') {
      const accepted = item.record_count - outcome.rejected.length;
      const { rowCount } = await tx.query(
        `UPDATE queue_items SET status = $3, lease_until = NULL, awaiting_response = false, last_error = $4, updated_at = now() WHERE ${held}`,
        [
          ...claim,
          accepted > 0 || item.record_count === 0 ? 'SUCCEEDED' : 'REJECTED',
          outcome.rejected.length ? `${outcome.rejected.length} record(s) rejected` : null,
        ],
      );
      if (!rowCount) return false; // the claim was lost (lease expired and another worker took it)
      await recordDelivered(tx, item, outcome.rejected, accepted);
      if (outcome.matchRate && item.audience_id) {
        await tx.query('UPDATE audiences SET match_rate = $2, updated_at = now() WHERE id = $1', [item.audience_id, outcome.matchRate]);
      }
    } else if (outcome.kind === 'external') {
      const { rows } = await tx.query<{ next_attempt_at: Date }>(
        `UPDATE queue_items SET status = 'WAITING_FOR_RETRY', lease_until = NULL, awaiting_response = false, last_error = $3,
                next_attempt_at = last_attempt_at + make_interval(secs => $4), updated_at = now()
          WHERE ${held} RETURNING next_attempt_at`,
        [...claim, outcome.error.slice(0, 1000), options.retryIntervalSeconds],
      );
      if (!rows.length) return false;
      await scheduleResend(options.boss, tx, rows);
    } else {
      const { rowCount } = await tx.query(
        `UPDATE queue_items SET status = 'FAILED', lease_until = NULL, awaiting_response = false, last_error = $3, updated_at = now() WHERE ${held}`,
        [...claim, outcome.error.slice(0, 1000)],
      );
      if (!rowCount) return false;
      if (outcome.kind === 'auth') await failSyncJob(tx, item.sync_job_id, { layer: 'SYNC', error: outcome.error });
    }
    if (item.operation === 'CONVERSION') await refreshConversionStatuses(tx, [item.id]);
    await settleSyncJob(options.boss, tx, item.sync_job_id);
    return true;
  });
}

async function recordDelivered(
  tx: pg.PoolClient,
  item: ClaimedItem,
  rejected: Array<{ key: string; reason: string; customerId?: number }>,
  accepted: number,
) {
  if (rejected.length) {
    await tx.query(
      `INSERT INTO rejected_records (sync_job_id, queue_item_id, primary_key, reason)
       SELECT $1, $2, k, r FROM unnest($3::text[], $4::text[]) AS x(k, r)`,
      [item.sync_job_id, item.id, rejected.map((r) => r.key), rejected.map((r) => r.reason.slice(0, 1000))],
    );
  }
  const range = itemRowParams(item);
  const rejectedCustomers = rejected.map((r) => r.customerId).filter((id): id is number => id !== undefined);
  if (item.operation !== 'CONVERSION') {
    await resolveAcceptedRejections(tx, item, range, rejectedCustomers);
    if (item.audience_id !== null) await nameMembershipWriter(tx, { audienceId: item.audience_id, syncJobId: item.sync_job_id });
  }
  if (item.operation === 'ADD') {
    // membership changes only for what the network accepted: rejected records go again next run
    const inserted = await confirmAddedMembers(tx, item, rejectedCustomers);
    await tx.query('UPDATE audiences SET member_count = member_count + $2, updated_at = now() WHERE id = $1', [item.audience_id, inserted]);
    await tx.query('UPDATE sync_jobs SET records_added = records_added + $2, records_rejected = records_rejected + $3 WHERE id = $1', [
      item.sync_job_id,
      accepted,
      rejected.length,
    ]);
  } else if (item.operation === 'REMOVE') {
    // a customer who stays lost only stale identifiers: the add of its new ones updates its membership
    const { rowCount } = await tx.query(
      `DELETE FROM memberships m USING sync_payloads p
        WHERE ${itemRows('p', 'REMOVE')} AND NOT p.keep
          AND NOT (p.customer_id = ANY ($7::int[])) AND m.audience_id = $6 AND m.customer_id = p.customer_id`,
      [...range, item.audience_id, rejectedCustomers],
    );
    await tx.query('UPDATE audiences SET member_count = GREATEST(0, member_count - $2), updated_at = now() WHERE id = $1', [
      item.audience_id,
      rowCount ?? 0,
    ]);
    await tx.query('UPDATE sync_jobs SET records_removed = records_removed + $2, records_rejected = records_rejected + $3 WHERE id = $1', [
      item.sync_job_id,
      accepted,
      rejected.length,
    ]);
  } else {
    await tx.query(
      `UPDATE conversion_deliveries d SET accepted = (r.k IS NULL), reason = r.reason
         FROM conversion_events e
         LEFT JOIN unnest($2::text[], $3::text[]) AS r(k, reason) ON r.k = e.event_id
        WHERE d.queue_item_id = $1 AND e.id = d.conversion_event_id`,
      [item.id, rejected.map((r) => r.key), rejected.map((r) => r.reason)],
    );
    await tx.query('UPDATE sync_jobs SET records_added = records_added + $2, records_rejected = records_rejected + $3 WHERE id = $1', [
      item.sync_job_id,
      accepted,
      rejected.length,
    ]);
  }
}

/** Records earlier jobs of the scope saw rejected leave the open list once this one got them accepted. */
async function resolveAcceptedRejections(tx: pg.PoolClient, item: ClaimedItem, range: number[], rejectedCustomers: number[]) {
  // most scopes have no open rejections: one lookup, and the join below is skipped
  const { rows } = await tx.query<{ scope_key: string }>(
    `SELECT j.scope_key FROM sync_jobs j
      WHERE j.id = $1 AND EXISTS (SELECT 1 FROM sync_jobs rj JOIN rejected_records r ON r.sync_job_id = rj.id
                                   WHERE rj.scope_key = j.scope_key AND r.resolved_at IS NULL)`,
    [item.sync_job_id],
  );
  if (!rows[0]) return;
  await tx.query(
    `UPDATE rejected_records r SET resolved_at = now()
       FROM sync_jobs rj, sync_payloads p
      WHERE ${itemRows('p', item.operation as 'ADD' | 'REMOVE')} AND NOT (p.customer_id = ANY ($6::int[]))
        AND r.primary_key = p.external_id AND r.resolved_at IS NULL AND rj.id = r.sync_job_id AND rj.scope_key = $7`,
    [...range, rejectedCustomers, rows[0].scope_key],
  );
}
