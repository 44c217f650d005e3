// pg-boss in the same PostgreSQL (schema `pgboss`). Every process starts it, since API processes put
// work on it too; only `worker` and `all` processes register handlers and run the schedules.
import { PgBoss } from 'pg-boss';
import type { Logger } from '../logger.ts';
import { createQueues } from './queues.ts';

export interface Queue {
  boss: PgBoss;
  /** stops taking new work, waits for what is in flight (up to `timeoutMs`), closes its pool */
  stop(timeoutMs?: number): Promise<void>;
}

export async function startQueue(options: {
  url: string;
  logger: Logger;
  worker: boolean;
  /** PAIDSYNC_HEARTBEAT_SECONDS and PAIDSYNC_SUPERVISE_SECONDS */
  heartbeatSeconds?: number;
  superviseSeconds?: number;
}): Promise<Queue> {
  const { url, logger, worker } = options;
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    application_name: worker ? 'paidsync-worker' : 'paidsync-api',
    useListenNotify: worker,
    supervise: worker,
    schedule: worker,
    superviseIntervalSeconds: options.superviseSeconds ?? 15,
    monitorIntervalSeconds: 15,
    max: 6,
  });
  boss.on('error', (error) => logger.warn('queue error', { error }));
  boss.on('warning', (warning) => logger.debug('queue warning', { warning: String((warning as { message?: string }).message ?? warning) }));
  await boss.start();
  await createQueues(boss, { heartbeatSeconds: options.heartbeatSeconds });
  return {
    boss,
    async stop(timeoutMs = 30_000) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}
