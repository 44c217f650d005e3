// A new segment with its destinations and, for a static list, its members, in the caller's transaction.
import type pg from 'pg';
import { replaceStaticMembers } from './segmentMembers.ts';
import { setSegmentDestinations } from './setSegmentDestinations.ts';

export interface NewSegment {
  name: string;
  paidSyncEnabled: boolean;
  criteria?: unknown;
  schedule: string | null;
  destinationIds: number[];
  customerExternalIds?: string[] | null;
}

/** Returns the segment's id and the external ids of a static list that name no customer. */
export async function createSegment(tx: pg.PoolClient, segment: NewSegment): Promise<{ id: number; unknownCustomers: string[] }> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO segments (name, paid_sync_enabled, criteria, schedule) VALUES ($1, $2, $3, $4) RETURNING id`,
    [segment.name, segment.paidSyncEnabled, segment.criteria == null ? null : JSON.stringify(segment.criteria), segment.schedule],
  );
  const id = rows[0]!.id;
  await setSegmentDestinations(tx, id, segment.destinationIds);
  const unknownCustomers =
    segment.criteria == null && segment.customerExternalIds?.length ? await replaceStaticMembers(tx, id, segment.customerExternalIds) : [];
  return { id, unknownCustomers };
}
