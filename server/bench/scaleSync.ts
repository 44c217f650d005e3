// `pnpm bench --scale`: does a sync's cost grow in a straight line? In one environment, a full sync of
// `base` members (one segment of everyone), then, with `scale` customers in all, a full sync of a
// second segment of everyone to a second audience: time per million and the worker's peak RSS for
// each. Customers arrive through the API as in benchmark 3; the syncs are timed as in benchmark 1.
import { PerformanceObserver } from 'node:perf_hooks';
import { customerIngest } from './customerIngest.ts';
import { fullAudienceSync, setUpAudience, type FullSyncResult } from './fullAudienceSync.ts';
import { note, type BenchEnvironment } from './support/environment.ts';

export interface ScaleRun {
  members: number;
  seconds: number;
  secondsPerMillion: number;
  workerPeakRssMb: number;
  stages: FullSyncResult['timeline']['stages'];
  deliveries: FullSyncResult['timeline']['deliveries'];
  /** this process's garbage collection during the sync: the simulator, which holds every member it
   * was sent, lives here */
  simulatorGcMs: number;
  simulatorHeapMb: number;
}

export interface ScaleResult {
  runs: [ScaleRun, ScaleRun];
  /** the larger sync's time over the smaller's */
  timeRatio: number;
  sizeRatio: number;
  tables: Array<{ table: string; rows: number; totalMb: number; indexMb: number }>;
}

export async function scaleSync(env: BenchEnvironment, base: number, scale: number): Promise<ScaleResult> {
  const runs: ScaleRun[] = [];
  for (const [index, members] of [base, scale].entries()) {
    note(`scale: customers up to ${members.toLocaleString('en-US')}`);
    await customerIngest(env, members, 2, index === 0 ? 0 : base);
    const setup = await setUpAudience(env, { adAccountId: `777${index}`, name: `everyone ${index}` });
    note(`scale: full sync of ${members.toLocaleString('en-US')}`);
    let gcMs = 0;
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    gc.observe({ entryTypes: ['gc'] });
    const full = await fullAudienceSync(env, setup, members, { floor: false });
    gc.disconnect();
    runs.push({
      members,
      seconds: full.seconds,
      secondsPerMillion: full.seconds / (members / 1e6),
      workerPeakRssMb: full.workerPeakRssMb,
      stages: full.timeline.stages,
      deliveries: full.timeline.deliveries,
      simulatorGcMs: Math.round(gcMs),
      simulatorHeapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    });
    // the simulator lives in this process: the first audience's members, checked above, would stay in
    // its heap through the larger sync, and its collections would slow the simulator's answers there
    env.sim.simulator.state.facebook.audiences.get(setup.audienceId())!.members.clear();
    (globalThis as { gc?: () => void }).gc?.();
  }
  // what a user would size their PostgreSQL by: the tables a sync writes, after both syncs
  await env.pool.query('ANALYZE customers, memberships, sync_payloads, queue_items');
  const { rows } = await env.pool.query<{ table: string; rows: string; total: string; index: string }>(
    `SELECT c.relname AS table, c.reltuples::bigint AS rows, pg_total_relation_size(c.oid) AS total, pg_indexes_size(c.oid) AS index
       FROM pg_class c WHERE c.relname IN ('customers', 'memberships', 'sync_payloads', 'queue_items') ORDER BY c.relname`,
  );
  const tables = rows.map((r) => ({
    table: r.table,
    rows: Number(r.rows),
    totalMb: Math.round(Number(r.total) / 2 ** 20),
    indexMb: Math.round(Number(r.index) / 2 ** 20),
  }));
  return { runs: runs as [ScaleRun, ScaleRun], timeRatio: runs[1]!.seconds / runs[0]!.seconds, sizeRatio: scale / base, tables };
}
