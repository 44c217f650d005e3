// A revocation reaches other API processes as a NOTIFY, and a NOTIFY sent while a process's LISTEN
// connection is down is lost: that key's live subscriptions would stream on. So each API process
// also asks the database which keys were revoked since it last asked, after every LISTEN reconnect
// and every 30 s, and hands those revocations to its own listeners (the key cache, every live
// subscription of the key) as if the NOTIFY had arrived. Seeing one twice is harmless.
import type pg from 'pg';
import type { LiveEvents } from '../db/liveEvents.ts';
import type { Logger } from '../logger.ts';

export const REVOCATION_CHECK_MS = 30_000;

export function watchRevocations(options: { pool: pg.Pool; liveEvents: LiveEvents; logger: Logger; everyMs?: number }): { stop(): void } {
  const { pool, liveEvents, logger } = options;
  let since: Date | null = null; // the database's clock at the last check
  let running: Promise<void> | null = null;
  const check = () => {
    running ??= (async () => {
      try {
        if (!since) {
          // the first check only sets the mark: subscriptions authenticate when they start
          since = (await pool.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
          return;
        }
        // revoked_at comes from the revoking process's clock: a margin covers the skew between them
        const { rows } = await pool.query<{ id: number | null; checked_at: Date }>(
          `SELECT k.id, t.checked_at FROM (SELECT now() AS checked_at) t
             LEFT JOIN api_keys k ON k.revoked_at >= $1::timestamptz - interval '5 minutes'`,
          [since],
        );
        for (const row of rows) if (row.id !== null) liveEvents.emitLocally({ kind: 'apiKeyRevoked', id: row.id });
        since = rows[0]!.checked_at;
      } catch (error) {
        logger.warn('revoked keys could not be checked; trying again later', { error });
      } finally {
        running = null;
      }
    })();
    return running;
  };
  void check();
  const timer = setInterval(() => void check(), options.everyMs ?? REVOCATION_CHECK_MS);
  timer.unref();
  const offReconnect = liveEvents.onReconnect(() => void check());
  return {
    stop() {
      clearInterval(timer);
      offReconnect();
    },
  };
}
