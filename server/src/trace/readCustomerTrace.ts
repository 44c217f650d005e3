// Why is this customer (not) in that audience? Everything paidsync knows about one customer, per
// audience, read by primary key and index probes only, so it answers in milliseconds at any size:
// - membership: memberships' key (audience, customer) over the few audiences;
// - what the network holds: the payload row the membership points at (sent_job_id, customer), of
//   which only identifier types and hash prefixes leave this file;
// - scope: segment_members' key, or the segment's criteria tested on this one customer's row;
// - the last jobs of each audience (sync_jobs (audience_id, id DESC)), and for the unfinished ones
//   the payload row (its key, job and customer) whose add or remove number names the queue item
//   carrying the customer; a completed job's rows are discarded, so for it only the job is known;
// - open rejections: rejected_records' partial index on primary_key.
// Every audience is listed (there are few): "not in its segment" is an answer too.
import type pg from 'pg';
import { segmentPredicate } from '../segments/segmentMembers.ts';

const JOBS_PER_AUDIENCE = 5;
const HASH_PREFIX = 8;

export type TraceVerdict = 'MEMBER' | 'WAITING_FOR_RETRY' | 'REJECTED' | 'NO_CONSENT' | 'PENDING' | 'NOT_IN_SCOPE';

export interface SentIdentifier {
  type: string;
  hashPrefix: string;
}
export interface TraceJob {
  id: number;
  status: string;
  syncType: string;
  fullDiff: boolean;
  createdAt: Date;
  endedAt: Date | null;
  error: string | null;
  recordsAdded: number;
  recordsRemoved: number;
  /** ADD or REMOVE while the unfinished job's payload numbers the customer among its adds or removes */
  operation: string | null;
  queueItem: {
    id: number;
    status: string;
    attempts: number;
    lastError: string | null;
    nextAttemptAt: Date | null;
    lastAttemptAt: Date | null;
  } | null;
}
export interface TraceAudience {
  audienceId: number;
  audienceName: string;
  destinationId: number;
  destinationName: string;
  destinationType: string;
  verdict: TraceVerdict;
  member: boolean;
  confirmedAt: Date | null;
  sentIdentifiers: SentIdentifier[];
  /** the segment the audience stands for; null for next-best-action and conversion audiences */
  segment: { id: number; name: string; includesCustomer: boolean } | null;
  jobs: TraceJob[];
  rejections: Array<{ syncJobId: number; reason: string; at: Date }>;
}
export interface CustomerTrace {
  customerId: number;
  externalId: string;
  adConsent: boolean;
  segments: Array<{ id: number; name: string; paidSyncEnabled: boolean }>;
  audiences: TraceAudience[];
}

