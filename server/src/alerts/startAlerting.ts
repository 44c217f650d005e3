// The worker side of alerts and lifecycle webhooks: dispatchNotifications runs every minute (the
// windowed rules, and any event a lost wake-up left behind) and soon after any job changes (the
// live-event hint every process gets from PostgreSQL), at most one run queued at a time. The
// windowed rules are evaluated at most every 5 s per process; a run that skips them queues one for
// when they are due, so a job's last event is still followed by an evaluation.
import type { LiveEvents } from '../db/liveEvents.ts';
import type { PipelineContext } from '../pipeline/pipelineContext.ts';
import { dispatchNotifications } from './dispatchNotifications.ts';

export const DISPATCH_QUEUE = 'dispatch-notifications';
const WAKE_AFTER_MS = 200;
const WINDOWED_EVERY_MS = 5_000;

export async function startAlerting(options: { ctx: PipelineContext; liveEvents: LiveEvents }): Promise<() => Promise<void>> {
  const { ctx, liveEvents } = options;
  const { boss } = ctx;
  await boss.createQueue(DISPATCH_QUEUE, { policy: 'short', retryLimit: 3, retryDelay: 2, expireInSeconds: 600 });
  let windowedAt = 0;
  await boss.work(DISPATCH_QUEUE, { pollingIntervalSeconds: 0.5 }, async () => {
    // the windowed conditions read recent jobs: at most every WINDOWED_EVERY_MS per process, however busy
    const windowed = Date.now() - windowedAt >= WINDOWED_EVERY_MS;
    if (windowed) windowedAt = Date.now();
    else
      await boss.send(
        DISPATCH_QUEUE,
        {},
        { singletonKey: 'windowed', startAfter: Math.ceil((windowedAt + WINDOWED_EVERY_MS - Date.now()) / 1000) },
      );
    const { queued, more } = await dispatchNotifications(ctx, { windowed });
    if (queued) ctx.logger.info('notifications queued', { queued });
    if (more) await wake();
  });
  await boss.schedule(DISPATCH_QUEUE, '* * * * *', {}, { key: 'sweep' });
  let timer: NodeJS.Timeout | null = null;
  const wake = async () => void (await boss.send(DISPATCH_QUEUE, {}, { singletonKey: 'wake' }));
  const off = liveEvents.on('syncJob', () => {
    timer ??= setTimeout(() => {
      timer = null;
      wake().catch((error) => ctx.logger.warn('could not wake the notification dispatcher', { error: String(error) }));
    }, WAKE_AFTER_MS);
  });
  return async () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
