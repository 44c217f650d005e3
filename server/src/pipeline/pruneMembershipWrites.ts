// membership_writes grows by a few rows per delivered batch. A diff base is used for 6 days after its
// snapshot (diffBase.ts), so a record 7 days old can no longer decide anything: deleted hourly, in
// batches, oldest first.
import type pg from 'pg';
import { DIFF_BASE_MAX_AGE_DAYS } from './diffBase.ts';

const BATCH = 5_000;
const RETENTION_DAYS = DIFF_BASE_MAX_AGE_DAYS + 1;

export async function pruneMembershipWrites(pool: pg.Pool): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM membership_writes WHERE id IN (
         SELECT id FROM membership_writes WHERE written_at < now() - make_interval(days => $1) ORDER BY id LIMIT $2)`,
      [RETENTION_DAYS, BATCH],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return deleted;
  }
}
