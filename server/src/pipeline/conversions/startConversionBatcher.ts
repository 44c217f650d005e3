// The worker's conversion batcher: runs batchConversions soon after captures commit. Every captured
// event announces itself at commit (the conversion_events trigger's live event, which every process
// LISTENs to), so no capture waits for a queue job of its own: the capture's commit is the wake.
//
// Runs are spaced BATCH_INTERVAL_MS apart, so a steady stream makes one job per interval, not one per
// capture. A NOTIFY missed while the listening connection was down is made up for by a run when it is
// back, and by one at start; the minute's sweep on the batch-conversions queue stays the safety net.
// Two workers batching at once take disjoint events (batchConversions locks them SKIP LOCKED).
import type { LiveEvents } from '../../db/liveEvents.ts';
import type { PipelineContext } from '../pipelineContext.ts';
import { QUEUES } from '../../queue/queues.ts';
import { runStage } from '../runStage.ts';
import { batchConversions } from './batchConversions.ts';

/**
 * The least time between two runs of one worker. Run on every wake, a steady stream of captures made
 * a job of a few dozen events every 30 ms, each job a transaction and a delivery; a run waits out the
 * rest of this interval instead, so at 2,000 a second a job carries about 200 events and an event
 * waits at most this long for its job (it once waited a 250 ms linger, then up to a 500 ms queue poll).
 */
export const BATCH_INTERVAL_MS = 100;

export function startConversionBatcher(ctx: PipelineContext, liveEvents: LiveEvents): () => Promise<void> {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  /** the previous run's jobs' stages */
  let stagesRunning: Promise<unknown> = Promise.resolve();
  let wanted = false;
  let lastRunAt = 0;
  let stopped = false;

  const run = async () => {
    timer = null;
    wanted = false;
    lastRunAt = Date.now();
    let jobIds: number[] = [];
    let backstopIds: string[] = [];
    try {
      const batch = await batchConversions(ctx, { backstopAfterSeconds: ctx.config.heartbeatSeconds });
      ({ jobIds, backstopIds } = batch);
      if (batch.full) {
        wanted = true; // more are waiting already: at once
        lastRunAt = 0;
      }
    } catch (error) {
      ctx.logger.warn('conversion batcher failed; the next capture or the sweep runs it again', { error });
    }
    // the new jobs' stages run here at once (one transaction each, runStage.ts), not after a queue
    // hop; their queued first stage is the backstop, deleted once they ran (a no-op should it come
    // anyway). The next batch is taken while they run, but its stages wait for these: while the
    // stages are the slower part, captures arriving meanwhile make the next job bigger, not the jobs more.
    await stagesRunning;
    stagesRunning = (async () => {
      const ran = await Promise.all(
        jobIds.map((syncJobId) =>
          runStage(ctx, { syncJobId, stage: 'IDENTIFY_PAYLOAD' }, { final: false }).then(
            () => true,
            () => false, // logged by runStage; the backstop runs the stages again
          ),
        ),
      );
      const done = backstopIds.filter((_, i) => ran[i]);
      if (done.length) await ctx.boss.deleteJob(QUEUES.stage, done).catch(() => {});
    })();
  };

  const schedule = () => {
    if (stopped || timer || running || !wanted) return;
    timer = setTimeout(
      () => {
        running = run().finally(() => {
          running = null;
          schedule();
        });
      },
      Math.max(0, lastRunAt + BATCH_INTERVAL_MS - Date.now()),
    );
  };
  const wake = () => {
    wanted = true;
    schedule();
  };

  const offEvents = liveEvents.on('conversionEvent', wake);
  const offReconnect = liveEvents.onReconnect(wake);
  // what was captured before this process listened: once it does, nothing is missed after
  void liveEvents.ready().then(wake);
  return async () => {
    stopped = true;
    offEvents();
    offReconnect();
    if (timer) clearTimeout(timer);
    await running;
    await stagesRunning;
  };
}
