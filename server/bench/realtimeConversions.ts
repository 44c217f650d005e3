// Benchmark 4: capturePaidResponse from a separate load process at a fixed rate; latency from the
// moment the load process sent the mutation to the moment the simulated Conversions API received the
// event, and a check that every event arrived exactly once.
// Floor: per event, one committed single-row INSERT plus one POST of it to the simulator, in sequence.
// The measured seconds follow a warm-up of WARMUP_SECONDS whose rate rises to the full one: its events
// are checked like the others (none lost or doubled) but their latency is reported apart, since it is
// a freshly started server's (V8 not yet optimising, connections opening), about 3 s of stall.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { conversionBreakdown, conversionStageMeans, type ConversionBreakdown } from './support/conversionBreakdown.ts';
import { countCpu, ticksOf, type CpuSeconds } from './support/cpuTime.ts';
import { percentile, resultsDir, serverDir, sleep, type BenchEnvironment } from './support/environment.ts';

const WARMUP_SECONDS = 5;

export interface ConversionsResult {
  rate: number;
  seconds: number;
  sent: number;
  captured: number;
  captureFailures: number;
  achievedPerSecond: number;
  delivered: number;
  missing: number;
  duplicated: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  captureP50Ms: number;
  captureP99Ms: number;
  floorP50Ms: number;
  floorP99Ms: number;
  ratioP99: number;
  /** the warm-up's events (checked for loss and doubling with the others) and their latency */
  warmup: { seconds: number; sent: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** where the time went, per segment of an event's way (see support/conversionBreakdown.ts) */
  breakdown: ConversionBreakdown;
  stageMeans: Awaited<ReturnType<typeof conversionStageMeans>>;
  /** from the first send to the last delivery (PostgreSQL: every backend on the server, other databases' too) */
  cpuSeconds: CpuSeconds;
  /** CPU seconds of this benchmark database's own PostgreSQL backends (those connected at its start or end) */
  postgresOwnCpuSeconds: number;
}

export async function realtimeConversions(env: BenchEnvironment, rate: number, seconds: number): Promise<ConversionsResult> {
  const { createDestination } = await env.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
    i: {
      name: 'bench capi',
      type: 'FACEBOOK_ADS',
      settings: { apiBaseUrl: `${env.sim.url}/facebook`, adAccountId: '4321', pixelId: '555', requestsPerSecond: 10_000 },
      credentials: { accessToken: 'bench-token' },
    },
  });
  await env.ok(`mutation($i: PaidConfigurationInput!) { updatePaidConfiguration(input: $i) { offlineConversionsEnabled } }`, {
    i: { offlineConversionsEnabled: true, conversionDestinationIds: [createDestination.id] },
  });
  const prefix = `ev${Date.now()}`;
  const out = path.join(resultsDir, `conversion-load-${prefix}.tsv`);
  const cpu = countCpu({ worker: env.worker.pid!, api: env.api.pid! });
  const ownBackends = async () =>
    (await env.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
  const backendTicks = new Map((await ownBackends()).map((pid) => [pid, ticksOf(pid)]));
  const load = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/support/conversionLoad.ts',
      JSON.stringify({ url: env.url, key: env.adminKey, rate, seconds, warmupSeconds: WARMUP_SECONDS, prefix, out }),
    ],
    { cwd: serverDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let summary = '';
  load.stdout!.on('data', (c: Buffer) => (summary += c.toString()));
  const code = await new Promise<number | null>((resolve) => load.once('exit', resolve));
  if (code !== 0) throw new Error(`the load process failed (${code})`);
  const loadSummary = JSON.parse(summary.trim()) as {
    total: number;
    sendingSeconds: number;
    failures: number;
    maxInFlight: number;
    firstError: string | null;
  };
  if (loadSummary.firstError) console.warn(`capturePaidResponse refused (first of ${loadSummary.failures}): ${loadSummary.firstError}`);

  const all = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [eventId, sentAt, ackMs, ok, warm] = line.split('\t');
      return { eventId: eventId!, sentAt: Number(sentAt), ackMs: Number(ackMs), ok: ok === '1', warm: warm === '1' };
    });
  const sent = all.filter((s) => !s.warm);
  const warmCaptured = all.filter((s) => s.warm && s.ok);
  const captured = sent.filter((s) => s.ok);
  // wait for the last deliveries
  const fb = env.sim.simulator.state.facebook;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && [...warmCaptured, ...captured].some((s) => !fb.eventIdsReceived.has(s.eventId))) await sleep(100);
  const cpuSeconds = cpu.stop();
  let ownTicks = 0;
  for (const pid of new Set([...backendTicks.keys(), ...(await ownBackends())])) {
    const now = ticksOf(pid); // 0: the backend ended meanwhile, its ticks are gone
    if (now) ownTicks += now - (backendTicks.get(pid) ?? 0);
  }
  const postgresOwnCpuSeconds = Math.round(ownTicks) / 100;
  await sleep(500); // a late duplicate would show up here

  const receivedAt = new Map<string, number>();
  for (const e of fb.events) if (typeof e.event.event_id === 'string') receivedAt.set(e.event.event_id, e.receivedAt);
  const latencies: number[] = [];
  let missing = 0;
  let duplicated = 0;
  const warmLatencies: number[] = [];
  for (const s of [...warmCaptured, ...captured]) {
    const times = fb.eventIdsReceived.get(s.eventId) ?? 0;
    if (times === 0) missing++;
    if (times > 1) duplicated++;
    const at = receivedAt.get(s.eventId);
    if (at !== undefined) (s.warm ? warmLatencies : latencies).push(at - s.sentAt);
  }
  warmLatencies.sort((a, b) => a - b);
  if (missing > 0) {
    // where the undelivered events stand, so a loss can be told from a slow tail
    const q = async (sql: string) => JSON.stringify((await env.pool.query(sql)).rows);
    console.warn(
      `conversions: ${missing} events not delivered; events by status: ${await q(
        'SELECT status, sync_job_id IS NULL AS unassigned, count(*)::int AS n FROM conversion_events GROUP BY 1, 2',
      )}; jobs: ${await q('SELECT sync_type, status, stage, count(*)::int AS n FROM sync_jobs GROUP BY 1, 2, 3')}; items: ${await q(
        'SELECT operation, status, count(*)::int AS n FROM queue_items GROUP BY 1, 2',
      )}; stage queue: ${await q("SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'sync-stage' GROUP BY 1")}`,
    );
  }
  const breakdown = await conversionBreakdown(
    env.pool,
    captured.flatMap((s) => {
      const at = receivedAt.get(s.eventId);
      return at === undefined ? [] : [{ eventId: s.eventId, sentAt: s.sentAt, receivedAt: at }];
    }),
  );
  const stageMeans = await conversionStageMeans(env.pool);
  latencies.sort((a, b) => a - b);
  const acks = captured.map((s) => s.ackMs).sort((a, b) => a - b);
  const floor = await conversionFloor(env, 300);
  const p99 = percentile(latencies, 99);
  return {
    rate,
    seconds,
    sent: sent.length,
    captured: captured.length,
    captureFailures: loadSummary.failures,
    // sustained: captures acknowledged per second, from the first sent to the last answered
    achievedPerSecond:
      captured.length /
      ((sent.reduce((m, s) => Math.max(m, s.sentAt + s.ackMs), 0) - sent.reduce((m, s) => Math.min(m, s.sentAt), Infinity)) / 1000),
    delivered: latencies.length,
    missing,
    duplicated,
    p50Ms: percentile(latencies, 50),
    p99Ms: p99,
    maxMs: latencies[latencies.length - 1] ?? NaN,
    captureP50Ms: percentile(acks, 50),
    captureP99Ms: percentile(acks, 99),
    floorP50Ms: floor.p50,
    floorP99Ms: floor.p99,
    ratioP99: p99 / floor.p99,
    warmup: {
      seconds: WARMUP_SECONDS,
      sent: all.length - sent.length,
      p50Ms: percentile(warmLatencies, 50),
      p99Ms: percentile(warmLatencies, 99),
      maxMs: warmLatencies[warmLatencies.length - 1] ?? NaN,
    },
    breakdown,
    stageMeans,
    cpuSeconds,
    postgresOwnCpuSeconds,
  };
}

async function conversionFloor(env: BenchEnvironment, n: number) {
  await env.pool.query('CREATE TABLE IF NOT EXISTS bench_floor_events (event_id text, occurred_at timestamptz, value float8)');
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await env.pool.query('INSERT INTO bench_floor_events VALUES ($1, now(), 10)', [`floor-${i}`]);
    const response = await fetch(`${env.sim.url}/facebook/v27.0/556/events?access_token=floor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        data: [
          {
            event_name: 'Purchase',
            event_time: Math.floor(Date.now() / 1000),
            event_id: `floor-${i}`,
            action_source: 'system_generated',
            user_data: { fbc: `fb.1.${Date.now()}.x${i}` },
          },
        ],
      }),
    });
    await response.arrayBuffer();
    times.push(performance.now() - t0);
  }
  await env.pool.query('DROP TABLE bench_floor_events');
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}
