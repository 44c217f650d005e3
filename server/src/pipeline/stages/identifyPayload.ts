// Stage 1: the customers in scope and their identifiers hashed for the destination. Customers stream
// out of PostgreSQL (COPY TO), are hashed on the way (hashPayload.ts; a large stream on threads of
// their own), and stream back in (COPY FROM): a million-member segment is never held in memory. For a
// full diff the audience's current members come along too, so the ones leaving it can be removed
// with identifiers the network will recognise.
//
// Only customers that can be part of the diff are read and hashed: a kept member whose PII version
// is the one its membership was hashed from has nothing new to send, and a leaving customer the
// network never had has nothing to remove, so PostgreSQL leaves both out. A 1% churn over a million
// members then hashes and writes twenty thousand rows, not a million.
//
// The diff is decided here, row by row as it is hashed (membershipDiff.ts), against the membership
// read with the customer, and the adds and removes are numbered in customer order in the same COPY:
// writing them again as staging rows cost a second million-row write per million members. A member
// read here brings the identifiers the network holds for it (the payload row its membership points
// at), so a leaver is removed by exactly those and a changed member's stale ones are removed.
//
// When an earlier run of the same scope completed whole and nothing else has written the audience's
// memberships since (diffBase.ts), only the customers written since that run's snapshot are read:
// the 1%-churn re-sync of a million members no longer joins a million customers with a million
// memberships to find its twenty thousand rows. The run records its own snapshot for the next one.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type pg from 'pg';
import { inlineParams } from '../../db/inlineParams.ts';
import type { IdentifiersOptions } from '../../destinations/hashing/index.ts';
import { identifyConversionPayload } from '../conversions/identifyConversionPayload.ts';
import { loadDestination } from '../../delivery/loadDestination.ts';
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';
import { scopePredicate } from '../scopePredicate.ts';
import { learnPiiVersions } from '../membershipDiff.ts';
import { changedSince, diffScopeDigest, findDiffBase, type DiffBase } from '../diffBase.ts';
import { hashPayload } from './hashPayload.ts';
import { payloadRows, type PayloadJob } from './payloadRows.ts';

const JOIN_WORK_MEM = '128MB';
/** changed customers up to which a re-sync looks memberships up by key rather than hashing them all */
const BY_KEY_UP_TO = 100_000;

export async function identifyPayload(ctx: PipelineContext, job: SyncJobRow, tx: pg.PoolClient): Promise<Stage> {
  const destination = await loadDestination(tx, ctx.cipher, job.destination_id);
  if (job.sync_type === 'OFFLINE_CONVERSION') {
    await identifyConversionPayload(job, destination, tx);
    return 'IDENTIFY_AUDIENCES';
  }
  const params: unknown[] = [];
  const scope = await scopePredicate(tx, job, params);
  // only a full diff of a scope decided by the row alone can start from an earlier run's snapshot
  const scopeDigest = job.full_diff && scope.ownRowOnly ? diffScopeDigest(job, scope.sql, params) : null;

  const started = performance.now();
  await tx.query('DELETE FROM sync_payloads WHERE sync_job_id = $1', [job.id]);
  const fields = destination.settings.fields as IdentifiersOptions['fields'];
  const payloadJob: PayloadJob = { jobId: job.id, type: destination.type, options: fields ? { fields } : undefined };
  const rows = payloadRows(destination.batchSize);
  let firstRowAt: number | undefined;
  const into = () =>
    tx.query(
      copyFrom(
        'COPY sync_payloads (sync_job_id, customer_id, external_id, identifiers, identifier_hash, keep, pii_version, stale_identifiers, add_row, remove_row) FROM STDIN',
      ),
    );
  const { snapshot, base } = await streamCandidates(ctx.pool, { job, scope: scope.sql, params, scopeDigest }, (out) =>
    pipeline(
      out,
      (chunks: AsyncIterable<Buffer>) => hashPayload(chunks, payloadJob, rows, { onFirstChunk: () => (firstRowAt = performance.now()) }),
      into(),
    ),
  );
  // PostgreSQL's part before the first row (the join, for a diff) and the whole stream
  const firstRowMs = firstRowAt === undefined ? null : Math.round(firstRowAt - started);
  const streamedMs = Math.round(performance.now() - started);
  const { hashed: customersHashed, unchanged, plan } = rows;
  const { adds, removes } = plan;
  // a dry run changes no membership: the next run may not start from its snapshot
  const recorded = scopeDigest !== null && !job.dry_run;
  await tx.query(
    `UPDATE sync_jobs SET records_total = $2, queue_item_plan = $3, diff_snapshot = $4, diff_snapshot_at = $5, diff_scope = $6
      WHERE id = $1`,
    [
      job.id,
      adds + removes,
      JSON.stringify(plan.items()),
      recorded ? snapshot.text : null,
      recorded ? snapshot.at : null,
      recorded ? scopeDigest : null,
    ],
  );
  if (unchanged > 0 && !job.dry_run) await learnPiiVersions(tx, job);
  const ms = Math.round(performance.now() - started);
  ctx.logger.debug('payload identified', {
    syncJobId: job.id,
    diffBase: base?.syncJobId ?? null,
    customersHashed,
    adds,
    removes,
    unchanged,
    firstRowMs,
    streamedMs,
    ms,
  });
  return 'IDENTIFY_AUDIENCES';
}

