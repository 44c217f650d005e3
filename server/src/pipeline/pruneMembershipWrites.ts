// membership_writes grows by a few rows per delivered batch. A diff base is used for 6 days after its
// snapshot (diffBase.ts), so a record 7 days old can no longer decide anything: deleted hourly.
import type pg from 'pg';
import { deleteOlderThan } from '../db/deleteOlderThan.ts';
import { DIFF_BASE_MAX_AGE_DAYS } from './diffBase.ts';

export async function pruneMembershipWrites(pool: pg.Pool): Promise<number> {
  return deleteOlderThan(pool, { table: 'membership_writes', column: 'written_at', days: DIFF_BASE_MAX_AGE_DAYS + 1 });
}
