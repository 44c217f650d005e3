// Benchmark 1b: customerTrace(externalId) right after the full audience sync, so the customer's
// audience holds every customer (a million members at full size) and the job's payload rows are
// kept for the memberships; the sync returns once its spare payload rows are discarded, so nothing
// competes for the cores here. One client asks for random customers back to back; p50/p99 over HTTP.
// Floor: the same reads (readCustomerTrace) straight over pg, without GraphQL and HTTP.
import { readCustomerTrace } from '../src/trace/readCustomerTrace.ts';
import { externalIdOf } from './audienceData.ts';
import { percentile, type BenchEnvironment } from './support/environment.ts';

const QUERY = `query($e: String!) { customerTrace(externalId: $e) {
  externalId adConsent segments { id name }
  audiences { audienceName verdict member confirmedAt sentIdentifiers { type hashPrefix } segment { name includesCustomer }
    jobs { id status operation queueItem { id status nextAttemptAt lastError } } rejections { reason } } } }`;

export interface TraceLatencyResult {
  members: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  floorP50Ms: number;
  floorP99Ms: number;
  ratioP99: number;
}

async function timed(requests: number, members: number, ask: (externalId: string) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const externalId = externalIdOf(Math.floor(Math.random() * members));
    const t0 = performance.now();
    await ask(externalId);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

export async function customerTraceLatency(env: BenchEnvironment, members: number, requests = 500): Promise<TraceLatencyResult> {
  const check = await env.ok(QUERY, { e: externalIdOf(0) });
  if (!check.customerTrace.audiences.some((a: { member: boolean }) => a.member)) {
    throw new Error(`expected ${externalIdOf(0)} to be a member after the full sync: ${JSON.stringify(check)}`);
  }
  const times = await timed(requests, members, async (e) => void (await env.ok(QUERY, { e })));
  const floor = await timed(requests, members, async (e) => void (await readCustomerTrace(env.pool, e)));
  const p99Ms = percentile(times, 99);
  const floorP99Ms = percentile(floor, 99);
  return {
    members,
    requests,
    p50Ms: percentile(times, 50),
    p99Ms,
    floorP50Ms: percentile(floor, 50),
    floorP99Ms,
    ratioP99: p99Ms / floorP99Ms,
  };
}