/**
 * Streams the customers that can be part of the diff (COPY TO) into `consume`, on a connection of
 * its own, in one REPEATABLE READ snapshot: the one the run records for the next, and the one in
 * which it looks for its own base (diffBase.ts).
 */
async function streamCandidates(
  pool: pg.Pool,
  read: { job: SyncJobRow; scope: string; params: unknown[]; scopeDigest: string | null },
  consume: (out: Readable) => Promise<void>,
): Promise<{ snapshot: { text: string; at: Date }; base: DiffBase | null }> {
  const { job, scope } = read;
  const params = [...read.params];
  const source = await pool.connect();
  try {
    // joining a million customers to a million memberships in customer order: a merge join of the
    // two keys, or a hash join and a sort, which with the default 4 MB spill to temporary files;
    // this one query may use more, once
    await source.query(`SET work_mem = '${JOIN_WORK_MEM}'`);
    // a million-row plan crosses the JIT thresholds; compiling it took longer than it saved
    await source.query('SET jit = off');
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await source.query<{ text: string; at: Date }>('SELECT pg_current_snapshot()::text AS text, now() AS at');
    const base = read.scopeDigest === null ? null : await findDiffBase(source, job, read.scopeDigest);
    if (base && base.changedCustomers < BY_KEY_UP_TO) {
      // a few thousand changed customers find their memberships by key; a just-synced audience often
      // has no statistics yet, and the planner's guess was a hash of all its million memberships
      await source.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
    }
    params.push(job.audience_id);
    const audience = `$${params.length}`;
    const candidates = `${job.full_diff ? `(${scope} OR m.customer_id IS NOT NULL)` : scope}${
      base ? ` AND ${changedSince(base.snapshot, params)}` : ''
    }`;
    const query = inlineParams(
      `SELECT id, external_id, email, phone, first_name, last_name, city, state, zip, country, date_of_birth, gender,
              keep, identifier_hash, pii_version,
              CASE WHEN q.sent_job_id IS NOT NULL THEN
                (SELECT held.identifiers FROM sync_payloads held WHERE held.sync_job_id = q.sent_job_id AND held.customer_id = q.id) END
         FROM (SELECT c.*, (COALESCE(${scope}, FALSE) AND c.ad_consent) AS keep,
                      m.identifier_hash, m.pii_version AS member_pii_version, m.sent_job_id
                 FROM customers c
                 LEFT JOIN memberships m ON m.audience_id = ${audience} AND m.customer_id = c.id
                WHERE ${candidates}) q
        WHERE CASE WHEN keep THEN member_pii_version IS DISTINCT FROM pii_version ELSE identifier_hash IS NOT NULL END
        ORDER BY id`,
      params,
    );
    await consume(source.query(copyTo(`COPY (${query}) TO STDOUT`)));
    await source.query('COMMIT; RESET work_mem; RESET jit');
    source.release();
    return { snapshot: rows[0]!, base };
  } catch (error) {
    // a connection that failed mid-COPY or mid-transaction is not given back to the pool
    source.release(error instanceof Error ? error : true);
    throw error;
  }
}
