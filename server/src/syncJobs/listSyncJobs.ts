// One page of syncJobs straight over pg, newest first: the keyset `id < after` under the filter, so
// an index in id order (the (sync_type | status | destination_id | segment_id, id DESC) ones, or the
// primary key read backwards) gives the page without a sort, with the job's destination and segment
// joined and, when asked, the exact total (the SUM over sync_job_counts countSyncJobs reads) in the
// same statement: one round trip, one snapshot. Prisma's findMany costs about 5 ms of CPU for this
// page (query compilation, three statements); this well under one. Rows come back in Prisma's shape
// (field names, Dates, parsed JSON), so Pothos resolves the nested fields from them as from a
// findMany with `include`; a test holds the two equal.
import type pg from 'pg';
import type { Destination, Segment, SyncJob } from '../generated/prisma/client.ts';
import { DESTINATION, JOB, SEGMENT, select, toObject, types } from './syncJobRows.ts';
import { totalSql } from './countSyncJobs.ts';
import { preparedName } from '../db/preparedName.ts';
import { syncJobConditions, type SyncJobWhere } from './syncJobWhere.ts';

export type SyncJobWithRelations = SyncJob & { destination?: Destination; segment?: Segment | null };

export interface SyncJobPage {
  /** rows to return (Pothos asks one more than `first`, to know hasNextPage) */
  take: number;
  /** only jobs older than this one (the `after` cursor's id) */
  beforeId?: number;
  include: { destination?: boolean; segment?: boolean };
  withTotalCount?: boolean;
}

export async function listSyncJobs(
  db: pg.Pool | pg.PoolClient,
  where: SyncJobWhere,
  page: SyncJobPage,
): Promise<{ jobs: SyncJobWithRelations[]; totalCount?: number }> {
  const { sql: conditions, params } = syncJobConditions(where);
  let filter = conditions;
  if (page.beforeId != null) {
    params.push(page.beforeId);
    filter = `${conditions ? `${conditions} AND` : 'WHERE'} id < $${params.length}::int`;
  }
  params.push(page.take);
  const { destination, segment } = page.include;
  let sql = `SELECT ${select('j', JOB)}${destination ? `, ${select('d', DESTINATION)}` : ''}${segment ? `, ${select('s', SEGMENT)}` : ''}
               FROM (SELECT * FROM sync_jobs ${filter} ORDER BY id DESC LIMIT $${params.length}::int) j
               ${destination ? 'LEFT JOIN destinations d ON d.id = j.destination_id' : ''}
               ${segment ? 'LEFT JOIN segments s ON s.id = j.segment_id' : ''}
              ORDER BY j.id DESC`;
  // the total's one row, with the page's rows (or one of NULLs, when the page is empty) beside it
  if (page.withTotalCount) {
    sql = `SELECT c.n, p.*
             FROM (${totalSql(conditions)}) c
             LEFT JOIN (${sql}) p ON true
            ORDER BY 2 DESC`;
  }
  const { rows } = await db.query<unknown[]>({
    name: preparedName('listSyncJobs', sql),
    text: sql,
    values: params,
    rowMode: 'array',
    types,
  });
  const first = page.withTotalCount ? 1 : 0; // the total's column comes first
  const destinationAt = first + JOB.length;
  const segmentAt = destinationAt + (destination ? DESTINATION.length : 0);
  const destinations = new Map<unknown, Record<string, unknown>>();
  const segments = new Map<unknown, Record<string, unknown>>();
  const jobs: SyncJobWithRelations[] = [];
  for (const row of rows) {
    if (row[first] === null) continue; // the empty page's row of NULLs
    const job = toObject(row, first, JOB);
    if (destination) {
      const id = row[destinationAt];
      job.destination =
        id === null ? null : (destinations.get(id) ?? destinations.set(id, toObject(row, destinationAt, DESTINATION)).get(id));
    }
    if (segment) {
      const id = row[segmentAt];
      job.segment = id === null ? null : (segments.get(id) ?? segments.set(id, toObject(row, segmentAt, SEGMENT)).get(id));
    }
    jobs.push(job as SyncJobWithRelations);
  }
  return { jobs, totalCount: page.withTotalCount ? (rows[0]![0] as number) : undefined };
}