/** null when no customer has this external id */
export async function readCustomerTrace(db: pg.Pool, externalId: string): Promise<CustomerTrace | null> {
  const { rows: found } = await db.query<{ id: number; ad_consent: boolean }>(
    'SELECT id, ad_consent FROM customers WHERE external_id = $1',
    [externalId],
  );
  const customer = found[0];
  if (!customer) return null;

  const [allSegments, audiences, jobs, rejections] = await Promise.all([
    everySegmentFor(db, customer.id),
    db.query<{
      id: number;
      name: string;
      scope_key: string;
      destination_id: number;
      destination_name: string;
      type: string;
      confirmed_at: Date | null;
      identifiers: string | null;
    }>(
      `SELECT a.id, a.name, a.scope_key, a.destination_id, d.name AS destination_name, d.type,
              m.confirmed_at, p.identifiers
         FROM audiences a JOIN destinations d ON d.id = a.destination_id
         LEFT JOIN memberships m ON m.audience_id = a.id AND m.customer_id = $1
         LEFT JOIN sync_payloads p ON p.sync_job_id = m.sent_job_id AND p.customer_id = $1
        ORDER BY d.name, a.name`,
      [customer.id],
    ),
    db.query<{
      audience_id: number;
      id: number;
      status: string;
      sync_type: string;
      full_diff: boolean;
      created_at: Date;
      ended_at: Date | null;
      error: string | null;
      records_added: number;
      records_removed: number;
      operation: string | null;
      item_id: number | null;
      item_status: string | null;
      attempts: number | null;
      last_error: string | null;
      next_attempt_at: Date | null;
      last_attempt_at: Date | null;
    }>(
      `SELECT a.id AS audience_id, j.id, j.status, j.sync_type, j.full_diff, j.created_at, j.ended_at, j.error,
              j.records_added, j.records_removed, s.operation,
              q.id AS item_id, q.status AS item_status, q.attempts, q.last_error, q.next_attempt_at, q.last_attempt_at
         FROM audiences a
         CROSS JOIN LATERAL (SELECT * FROM sync_jobs j WHERE j.audience_id = a.id ORDER BY j.id DESC LIMIT ${JOBS_PER_AUDIENCE}) j
         -- LIMIT 1 keeps this a key probe per job: without it the planner flattened it into a hash join
         -- over every payload row of the customer, a scan of the whole key index (20 ms at 1M members)
         LEFT JOIN LATERAL (SELECT CASE WHEN p.add_row IS NOT NULL THEN 'ADD' ELSE 'REMOVE' END::"QueueOperation" AS operation,
                                   COALESCE(p.add_row, p.remove_row) AS row_number
                              FROM sync_payloads p
                             WHERE p.sync_job_id = j.id AND p.customer_id = $1 AND j.status <> 'COMPLETED'
                               AND (p.add_row IS NOT NULL OR p.remove_row IS NOT NULL)
                             LIMIT 1) s ON true
         LEFT JOIN queue_items q ON q.sync_job_id = j.id AND q.operation = s.operation
                                AND s.row_number BETWEEN q.row_from AND q.row_from + q.record_count - 1
        ORDER BY a.id, j.id DESC`,
      [customer.id],
    ),
    db.query<{ audience_id: number; sync_job_id: number; reason: string; created_at: Date }>(
      `SELECT j.audience_id, r.sync_job_id, r.reason, r.created_at
         FROM rejected_records r JOIN sync_jobs j ON j.id = r.sync_job_id
        WHERE r.primary_key = $1 AND r.resolved_at IS NULL AND j.audience_id IS NOT NULL
        ORDER BY r.id DESC LIMIT 50`,
      [externalId],
    ),
  ]);

  const segmentById = new Map(allSegments.map((s) => [s.id, s]));
  const result: TraceAudience[] = [];
  for (const a of audiences.rows) {
    const audienceJobs: TraceJob[] = jobs.rows
      .filter((j) => j.audience_id === a.id)
      .map((j) => ({
        id: j.id,
        status: j.status,
        syncType: j.sync_type,
        fullDiff: j.full_diff,
        createdAt: j.created_at,
        endedAt: j.ended_at,
        error: j.error,
        recordsAdded: j.records_added,
        recordsRemoved: j.records_removed,
        operation: j.operation,
        queueItem:
          j.item_id === null
            ? null
            : {
                id: j.item_id,
                status: j.item_status!,
                attempts: j.attempts!,
                lastError: j.last_error,
                nextAttemptAt: j.next_attempt_at,
                lastAttemptAt: j.last_attempt_at,
              },
      }));
    const audienceRejections = rejections.rows
      .filter((r) => r.audience_id === a.id)
      .map((r) => ({ syncJobId: r.sync_job_id, reason: r.reason, at: r.created_at }));
    const segmentId = /^segment:(\d+)$/.exec(a.scope_key)?.[1];
    const scope = segmentId === undefined ? undefined : segmentById.get(Number(segmentId));
    const segment = scope ? { id: scope.id, name: scope.name, includesCustomer: scope.includes } : null;
    const member = a.confirmed_at !== null;
    result.push({
      audienceId: a.id,
      audienceName: a.name,
      destinationId: a.destination_id,
      destinationName: a.destination_name,
      destinationType: a.type,
      verdict: verdictFor(member, customer.ad_consent, segment?.includesCustomer ?? null, audienceJobs, audienceRejections.length > 0),
      member,
      confirmedAt: a.confirmed_at,
      sentIdentifiers: member && a.identifiers ? hashPrefixes(a.identifiers) : [],
      segment,
      jobs: audienceJobs,
      rejections: audienceRejections,
    });
  }
  const segments = allSegments.filter((s) => s.includes).map(({ id, name, paidSyncEnabled }) => ({ id, name, paidSyncEnabled }));
  return { customerId: customer.id, externalId, adConsent: customer.ad_consent, segments, audiences: result };
}

function verdictFor(member: boolean, consent: boolean, inScope: boolean | null, jobs: TraceJob[], rejected: boolean): TraceVerdict {
  // the newest job that still names the customer says what is happening to them now
  const current = jobs.find((j) => j.queueItem);
  if (current?.queueItem && ['WAITING_FOR_RETRY', 'RESENDING'].includes(current.queueItem.status)) return 'WAITING_FOR_RETRY';
  if (rejected && !member) return 'REJECTED';
  if (inScope && !consent) return 'NO_CONSENT';
  if (member) return 'MEMBER';
  if (inScope) return 'PENDING';
  return 'NOT_IN_SCOPE';
}

/** every segment, and whether it holds the customer (its list's key, or its criteria on this one row) */
async function everySegmentFor(db: pg.Pool, customerId: number) {
  const { rows } = await db.query<{ id: number; name: string; paid_sync_enabled: boolean; criteria: unknown }>(
    'SELECT id, name, paid_sync_enabled, criteria FROM segments ORDER BY name',
  );
  return Promise.all(
    rows.map(async (segment) => {
      const params: unknown[] = [customerId];
      const predicate = segmentPredicate(segment, params);
      const { rowCount } = await db.query(`SELECT 1 FROM customers c WHERE c.id = $1 AND ${predicate}`, params);
      return { id: segment.id, name: segment.name, paidSyncEnabled: segment.paid_sync_enabled, includes: !!rowCount };
    }),
  );
}

/** Every hashed value in a payload's identifiers JSON, named by where it sits, cut to a prefix. */
export function hashPrefixes(identifiersJson: string): SentIdentifier[] {
  const out: SentIdentifier[] = [];
  const walk = (value: unknown, name: string): void => {
    if (typeof value === 'string') {
      if (/^[0-9a-f]{64}$/i.test(value)) out.push({ type: name, hashPrefix: value.slice(0, HASH_PREFIX) });
    } else if (Array.isArray(value)) {
      // LinkedIn's { idType, idValue } names its own type
      for (const v of value) {
        if (v && typeof v === 'object' && 'idType' in v && 'idValue' in v)
          walk((v as { idValue: unknown }).idValue, String((v as { idType: unknown }).idType));
        else walk(v, name);
      }
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (k !== 'type') walk(v, k);
    }
  };
  walk(JSON.parse(identifiersJson), '');
  return out;
}
