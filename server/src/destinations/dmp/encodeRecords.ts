// The lines of one batch file: NDJSON (one JSON object a line) or CSV with a header row. Identifiers
// are already hashed (EXTERN_ID is the customer's own id), keyed by Meta schema name.
import type { ConversionRecord, MemberRecord } from '../adapter.ts';
import { META_SCHEMA, type MetaIdentifiers, type MetaSchemaField } from '../hashing/index.ts';

export type DmpFormat = 'ndjson' | 'csv';

export function encodeMembers(records: MemberRecord[], format: DmpFormat, fields: readonly MetaSchemaField[] | undefined): string {
  const rows = records.map((r) => ({ id: r.key, ...((r.identifiers?.ids ?? {}) as MetaIdentifiers) }));
  return format === 'csv' ? csv(['id', ...(fields ?? META_SCHEMA)], rows) : ndjson(rows);
}

export function encodeConversions(records: ConversionRecord[], format: DmpFormat, fields: readonly MetaSchemaField[] | undefined): string {
  const rows = records.map((r) => ({
    id: r.key,
    conversionName: r.conversionName,
    occurredAt: r.occurredAt.toISOString(),
    value: r.value,
    currency: r.currency,
    clickId: r.clickId,
    ...((r.identifiers?.ids ?? {}) as MetaIdentifiers),
  }));
  return format === 'csv'
    ? csv(['id', 'conversionName', 'occurredAt', 'value', 'currency', 'clickId', ...(fields ?? META_SCHEMA)], rows)
    : ndjson(rows);
}

function ndjson(rows: object[]): string {
  let out = '';
  for (const row of rows) out += JSON.stringify(row) + '\n';
  return out;
}

function csv(columns: readonly string[], rows: Array<Record<string, unknown>>): string {
  let out = columns.join(',') + '\n';
  for (const row of rows) out += columns.map((c) => csvField(row[c])).join(',') + '\n';
  return out;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
