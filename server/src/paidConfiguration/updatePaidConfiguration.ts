// The primary paid configuration (its single row, id 1) and the destinations offline conversions go to.
import type pg from 'pg';
import { withTransaction } from '../db/withTransaction.ts';

export async function updatePaidConfiguration(
  pool: pg.Pool,
  change: { offlineConversionsEnabled?: boolean | null; conversionDestinationIds?: number[] | null },
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    if (change.offlineConversionsEnabled != null) {
      await tx.query('UPDATE paid_configuration SET offline_conversions_enabled = $1 WHERE id = 1', [change.offlineConversionsEnabled]);
    }
    const ids = change.conversionDestinationIds;
    if (ids) {
      await tx.query('DELETE FROM conversion_destinations WHERE NOT (destination_id = ANY ($1::int[]))', [ids]);
      await tx.query('INSERT INTO conversion_destinations (destination_id) SELECT unnest($1::int[]) ON CONFLICT DO NOTHING', [ids]);
    }
  });
}
