// Live events across processes: triggers on sync_jobs and queue_items NOTIFY `paidsync_events` at
// commit (see the init migration), and every API process LISTENs here and fans the events out to its
// own subscribers. A lost connection is re-established with backoff; subscribers just keep waiting.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../logger.ts';

export const EVENTS_CHANNEL = 'paidsync_events';
const RECONNECTED = Symbol('reconnected');

export type LiveEvent =
  | { kind: 'syncJob'; id: number }
  | { kind: 'queueItem'; id: number; syncJobId: number }
  | { kind: 'apiCall'; id: number; destinationId: number; syncJobId: number | null }
  | { kind: 'conversionEvent'; id: number }
  | { kind: 'apiKeyRevoked'; id: number };

export interface LiveEvents {
  on<K extends LiveEvent['kind']>(kind: K, listener: (event: Extract<LiveEvent, { kind: K }>) => void): () => void;
  /** resolves once LISTEN is active, so a test can commit a change knowing it will be seen */
  ready(): Promise<void>;
  /** called each time LISTEN is active again after its connection was lost: NOTIFYs sent meanwhile are gone */
  onReconnect(listener: () => void): () => void;
  /** hands an event to this process's listeners only (one found by other means than a NOTIFY) */
  emitLocally(event: LiveEvent): void;
  close(): Promise<void>;
}

export function startLiveEvents(options: { url: string; logger: Logger }): LiveEvents {
  const { url, logger } = options;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | null = null;
  let closed = false;
  let everConnected = false;
  let readyResolve!: () => void;
  let readyPromise = new Promise<void>((r) => (readyResolve = r));

  const connect = async (attempt = 0): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (message) => {
      if (!message.payload) return;
      try {
        const event = JSON.parse(message.payload) as LiveEvent;
        emitter.emit(event.kind, event);
      } catch {
        logger.warn('malformed live event ignored');
      }
    });
    c.on('error', (error) => logger.warn('live events connection error', { error }));
    c.on('end', () => {
      // only the live connection's loss starts a new loop; a failed attempt's end is retried by its catch
      if (closed || client !== c) return;
      client = null;
      readyPromise = new Promise<void>((r) => (readyResolve = r));
      setTimeout(() => void connect(0), 200);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      const again = everConnected;
      client = c;
      everConnected = true;
      readyResolve();
      if (attempt > 0) logger.info('live events reconnected');
      if (again) emitter.emit(RECONNECTED);
    } catch (error) {
      await c.end().catch(() => {});
      if (closed) return;
      const delay = Math.min(5000, 100 * 2 ** attempt);
      if (attempt % 10 === 0) logger.warn('live events cannot connect; retrying', { error, delayMs: delay });
      setTimeout(() => void connect(attempt + 1), delay);
    }
  };
  void connect();

  return {
    on(kind, listener) {
      emitter.on(kind, listener as never);
      return () => emitter.off(kind, listener as never);
    },
    ready: () => readyPromise,
    onReconnect(listener) {
      emitter.on(RECONNECTED, listener);
      return () => emitter.off(RECONNECTED, listener);
    },
    emitLocally(event) {
      emitter.emit(event.kind, event);
    },
    async close() {
      closed = true;
      readyResolve();
      await client?.end().catch(() => {});
    },
  };
}

/** Announces an event from code (e.g. key revocation); table changes announce themselves. */
export async function publishLiveEvent(db: { query: pg.Pool['query'] }, event: LiveEvent) {
  await db.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(event)]);
}
