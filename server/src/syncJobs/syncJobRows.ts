// A sync job's row as Prisma returns it (field names, Dates, parsed JSON), read over pg: the columns
// in select order and their conversion, shared by listSyncJobs (the dashboard's page) and readSyncJob
// (a live event's job). A test holds them equal to Prisma's findMany.
import pg from 'pg';
import { dateFromIso } from '../db/isoDate.ts';

/**
 * SyncJob fields these reads leave out: pipeline state the API never reads (a membership job's
 * queue item plan, which can be large; the snapshot and scope its next run may start from). The
 * parity test compares every other field with Prisma's.
 */
export const JOB_FIELDS_LEFT_OUT = ['queueItemPlan', 'diffSnapshot', 'diffSnapshotAt', 'diffScope'] as const;

// [column, Prisma field, how its text becomes the field's value when not as pg parses it] in select order
export type Columns = ReadonlyArray<readonly [string, string, ('json' | 'date')?]>;
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
  ['started_at', 'startedAt', 'date'],
  ['ended_at', 'endedAt', 'date'],
  ['next_retry_at', 'nextRetryAt', 'date'],
  ['failure_layer', 'failureLayer'],
  ['error', 'error'],
  ['dry_run', 'dryRun'],
  ['dry_run_sample', 'dryRunSample', 'json'],
  ['parent_id', 'parentId'],
  ['source', 'source'],
  ['records_total', 'recordsTotal'],
  ['records_added', 'recordsAdded'],
  ['records_removed', 'recordsRemoved'],
  ['records_rejected', 'recordsRejected'],
  ['records_failed', 'recordsFailed'],
  ['created_at', 'createdAt', 'date'],
  ['updated_at', 'updatedAt', 'date'],
];
export const DESTINATION: Columns = [
  ['id', 'id'],
  ['name', 'name'],
  ['type', 'type'],
  ['settings', 'settings', 'json'],
  ['credentials_encrypted', 'credentialsEncrypted'],
  ['enabled', 'enabled'],
  ['created_at', 'createdAt', 'date'],
  ['updated_at', 'updatedAt', 'date'],
];
export const SEGMENT: Columns = [
  ['id', 'id'],
  ['name', 'name'],
  ['paid_sync_enabled', 'paidSyncEnabled'],
  ['criteria', 'criteria', 'json'],
  ['schedule', 'schedule'],
  ['created_at', 'createdAt', 'date'],
  ['updated_at', 'updatedAt', 'date'],
];
export const select = (alias: string, columns: Columns) => columns.map(([column]) => `${alias}.${column}`).join(', ');

// jsonb and timestamptz arrive as text and are converted in toObject: a destination's settings and
// dates once per page, not once per row that repeats them
const JSONB = 3802;
const TIMESTAMPTZ = 1184;
const asText = (text: string) => text;
const parseAnyTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ) as (text: string) => Date;

/** PostgreSQL's text for a timestamptz in a UTC session ("2026-12-06 07:19:00.123+00") read by
 * position into the ISO-8601 text the API sends ("2026-12-06T07:19:00.123Z"), kept on the Date
 * (db/isoDate.ts): pg's general parser (a regular expression and its groups) was most of a page's date
 * cost, and formatting each date again for the answer most of the rest. Any other shape (another
 * offset, BC, infinity, a year before 1000, more than milliseconds) goes to that parser. */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  const utc = n >= 22 && text[4] === '-' && text[10] === ' ' && text[n - 3] === '+' && text[n - 2] === '0' && text[n - 1] === '0';
  // a fraction is 1 to 3 digits in a timestamptz(3) column
  if (!utc || (n > 22 && (text[19] !== '.' || n > 26)) || text.charCodeAt(0) === 48 /* year < 1000 */) return parseAnyTimestamptz(text);
  const fraction = n > 22 ? text.slice(20, n - 3).padEnd(3, '0') : '000';
  return dateFromIso(`${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`);
}
export const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === JSONB || oid === TIMESTAMPTZ ? asText : pg.types.getTypeParser(oid, format),
};

export function toObject(row: unknown[], at: number, columns: Columns): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const [, field, kind] = columns[i]!;
    const value = row[at + i];
    object[field] =
      kind === undefined || value === null ? value : kind === 'json' ? JSON.parse(value as string) : parseTimestamptz(value as string);
  }
  return object;
}
