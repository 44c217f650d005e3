// The records of one queue item, in row order: members with their hashed identifiers, or conversions.
import type pg from 'pg';
import type { ConversionRecord, MemberRecord } from '../destinations/adapter.ts';
import type { ClaimedItem } from './claimQueueItem.ts';
import { PreparationError } from './preparationError.ts';

export async function loadMemberBatch(db: pg.Pool, item: ClaimedItem): Promise<Array<MemberRecord & { customerId: number }>> {
  const operation = item.operation as 'ADD' | 'REMOVE';
  const { rows } = await db.query<{ customer_id: number; external_id: string; identifiers: string }>(
    // a removal sends what the network holds (see identifyPayload.ts), else the current identifiers
    `SELECT p.customer_id, p.external_id,
            ${operation === 'REMOVE' ? 'COALESCE(p.stale_identifiers, p.identifiers)' : 'p.identifiers'} AS identifiers
       FROM sync_payloads p
      WHERE ${itemRows('p', operation)}
      ORDER BY p.customer_id`,
    itemRowParams(item),
  );
  // the rows are the job's own until it completes: fewer would send a short batch and call it done
  if (rows.length !== item.record_count) {
    throw new PreparationError(`queue item ${item.id} names ${item.record_count} records; ${rows.length} are left to send`);
  }
  return rows.map((r) => ({ key: r.external_id, customerId: r.customer_id, identifiers: JSON.parse(r.identifiers) }));
}

/** SQL over payload rows (alias `p`) for the rows of a membership item; parameters $1–$4 are
 * itemRowParams(item). By the payload's key (job, customer range), then the item's row numbers. */
export function itemRows(p: string, operation: 'ADD' | 'REMOVE'): string {
  return `${p}.sync_job_id = $1 AND ${p}.customer_id BETWEEN $2 AND $3 AND ${operationRow(p, operation)} BETWEEN $4 AND $4 + $5 - 1`;
}

/** The payload column numbering a row among the job's adds or removes (null when it is not one). */
export function operationRow(p: string, operation: 'ADD' | 'REMOVE'): string {
  return operation === 'ADD' ? `${p}.add_row` : `${p}.remove_row`;
}

export function itemRowParams(item: ClaimedItem): number[] {
  return [item.sync_job_id, item.first_customer_id ?? 0, item.last_customer_id ?? 0, item.row_from, item.record_count];
}

export async function loadConversionBatch(db: pg.Pool, item: ClaimedItem): Promise<ConversionRecord[]> {
  const { rows } = await db.query<{
    event_id: string;
    conversion_name: string;
    occurred_at: Date;
    value: number | null;
    currency: string | null;
    click_id: string | null;
    identifiers: unknown;
  }>(
    `SELECT e.event_id, e.conversion_name, e.occurred_at, e.value, e.currency, e.click_id, d.identifiers
       FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.conversion_event_id
      WHERE d.sync_job_id = $1 AND d.row_number BETWEEN $2 AND $3
      ORDER BY d.row_number`,
    [item.sync_job_id, item.row_from, item.row_from + item.record_count - 1],
  );
  return rows.map((r) => ({
    key: r.event_id,
    conversionName: r.conversion_name,
    occurredAt: r.occurred_at,
    value: r.value,
    currency: r.currency,
    clickId: r.click_id,
    identifiers: r.identifiers && Object.keys(r.identifiers as object).length ? r.identifiers : null,
  }));
}
