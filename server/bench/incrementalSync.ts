// Benchmark 2: 1% churn after the full sync (benchmark 1), then sync again. Churn is set up through
// the API: `churn` customers withdraw their ad consent (so they must leave the audience) and `churn`
// new customers arrive (so they must join). Timed from triggerSegmentSync to COMPLETED.
// Floor: the same hardware floor as benchmark 1 for the 2 × churn records that change.
import { customerOf, externalIdOf, UPSERT } from './audienceData.ts';
import { hashAndCopyFloor, type SyncFloor } from './floors/hashAndCopyFloor.ts';
import { DESTINATION_CONCURRENCY, triggerAndWait, type AudienceSetup } from './fullAudienceSync.ts';
import type { BenchEnvironment } from './support/environment.ts';
import { waitForDiscardedRows } from './support/discardedRows.ts';

export interface IncrementalResult {
  removed: number;
  added: number;
  seconds: number;
  floor: SyncFloor;
  ratio: number;
  job: Record<string, unknown>;
}

export async function incrementalSync(env: BenchEnvironment, setup: AudienceSetup, n: number): Promise<IncrementalResult> {
  const churn = Math.round(n / 100);
  for (let from = 0; from < churn; from += 10_000) {
    const leaving = [];
    const joining = [];
    for (let i = from; i < Math.min(churn, from + 10_000); i++) {
      leaving.push({ externalId: externalIdOf(i), adConsent: false });
      joining.push(customerOf(n + i));
    }
    await env.ok(UPSERT, { c: leaving });
    await env.ok(UPSERT, { c: joining });
  }
  const { job, seconds } = await triggerAndWait(env, setup.segmentId, 120_000);
  const audience = env.sim.simulator.state.facebook.audiences.get(setup.audienceId())!;
  if (job.recordsAdded !== churn || job.recordsRemoved !== churn || audience.members.size !== n) {
    throw new Error(`expected +${churn} −${churn} and ${n} members; job ${JSON.stringify(job)}, simulator ${audience.members.size}`);
  }
  await waitForDiscardedRows(env);
  const floor = await hashAndCopyFloor(env.pool, env.sim.url, 2 * churn, (i) => customerOf(n + i), DESTINATION_CONCURRENCY);
  return { removed: churn, added: churn, seconds, floor, ratio: seconds / (floor.totalMs / 1000), job };
}
