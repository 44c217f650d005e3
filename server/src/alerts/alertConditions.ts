// The conditions of the windowed rules, each one SQL statement over indexed columns, evaluated on
// the schedule and after job events. Notification jobs are left out everywhere: an alert about a
// failing alert receiver would feed itself. `destination` null watches every destination.
import type pg from 'pg';

const RECENT_JOBS = 10_000;

export interface AlertRuleRow {
  id: number;
  name: string;
  kind: 'JOB_FAILED' | 'REJECTION_RATE' | 'DESTINATION_PAUSED' | 'WAITING_FOR_RETRY' | 'SYNC_NOT_COMPLETED' | 'LIFECYCLE';
  threshold: number;
  window_minutes: number;
  destination_id: number | null;
  webhook_destination_id: number;
}

/** a sentence saying what is wrong, or null when the rule's condition does not hold */
export async function alertCondition(tx: pg.PoolClient, rule: AlertRuleRow): Promise<string | null> {
  const watched = `($1::int IS NULL OR j.destination_id = $1) AND j.sync_type <> 'NOTIFICATION'`;
  switch (rule.kind) {
    case 'REJECTION_RATE': {
      const { rows } = await tx.query<{ rejected: number; sent: number }>(
        // the newest jobs first, by the (destination_id, id) index or the key, bounded: the window's
        // jobs are among the newest, and a million old ones are never read
        `SELECT COALESCE(sum(j.records_rejected), 0)::int AS rejected,
                COALESCE(sum(j.records_added + j.records_removed + j.records_rejected), 0)::int AS sent
           FROM (SELECT * FROM sync_jobs j WHERE ${watched} ORDER BY j.id DESC LIMIT ${RECENT_JOBS}) j
          WHERE j.status IN ('COMPLETED', 'FAILED') AND j.ended_at > now() - make_interval(mins => $2)`,
        [rule.destination_id, rule.window_minutes],
      );
      const { rejected, sent } = rows[0]!;
      const rate = sent ? (100 * rejected) / sent : 0;
      return sent && rate > rule.threshold
        ? `${rate.toFixed(1)} % of records rejected in the last ${rule.window_minutes} min (${rejected} of ${sent}; threshold ${rule.threshold} %)`
        : null;
    }
    case 'DESTINATION_PAUSED': {
      const { rows } = await tx.query<{ name: string; paused_until: Date }>(
        `SELECT d.name, r.paused_until FROM destination_rate_limits r JOIN destinations d ON d.id = r.destination_id
          WHERE r.paused_until > now() + make_interval(mins => $2) AND ($1::int IS NULL OR d.id = $1)`,
        [rule.destination_id, rule.threshold],
      );
      return rows.length
        ? rows.map((r) => `${r.name} is paused by the network's throttling until ${r.paused_until.toISOString()}`).join('; ')
        : null;
    }
    case 'WAITING_FOR_RETRY': {
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM queue_items q JOIN sync_jobs j ON j.id = q.sync_job_id
          WHERE q.status = 'WAITING_FOR_RETRY' AND q.created_at < now() - make_interval(secs => $2 * 3600) AND ${watched}`,
        [rule.destination_id, rule.threshold],
      );
      return rows[0]!.n ? `${rows[0]!.n} queue item(s) have waited for retry for more than ${rule.threshold} h` : null;
    }
    case 'SYNC_NOT_COMPLETED': {
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sync_jobs j
          WHERE j.status IN ('PENDING', 'RUNNING', 'AWAITING_RESPONSE', 'FAILED') AND j.created_at < now() - make_interval(secs => $2 * 3600)
            AND ${watched}
            AND NOT EXISTS (SELECT 1 FROM sync_jobs newer WHERE newer.scope_key = j.scope_key AND newer.sync_type = j.sync_type
                             AND newer.id > j.id AND newer.status = 'COMPLETED')`,
        [rule.destination_id, rule.threshold],
      );
      return rows[0]!.n ? `${rows[0]!.n} sync(s) have not completed for more than ${rule.threshold} h` : null;
    }
    default:
      return null; // JOB_FAILED and LIFECYCLE fire on job events (dispatchNotifications.ts)
  }
}
