// The LISTEN connection of live events, through a TCP relay the test can cut: while the database is
// unreachable it retries one attempt at a time (a failed attempt is not retried twice, which would
// double the attempts with every failure and leave several LISTEN sessions, and duplicate events,
// once the database is back); when it is back, events flow again, each once.
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { EVENTS_CHANNEL, startLiveEvents, type LiveEvents } from './liveEvents.ts';

let database: TestDatabase;
let relay: net.Server;
let relayUrl: string;
let mode: 'refuse' | 'forward' = 'refuse';
let attempts = 0;
const attemptWaiters: Array<{ n: number; resolve: () => void }> = [];
const open = new Set<net.Socket>();

function waitForAttempts(n: number, timeoutMs = 15_000) {
  if (attempts >= n) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} connection attempts (saw ${attempts})`)), timeoutMs);
    attemptWaiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(database.url);
  relay = net.createServer((socket) => {
    attempts++;
    for (const waiter of attemptWaiters.filter((w) => attempts >= w.n)) {
      attemptWaiters.splice(attemptWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    if (mode === 'refuse') {
      socket.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    open.add(socket);
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      open.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = new URL(database.url);
  url.hostname = '127.0.0.1';
  url.port = String((relay.address() as net.AddressInfo).port);
  relayUrl = url.toString();
});
afterAll(async () => {
  for (const socket of open) socket.destroy();
  await new Promise<void>((resolve) => relay?.close(() => resolve()));
  await database?.drop();
});

describe('live events while the database is unreachable', () => {
  it('retry one attempt at a time, then deliver each event once', async () => {
    const lines: string[] = [];
    const events: LiveEvents = startLiveEvents({
      url: relayUrl,
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    });
    try {
      // five refused attempts: with one retry per failure these are attempts 0..4 of one loop
      await waitForAttempts(5);
      const gaveUpLoops = lines.filter((line) => line.includes('cannot connect')).length;
      expect(gaveUpLoops, 'one retry loop: only its first attempt (attempt 0) logs, not every failure starting a new loop').toBe(1);

      mode = 'forward';
      const seen: number[] = [];
      events.on('syncJob', (event) => seen.push(event.id));
      await events.ready();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify({ kind: 'syncJob', id: 1 })]);
        await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify({ kind: 'syncJob', id: 2 })]);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out waiting for the events (saw ${JSON.stringify(seen)})`)), 10_000);
          const check = events.on('syncJob', () => {
            if (seen.includes(2)) {
              clearTimeout(timer);
              check();
              resolve();
            }
          });
        });
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
        );
        expect(Number(rows[0]!.n), 'one LISTEN session').toBe(1);
        expect(seen.slice(0, 2), 'the events arrived in order').toEqual([1, 2]);
      } finally {
        await client.end();
      }
    } finally {
      await events.close();
    }
  });

  it('come back after the live connection is cut, and deliver each event once', async () => {
    mode = 'forward';
    const events: LiveEvents = startLiveEvents({ url: relayUrl, logger: createLogger({ level: 'error' }) });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await events.ready();
      const seen: number[] = [];
      events.on('queueItem', (event) => seen.push(event.id));
      const before = attempts;
      for (const socket of open) socket.destroy(); // the network drops the LISTEN connection
      await waitForAttempts(before + 1);
      await events.ready();
      // notify until the new LISTEN session hears it: waiting for readiness, not a timed assertion
      let n = 100;
      while (!seen.length) {
        await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify({ kind: 'queueItem', id: ++n, syncJobId: 1 })]);
        await new Promise((r) => setTimeout(r, 50));
        expect(n, 'events flow again within 200 notifications').toBeLessThan(300);
      }
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      expect(Number(rows[0]!.n), 'one LISTEN session after the reconnection').toBe(1);
      expect(new Set(seen).size, 'no event was delivered twice').toBe(seen.length);
    } finally {
      await client.end();
      await events.close();
    }
  });
});
