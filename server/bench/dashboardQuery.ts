// Benchmark 6: the dashboard's job list — syncJobs(first: 50, filter: { syncType }) with the fields
// the web app asks for (totalCount and the SyncJobRow fragment) — with `jobs` jobs in the table
// (inserted with generate_series: setup, not the measured path), p50/p99 under `concurrency` clients
// asking back to back. Floor: the page's SQL (50 rows by the (sync_type, id) index) straight over pg
// under the same load.
import { countCpu } from './support/cpuTime.ts';
import { percentile, type BenchEnvironment } from './support/environment.ts';

const WARMUP_SECONDS = 3;
const TYPES = ['SEGMENT', 'NEXT_BEST_ACTION', 'OFFLINE_CONVERSION', 'CONVERSION_AUDIENCE', 'PII_UPDATE'];

const QUERY = `query SyncJobs($filter: SyncJobFilter, $first: Int!, $after: String) {
  syncJobs(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id status stage destinationType syncType triggeredBy issue group
      destination { id name } segment { id name }
      createdAt startedAt endedAt failureLayer error canRetry dryRun
      recordsTotal recordsAdded recordsRemoved recordsRejected recordsFailed
    } }
  }
}`;

export interface DashboardResult {
  jobs: number;
  concurrency: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  withoutTotalCountP99Ms: number;
  /** the API process's CPU per request while the timed requests (with totalCount) ran: steadier than
   * the latencies when other work shares the machine */
  apiCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  /** the load generator's own (this process): it shares the two cores with what it measures */
  clientCpuMsPerRequest: number;
  floorP50Ms: number;
  floorP99Ms: number;
  ratioP99: number;
}

async function underLoad(concurrency: number, seconds: number, request: (i: number) => Promise<void>) {
  const times: number[] = [];
  const until = performance.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await request(i++);
        times.push(performance.now() - t0);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

export async function dashboardQuery(env: BenchEnvironment, jobs: number, seconds: number, concurrency = 4): Promise<DashboardResult> {
  const { createDestination } = await env.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
    i: { name: 'bench web', type: 'WEB', settings: { url: `${env.sim.url}/web/jobs` } },
  });
  const { rows } = await env.pool.query(`SELECT id FROM destinations ORDER BY id DESC LIMIT 1`);
  const destinationId = rows[0].id as number;
  void createDestination;
  // setup: `jobs` finished jobs, the sync types in turn, created over the last `jobs` seconds. Without
  // their live events: a million NOTIFYs would reach the API at commit, and it would still be reading
  // them while the requests are timed (the counts trigger runs, so totalCount stays exact)
  await env.pool.query('ALTER TABLE sync_jobs DISABLE TRIGGER sync_jobs_notify');
  await env.pool.query(
    `INSERT INTO sync_jobs (status, destination_id, destination_type, sync_type, scope_key, started_at, ended_at,
                            records_total, records_added, created_at, updated_at)
     SELECT 'COMPLETED', $1, 'WEB', (ARRAY[${TYPES.map((t) => `'${t}'`).join(',')}])[1 + g % 5]::"SyncType",
            'bench@' || (g % 100), now() - make_interval(secs => $2 - g), now() - make_interval(secs => $2 - g - 1),
            g % 1000, g % 1000, now() - make_interval(secs => $2 - g), now()
       FROM generate_series(1, $2::int) AS g`,
    [destinationId, jobs],
  );
  await env.pool.query('ALTER TABLE sync_jobs ENABLE TRIGGER sync_jobs_notify');
  await env.pool.query('VACUUM ANALYZE sync_jobs');
  // the setup's million rows written back now, not by the backends serving the timed requests (a
  // query that finds no clean buffer to read into writes a dirty one out first)
  await env.pool.query('CHECKPOINT');

  const ask = (withCount: boolean) => async (i: number) => {
    const query = withCount ? QUERY : QUERY.replace('totalCount', '');
    const result = await env.gql(query, { filter: { syncType: TYPES[i % TYPES.length] }, first: 50 });
    if (result.errors || (result.data as any).syncJobs.edges.length !== 50)
      throw new Error(`syncJobs failed: ${JSON.stringify(result).slice(0, 500)}`);
  };
  // warm-up: each of the API's pooled connections prepares the page's statement and plans it a few
  // times before PostgreSQL keeps a generic plan, and graphql-jit compiles the document on its second
  // run; the steady state is what is timed
  await underLoad(concurrency, WARMUP_SECONDS, ask(true));
  const cpu = countCpu({ api: env.api.pid!, worker: env.worker.pid! });
  const times = await underLoad(concurrency, seconds, ask(true));
  const cpuSeconds = cpu.stop();
  const perRequest = (seconds: number) => Math.round(((seconds * 1000) / times.length) * 100) / 100;
  await underLoad(concurrency, WARMUP_SECONDS, ask(false));
  const withoutCount = await underLoad(concurrency, Math.max(2, seconds / 2), ask(false));
  const floor = await underLoad(concurrency, Math.max(2, seconds / 2), async (i) => {
    await env.pool.query('SELECT * FROM sync_jobs WHERE sync_type = $1 ORDER BY id DESC LIMIT 51', [TYPES[i % TYPES.length]]);
  });
  const p99 = percentile(times, 99);
  return {
    jobs,
    concurrency,
    requests: times.length,
    p50Ms: percentile(times, 50),
    p99Ms: p99,
    withoutTotalCountP99Ms: percentile(withoutCount, 99),
    apiCpuMsPerRequest: perRequest(cpuSeconds.api),
    postgresCpuMsPerRequest: perRequest(cpuSeconds.postgres),
    clientCpuMsPerRequest: perRequest(cpuSeconds.benchAndSimulator),
    floorP50Ms: percentile(floor, 50),
    floorP99Ms: percentile(floor, 99),
    ratioP99: p99 / percentile(floor, 99),
  };
}
