// The syncJobs filter, decoded (ids are database ids), and its SQL conditions over any table with the
// sync_jobs filter columns (sync_jobs itself, sync_job_counts). Only the given parts become
// conditions, so each combination gets a plan that can use its index.
import type { SyncJobStatus, SyncType } from '../generated/prisma/enums.ts';

export interface SyncJobWhere {
  syncType?: SyncType;
  status?: { in: SyncJobStatus[] };
  destinationId?: number;
  segmentId?: number;
}

/** `WHERE ...` (or '') with its parameters numbered from `$${first}`. */
export function syncJobConditions(where: SyncJobWhere, first = 1): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (n: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${first + params.length - 1}`));
  };
  if (where.syncType) add((p) => `sync_type = ${p}::"SyncType"`, where.syncType);
  if (where.status?.in.length) add((p) => `status = ANY(${p}::"SyncJobStatus"[])`, where.status.in);
  if (where.destinationId != null) add((p) => `destination_id = ${p}::int`, where.destinationId);
  if (where.segmentId != null) add((p) => `segment_id = ${p}::int`, where.segmentId);
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
