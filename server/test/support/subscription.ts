// A graphql-ws subscription seen from a test: every payload it received, a way to wait for one that
// matches (with a timeout, never a fixed sleep), and how it ended.
import type { Client } from 'graphql-ws';
import type pg from 'pg';
import type { LiveEvent, LiveEvents } from '../../src/db/liveEvents.ts';

export interface Received<T = any> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

export interface Ending {
  /** the errors the server ended the subscription with, or the close event of a refused socket */
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
  closeCode?: number;
  completed?: boolean;
}

export interface Subscription<T = any> {
  received: Received<T>[];
  /** resolves with the first payload (already received or still to come) that matches */
  next(matches: (payload: Received<T>) => boolean, what: string, timeoutMs?: number): Promise<Received<T>>;
  /** resolves when the server ends the subscription (error, completion or closed socket) */
  ended(timeoutMs?: number): Promise<Ending>;
  unsubscribe(): void;
}

export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Subscription<T> {
  const received: Received<T>[] = [];
  const waiters = new Set<{ matches: (p: Received<T>) => boolean; resolve: (p: Received<T>) => void }>();
  let resolveEnded!: (ending: Ending) => void;
  const endedPromise = new Promise<Ending>((resolve) => (resolveEnded = resolve));
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next(payload) {
        received.push(payload as Received<T>);
        for (const waiter of waiters) {
          if (waiter.matches(payload as Received<T>)) {
            waiters.delete(waiter);
            waiter.resolve(payload as Received<T>);
          }
        }
      },
      error(error) {
        if (Array.isArray(error)) resolveEnded({ errors: error as Ending['errors'] });
        else if (error && typeof (error as { code?: unknown }).code === 'number')
          resolveEnded({ closeCode: (error as { code: number }).code });
        else resolveEnded({ errors: [{ message: String((error as Error)?.message ?? error) }] });
      },
      complete() {
        resolveEnded({ completed: true });
      },
    },
  );
  const withTimeout = <R>(promise: Promise<R>, timeoutMs: number, what: string) =>
    new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  return {
    received,
    next(matches, what, timeoutMs = 10_000) {
      const already = received.find(matches);
      if (already) return Promise.resolve(already);
      let waiter!: { matches: (p: Received<T>) => boolean; resolve: (p: Received<T>) => void };
      const promise = new Promise<Received<T>>((resolve) => {
        waiter = { matches, resolve };
        waiters.add(waiter);
      });
      return withTimeout(promise, timeoutMs, what).finally(() => waiters.delete(waiter));
    },
    ended(timeoutMs = 10_000) {
      return withTimeout(endedPromise, timeoutMs, 'the subscription to end');
    },
    unsubscribe,
  };
}

/**
 * Makes changes until the subscription has seen one, so a test knows the server has the
 * subscription registered before it makes the change it is about. `poke` must cause an event that
 * `isProbe` recognises.
 */
export async function untilListening<T>(
  subscription: Subscription<T>,
  poke: () => Promise<unknown>,
  isProbe: (payload: Received<T>) => boolean,
  timeoutMs = 10_000,
) {
  const seen = subscription.next(isProbe, 'the subscription to see a probe change', timeoutMs);
  let done = false;
  void seen.then(
    () => (done = true),
    () => (done = true),
  );
  // a change every 50 ms until one arrives: this is waiting for readiness, not a timed assertion
  while (!done) {
    await poke();
    await Promise.race([seen.catch(() => undefined), new Promise((r) => setTimeout(r, 50))]);
  }
  await seen;
}

/**
 * A sync job to watch `syncJobUpdated` with: `poke()` changes it (its recordsTotal goes up by one),
 * `isProbe` tells its updates apart.
 */
export async function syncJobProbe(db: { query: pg.Client['query'] }, name: string) {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO destinations (name, type, settings) VALUES ($1, 'DMP', '{"directory":"/tmp/x"}') RETURNING id`,
    [name],
  );
  const { rows: jobs } = await db.query<{ id: number }>(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'DMP', 'SEGMENT', 'probe') RETURNING id`,
    [rows[0]!.id],
  );
  const id = jobs[0]!.id;
  return {
    id,
    poke: () => db.query('UPDATE sync_jobs SET records_total = records_total + 1 WHERE id = $1', [id]),
    isProbe: (p: { data?: any }) => p.data?.syncJobUpdated?.recordsTotal !== undefined,
  };
}

/**
 * Resolves once the server registers its next listener of live events of `kind`: a subscription
 * made after this call is then known to be listening, with no probe change and no fixed sleep.
 */
export function listenerAdded(liveEvents: LiveEvents, kind: LiveEvent['kind'], timeoutMs = 10_000): Promise<void> {
  const on = liveEvents.on;
  const added = new Promise<void>((resolve) => {
    liveEvents.on = ((k: LiveEvent['kind'], listener: (event: never) => void) => {
      const off = on.call(liveEvents, k as never, listener as never);
      if (k === kind) {
        liveEvents.on = on;
        resolve();
      }
      return off;
    }) as LiveEvents['on'];
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`expected a listener of ${kind} events within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  return Promise.race([added, timeout]).finally(() => (liveEvents.on = on));
}
