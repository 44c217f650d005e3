// An outbound run's schedule: one per issue and group, replaced when the run is scheduled again.
import type pg from 'pg';

export interface OutboundSchedule {
  issue: string;
  group: string;
  segmentId: number | null;
  customerExternalIds: string[];
  destinationIds: number[];
  cron: string;
}

/** Returns the schedule's id (the same one when the issue and group had a schedule already). */
export async function saveOutboundSchedule(db: pg.Pool | pg.PoolClient, schedule: OutboundSchedule): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO outbound_schedules (issue, group_name, segment_id, customer_external_ids, destination_ids, cron)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (issue, group_name) DO UPDATE SET segment_id = EXCLUDED.segment_id,
       customer_external_ids = EXCLUDED.customer_external_ids, destination_ids = EXCLUDED.destination_ids, cron = EXCLUDED.cron
     RETURNING id`,
    [schedule.issue, schedule.group, schedule.segmentId, schedule.customerExternalIds, schedule.destinationIds, schedule.cron],
  );
  return rows[0]!.id;
}
