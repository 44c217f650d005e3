// The records of one queue item, in row order: members with their hashed identifiers, or conversions.
import type pg from 'pg';
import type { ConversionRecord, MemberRecord } from '../destinations/adapter.ts';
import type { ClaimedItem } from './claimQueueItem.ts';

export async function loadMemberBatch(db: pg.Pool, item: ClaimedItem): Promise<Array<MemberRecord & { customerId: number }>> {
  const { rows } = await db.query<{ customer_id: number; external_id: string; identifiers: string }>(
    // a removal sends what the network holds (see identifyPayload.ts), else the current identifiers
    `SELECT s.customer_id, p.external_id,
            CASE WHEN s.operation = 'REMOVE' THEN COALESCE(p.stale_identifiers, p.identifiers) ELSE p.identifiers END AS identifiers
       FROM sync_staging s JOIN sync_payloads p ON p.sync_job_id = s.sync_job_id AND p.customer_id = s.customer_id
      WHERE s.sync_job_id = $1 AND s.operation = $2 AND s.row_number BETWEEN $3 AND $4
      ORDER BY s.row_number`,
    [item.sync_job_id, item.operation, item.row_from, item.row_from + item.record_count - 1],
  );
  return rows.map((r) => ({ key: r.external_id, customerId: r.customer_id, identifiers: JSON.parse(r.identifiers) }));
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
