// capturePaidResponse: the event is durable (committed) before the call returns; a second capture
// with the same event id changes nothing and says so. When offline conversions are enabled the
// batcher is woken to hand it to a job; a capture made while they are disabled is kept with the
// status OFFLINE_CONVERSION_DISABLED, which no batcher takes (seeds/000: a job is created only when
// the capture runs while offline conversion is enabled); pushHistoricalConversions can send it.
//
// Captures arriving together share one INSERT (one commit, one wake of the batcher): while one
// statement is in flight, the captures that arrive queue up and go in the next. Every commit of a
// capture also NOTIFYs (the live conversion events), and PostgreSQL serialises notifying commits,
// WAL flush included, so one commit per capture capped the rate at a few hundred a second; grouped,
// each caller still gets its answer only once its own row is committed.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { QUEUES } from '../../queue/queues.ts';

export interface CapturedConversion {
  eventId: string;
  conversionName: string;
  occurredAt: Date;
  customerExternalId: string | null;
  clickId: string | null;
  value: number | null;
  currency: string | null;
}

type Deps = { pool: pg.Pool; boss: PgBoss };
type Result = { id: number; duplicate: boolean };
interface Waiting {
  event: CapturedConversion;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/** the most captures one statement carries */
const MAX_GROUP = 1_000;

const groups = new WeakMap<pg.Pool, { waiting: Waiting[]; running: boolean }>();

export function captureConversion(deps: Deps, event: CapturedConversion): Promise<Result> {
  let group = groups.get(deps.pool);
  if (!group) {
    group = { waiting: [], running: false };
    groups.set(deps.pool, group);
  }
  const promise = new Promise<Result>((resolve, reject) => group.waiting.push({ event, resolve, reject }));
  if (!group.running) void drain(deps, group);
  return promise;
}

async function drain(deps: Deps, group: { waiting: Waiting[]; running: boolean }) {
  group.running = true;
  try {
    while (group.waiting.length) {
      const batch = group.waiting.splice(0, MAX_GROUP);
      let results: Array<Result & { wake: boolean }>;
      try {
        results = await insertEvents(
          deps,
          batch.map((w) => w.event),
        );
      } catch (error) {
        const badValue = /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));
        if (batch.length === 1 || !badValue) {
          for (const w of batch) w.reject(error);
          continue;
        }
        // one capture with a value PostgreSQL refuses must not fail the others: each goes on its own
        for (const w of batch) {
          await insertEvents(deps, [w.event]).then((r) => settle(deps, [w], r), w.reject);
        }
        continue;
      }
      await settle(deps, batch, results);
    }
  } finally {
    group.running = false;
  }
}

/** Answers each caller; when the batcher must be woken and cannot be, the captures that needed it
 * fail (their events are committed: a retry by the client answers `duplicate`, as before). */
async function settle(deps: Deps, batch: Waiting[], results: Array<Result & { wake: boolean }>) {
  const wakers = results.some((r) => r.wake);
  let wakeError: unknown = null;
  if (wakers) await wakeConversionBatcher(deps.boss).catch((error) => (wakeError = error ?? new Error('wake failed')));
  batch.forEach((w, i) => {
    const r = results[i]!;
    if (r.wake && wakeError) w.reject(wakeError);
    else w.resolve({ id: r.id, duplicate: r.duplicate });
  });
}

async function insertEvents(deps: Deps, events: CapturedConversion[]): Promise<Array<Result & { wake: boolean }>> {
  const { rows } = await deps.pool.query<{ n: string; id: number; inserted: boolean; offline: boolean }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::float8[], $7::text[])
                WITH ORDINALITY AS x(event_id, conversion_name, occurred_at, customer_external_id, click_id, value, currency, n)),
     inserted AS (
       INSERT INTO conversion_events (event_id, conversion_name, occurred_at, customer_id, customer_external_id, click_id, value, currency, status)
       SELECT i.event_id, i.conversion_name, i.occurred_at, (SELECT c.id FROM customers c WHERE c.external_id = i.customer_external_id),
              i.customer_external_id, i.click_id, i.value, i.currency,
              CASE WHEN (SELECT offline_conversions_enabled FROM paid_configuration WHERE id = 1) THEN 'PENDING'
                   ELSE 'OFFLINE_CONVERSION_DISABLED' END::"DeliveryStatus"
         FROM input i ORDER BY i.n
       ON CONFLICT (event_id) DO NOTHING
       RETURNING id, event_id)
     SELECT i.n, COALESCE(ins.id, e.id) AS id, ins.id IS NOT NULL AS inserted,
            COALESCE((SELECT offline_conversions_enabled FROM paid_configuration WHERE id = 1), false) AS offline
       FROM input i
       LEFT JOIN inserted ins ON ins.event_id = i.event_id
       LEFT JOIN conversion_events e ON ins.id IS NULL AND e.event_id = i.event_id
      ORDER BY i.n`,
    [
      events.map((e) => e.eventId),
      events.map((e) => e.conversionName),
      events.map((e) => e.occurredAt),
      events.map((e) => e.customerExternalId),
      events.map((e) => e.clickId),
      events.map((e) => e.value),
      events.map((e) => e.currency),
    ],
  );
  // the same event id twice in one group: the first is the capture, the second its duplicate
  const seen = new Set<number>();
  return rows.map((row) => {
    const inserted = row.inserted && !seen.has(row.id);
    seen.add(row.id);
    return { id: row.id, duplicate: !inserted, wake: inserted && row.offline };
  });
}

/**
 * How long a woken batcher waits for more captures. Run at once, a steady stream of captures made a
 * job of a few dozen events every 30 ms, and the pipeline's stages, not the network, held the events
 * back for seconds; lingering this long makes a job of several hundred events at 2,000 a second.
 */
export const BATCH_LINGER_MS = 250;

/** At most one batcher run is queued at a time; events captured meanwhile join its batch. */
export async function wakeConversionBatcher(boss: PgBoss, options: { lingerMs?: number } = {}) {
  const lingerMs = options.lingerMs ?? BATCH_LINGER_MS;
  await boss.send(QUEUES.batchConversions, {}, { singletonKey: 'batch-conversions', startAfter: new Date(Date.now() + lingerMs) });
}
