// A sync job's row as Prisma returns it (field names, Dates, parsed JSON), read over pg: the columns
// in select order and their conversion, shared by listSyncJobs (the dashboard's page) and readSyncJob
// (a live event's job). A test holds them equal to Prisma's findMany.
import pg from 'pg';

// [column, Prisma field, is JSON] in select order
export type Columns = ReadonlyArray<readonly [string, string, boolean?]>;
export const JOB: Columns = [
  ['id', 'id'],
  ['status', 'status'],
  ['stage', 'stage'],
  ['destination_id', 'destinationId'],
  ['destination_type', 'destinationType'],
  ['sync_type', 'syncType'],
  ['triggered_by', 'triggeredBy'],
  ['issue', 'issue'],
  ['group_name', 'group'],
  ['segment_id', 'segmentId'],
  ['audience_id', 'audienceId'],
  ['scope_key', 'scopeKey'],
  ['customer_external_ids', 'customerExternalIds'],
  ['full_diff', 'fullDiff'],
  ['started_at', 'startedAt'],
  ['ended_at', 'endedAt'],
  ['next_retry_at', 'nextRetryAt'],
  ['failure_layer', 'failureLayer'],
  ['error', 'error'],
  ['dry_run', 'dryRun'],
  ['dry_run_sample', 'dryRunSample', true],
  ['parent_id', 'parentId'],
  ['source', 'source'],
  ['records_total', 'recordsTotal'],
  ['records_added', 'recordsAdded'],
  ['records_removed', 'recordsRemoved'],
  ['records_rejected', 'recordsRejected'],
  ['records_failed', 'recordsFailed'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];
export const DESTINATION: Columns = [
  ['id', 'id'],
  ['name', 'name'],
  ['type', 'type'],
  ['settings', 'settings', true],
  ['credentials_encrypted', 'credentialsEncrypted'],
  ['enabled', 'enabled'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];
export const SEGMENT: Columns = [
  ['id', 'id'],
  ['name', 'name'],
  ['paid_sync_enabled', 'paidSyncEnabled'],
  ['criteria', 'criteria', true],
  ['schedule', 'schedule'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];
export const select = (alias: string, columns: Columns) => columns.map(([column]) => `${alias}.${column}`).join(', ');

// jsonb arrives as text and is parsed here: a destination's settings once per page, not once per row
const JSONB = 3802;
export const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === JSONB ? (text: string) => text : pg.types.getTypeParser(oid, format),
};

export function toObject(row: unknown[], at: number, columns: Columns): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const [, field, json] = columns[i]!;
    const value = row[at + i];
    object[field] = json && value !== null ? JSON.parse(value as string) : value;
  }
  return object;
}
