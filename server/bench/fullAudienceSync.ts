// Benchmark 1: a segment of every customer synced to the simulated Facebook (batches of 10,000) until
// COMPLETED, timed from triggerSegmentSync to the job's COMPLETED, with the worker's RSS sampled
// throughout. Floor: floors/hashAndCopyFloor.ts for the same number of customers.
import { customerOf } from './audienceData.ts';
import { hashAndCopyFloor, type SyncFloor } from './floors/hashAndCopyFloor.ts';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { memoryOf, sampleRss, waitForJob, type BenchEnvironment } from './support/environment.ts';
import { countCpu, type CpuSeconds } from './support/cpuTime.ts';
import { stageTimeline, type StageTimeline } from './support/stageTimeline.ts';
import { watchJobEvents } from './support/jobEvents.ts';
import { waitForDiscardedRows } from './support/discardedRows.ts';

/** the bench destination's `concurrency`: requests in flight at once, and the floor's POST loops */
export const DESTINATION_CONCURRENCY = 8;

export interface AudienceSetup {
  destinationId: string;
  segmentId: string;
  audienceId: () => string;
}

export interface FullSyncResult {
  members: number;
  seconds: number;
  /** null when the run was asked for no floor (the scale run) */
  floor: SyncFloor | null;
  ratio: number;
  workerPeakRssMb: number;
  workerRssBeforeMb: number;
  simulatorMembers: number;
  job: Record<string, unknown>;
  timeline: StageTimeline;
  cpuSeconds: CpuSeconds;
}

export async function setUpAudience(env: BenchEnvironment, options: { adAccountId?: string; name?: string } = {}): Promise<AudienceSetup> {
  const adAccountId = options.adAccountId ?? '1234';
  const { createDestination } = await env.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
    i: {
      name: `bench facebook ${adAccountId}`,
      type: 'FACEBOOK_ADS',
      settings: {
        apiBaseUrl: `${env.sim.url}/facebook`,
        adAccountId,
        pixelId: '555',
        batchSize: 10_000,
        requestsPerSecond: 10_000,
        concurrency: DESTINATION_CONCURRENCY,
      },
      credentials: { accessToken: 'bench-token' },
    },
  });
  const { createSegment } = await env.ok(`mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }`, {
    i: { name: options.name ?? 'everyone', paidSyncEnabled: true, destinationIds: [createDestination.id], criteria: { all: [] } },
  });
  return {
    destinationId: createDestination.id,
    segmentId: createSegment.id,
    audienceId() {
      const audiences = [...env.sim.simulator.state.facebook.audiences.values()].filter((a) => a.adAccountId === adAccountId);
      if (audiences.length !== 1) throw new Error(`expected one audience in the simulator, found ${audiences.length}`);
      return audiences[0]!.id;
    },
  };
}

/** Timed from sending the trigger to receiving the job's COMPLETED event (or, if the event was
 * missed, to the poll that saw it). */
export async function triggerAndWait(env: BenchEnvironment, segmentId: string, timeoutMs: number) {
  const events = await watchJobEvents(env);
  try {
    const started = performance.now();
    const { triggerSegmentSync } = await env.ok(`mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }`, { s: segmentId });
    if (triggerSegmentSync.length !== 1) throw new Error(`expected one job, got ${JSON.stringify(triggerSegmentSync)}`);
    const id = triggerSegmentSync[0].id as string;
    const job = await waitForJob(env, id, timeoutMs);
    const ended = events.firstSeen(id, 'COMPLETED') ?? performance.now();
    if (job.status !== 'COMPLETED') throw new Error(`the sync ended ${job.status}: ${JSON.stringify(job)}`);
    return { job, seconds: (ended - started) / 1000 };
  } finally {
    events.close();
  }
}

export async function fullAudienceSync(
  env: BenchEnvironment,
  setup: AudienceSetup,
  n: number,
  options: { floor: boolean } = { floor: true },
): Promise<FullSyncResult> {
  const workerRssBeforeMb = memoryOf(env.worker.pid!).rssMb;
  const rss = sampleRss(env.worker.pid!, 50);
  const cpu = countCpu({ worker: env.worker.pid!, api: env.api.pid! });
  const { job, seconds } = await triggerAndWait(env, setup.segmentId, 600_000);
  const cpuSeconds = cpu.stop();
  const workerPeakRssMb = rss.stop();
  const audience = env.sim.simulator.state.facebook.audiences.get(setup.audienceId())!;
  if (audience.members.size !== n || job.recordsAdded !== n) {
    throw new Error(`expected ${n} members; the simulator has ${audience.members.size}, the job says ${job.recordsAdded} added`);
  }
  const timeline = await stageTimeline(env.pool, Number(decodeGlobalID(String(job.id)).id));
  // what runs next (the floor, then customerTrace) has the machine as quiet as the sync had it
  await waitForDiscardedRows(env);
  const floor = options.floor ? await hashAndCopyFloor(env.pool, env.sim.url, n, customerOf, DESTINATION_CONCURRENCY) : null;
  return {
    members: n,
    seconds,
    floor,
    ratio: floor ? seconds / (floor.totalMs / 1000) : NaN,
    workerPeakRssMb,
    workerRssBeforeMb,
    simulatorMembers: audience.members.size,
    job,
    timeline,
    cpuSeconds,
  };
}
