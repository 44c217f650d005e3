// Changes a segment in the caller's transaction, holding its row so concurrent edits queue up.
import type pg from 'pg';
import { replaceStaticMembers } from './segmentMembers.ts';
import { setSegmentDestinations } from './setSegmentDestinations.ts';

export interface SegmentChange {
  name?: string | null;
  paidSyncEnabled?: boolean | null;
  criteria?: unknown;
  /** '' removes the schedule */
  schedule?: string | null;
  destinationIds?: number[] | null;
  /** a new static list: turns a rule-based segment into a static one */
  customerExternalIds?: string[] | null;
}

/** null when the segment does not exist; else the external ids of a new static list that name no customer. */
export async function updateSegment(tx: pg.PoolClient, id: number, change: SegmentChange): Promise<{ unknownCustomers: string[] } | null> {
  const { rowCount } = await tx.query('SELECT 1 FROM segments WHERE id = $1 FOR UPDATE', [id]);
  if (!rowCount) return null;
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (change.name != null) set('name', change.name);
  if (change.paidSyncEnabled != null) set('paid_sync_enabled', change.paidSyncEnabled);
  if (change.criteria != null) set('criteria', JSON.stringify(change.criteria));
  if (change.schedule != null) set('schedule', change.schedule || null);
  if (change.customerExternalIds != null) set('criteria', null);
  sets.push('updated_at = now()');
  await tx.query(`UPDATE segments SET ${sets.join(', ')} WHERE id = $1`, params);
  if (change.destinationIds) await setSegmentDestinations(tx, id, change.destinationIds);
  const unknownCustomers = change.customerExternalIds != null ? await replaceStaticMembers(tx, id, change.customerExternalIds) : [];
  // members of a rule are computed when a sync runs: the old static rows no longer apply
  if (change.criteria != null) await tx.query('DELETE FROM segment_members WHERE segment_id = $1', [id]);
  return { unknownCustomers };
}
