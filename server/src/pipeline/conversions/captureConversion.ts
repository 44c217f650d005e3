// capturePaidResponse: the event is durable (committed) before the call returns; a second capture
// with the same event id changes nothing and says so. When offline conversions are enabled the
// worker's batcher hands it to a job: the commit's live event wakes it (startConversionBatcher.ts),
// so the capture needs no second statement; a capture made while they are disabled is kept with the
// status OFFLINE_CONVERSION_DISABLED, which no batcher takes (seeds/000: a job is created only when
// the capture runs while offline conversion is enabled); pushHistoricalConversions can send it.
//
// Captures arriving together share one INSERT (one commit): while one statement is in flight, the
// captures that arrive queue up and go in the next. Every commit of a capture also NOTIFYs (the live
// conversion events), and PostgreSQL serialises notifying commits, WAL flush included, so one commit
// per capture capped the rate at a few hundred a second; grouped, each caller still gets its answer
// only once its own row is committed.
import type pg from 'pg';

export interface CapturedConversion {
  eventId: string;
  conversionName: string;
  occurredAt: Date;
  customerExternalId: string | null;
  clickId: string | null;
  value: number | null;
  currency: string | null;
}

type Deps = { pool: pg.Pool };
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
      let results: Result[];
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
          await insertEvents(deps, [w.event]).then(([r]) => w.resolve(r!), w.reject);
        }
        continue;
      }
      batch.forEach((w, i) => w.resolve(results[i]!));
    }
  } finally {
    group.running = false;
  }
}

async function insertEvents(deps: Deps, events: CapturedConversion[]): Promise<Result[]> {
  const { rows } = await deps.pool.query<{ n: string; id: number; inserted: boolean }>({
    // prepared: planned once per connection, not at every group of captures
    name: 'captureConversions',
    text: `WITH input AS (
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
     SELECT i.n, COALESCE(ins.id, e.id) AS id, ins.id IS NOT NULL AS inserted
       FROM input i
       LEFT JOIN inserted ins ON ins.event_id = i.event_id
       LEFT JOIN conversion_events e ON ins.id IS NULL AND e.event_id = i.event_id
      ORDER BY i.n`,
    values: [
      events.map((e) => e.eventId),
      events.map((e) => e.conversionName),
      events.map((e) => e.occurredAt),
      events.map((e) => e.customerExternalId),
      events.map((e) => e.clickId),
      events.map((e) => e.value),
      events.map((e) => e.currency),
    ],
  });
  // the same event id twice in one group: the first is the capture, the second its duplicate
  const seen = new Set<number>();
  return rows.map((row) => {
    const inserted = row.inserted && !seen.has(row.id);
    seen.add(row.id);
    return { id: row.id, duplicate: !inserted };
  });
}
