// The scripts in examples/ run as a partner runs them (`node examples/….mjs`, PAIDSYNC_URL and an
// OPERATOR PAIDSYNC_API_KEY) against a real server, worker and simulator. They reach the server
// through a proxy that loses the first answer to a sync trigger and to one capture after the server
// has acted on them, so the examples' resends are exercised: the database must still hold one set
// of jobs and one row per conversion.
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from './support/syncScenario.ts';
import { serverDir } from './support/serverProcess.ts';

const examplesDir = path.resolve(serverDir, '../examples');

let s: SyncScenario;
let db: pg.Pool;
let proxy: http.Server;
let proxyUrl: string;
let operatorKey: string;
let destination: string;
let segment: string;
const lost: string[] = [];

/** Forwards to the server; drops the connection instead of answering the first request matching each rule. */
function startLossyProxy(target: string, loseFirstAnswerTo: RegExp[]) {
  const pending = [...loseFirstAnswerTo];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const rule = pending.findIndex((r) => r.test(body.toString('utf8')));
    if (rule >= 0) {
      lost.push(String(pending[rule]));
      pending.splice(rule, 1);
      req.socket.destroy(); // the server acted; the client never hears of it
      return;
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(answer);
  });
  // graphql-ws: the upgrade and everything after it passed through as bytes
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const { hostname, port } = new URL(target);
    const upstream = net.connect(Number(port), hostname, () => {
      const headerLines = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headerLines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headerLines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const close = () => (socket.destroy(), upstream.destroy());
    upstream.on('error', close);
    socket.on('error', close);
  });
  return server;
}

beforeAll(async () => {
  s = await startSyncScenario();
  db = new pg.Pool({ connectionString: s.t.databaseUrl, max: 2 });
  operatorKey = await s.t.keyFor('OPERATOR');
  // what an admin sets up once: a destination, a segment of the gold-plan customers, conversions on
  destination = await s.webDestination('partner');
  const { createSegment } = await s.t.ok<{ createSegment: { id: string } }>(
    'mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }',
    {
      i: {
        name: 'Gold plan',
        paidSyncEnabled: true,
        destinationIds: [destination],
        criteria: { attribute: 'plan', op: 'eq', value: 'gold' },
      },
    },
  );
  segment = createSegment.id;
  await s.t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [destination],
    },
  );
  // slow answers from the network keep the sync running while followSyncJob starts following it
  await s.control({ faults: [{ network: 'web', endpoint: 'partner', kind: 'latency', ms: 2_000 }] });
  proxy = startLossyProxy(s.t.url, [/triggerSegmentSync/, /order-50002/]);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await db?.end();
  await s?.stop();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** the JSON summary every example prints last */
  summary: any;
}

function runExample(script: string, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(examplesDir, script), ...args],
      {
        cwd: examplesDir,
        env: { PATH: process.env.PATH, PAIDSYNC_URL: proxyUrl, PAIDSYNC_API_KEY: operatorKey, PAIDSYNC_FOLLOW_TIMEOUT_SECONDS: '45' },
        timeout: 50_000,
      },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        let summary: unknown = null;
        try {
          summary = JSON.parse(last);
        } catch {}
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, summary });
      },
    );
  });
}

const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;

let jobId: string;

it('pushCustomersAndSync: customers in, one sync started although its first answer was lost', async () => {
  const run = await runExample('pushCustomersAndSync.mjs', [segment]);
  expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
  expect(run.stdout).toContain('upserted 3 customers');
  expect(lost, 'the proxy lost the first answer to the trigger').toContain(String(/triggerSegmentSync/));
  expect(run.stderr, 'the example sent the trigger again').toMatch(/trying again/);
  expect(run.stdout).toContain('same jobs, nothing new started');
  expect(run.summary.jobIds, 'one job for the one destination').toHaveLength(1);
  jobId = run.summary.jobIds[0];
  expect(await count("SELECT count(*)::int AS n FROM sync_jobs WHERE sync_type = 'SEGMENT'"), 'one set of jobs in the database').toBe(1);
  expect(await count("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'cust-10%'")).toBe(3);
});

it('followSyncJob: follows the job over graphql-ws to COMPLETED', async () => {
  const run = await runExample('followSyncJob.mjs', [jobId]);
  expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
  expect(run.summary, run.stdout).toMatchObject({ id: jobId, status: 'COMPLETED', recordsAdded: 2, recordsRemoved: 0 });
  expect(run.stdout).toMatch(/item ADD x2: SUCCEEDED/);
  const statuses = [...run.stdout.matchAll(/^\S+Z (\w+)/gm)].map((m) => m[1]);
  expect(statuses[0], `the job was still running when the example began following it:\n${run.stdout}`).not.toBe('COMPLETED');
  expect(statuses, 'the live updates carried it to COMPLETED').toContain('COMPLETED');
  const audience = s.sim.simulator.state.web.endpoints.get('partner')!.audiences.get('Gold plan')!;
  expect(audience.size, 'the two gold customers with consent reached the network').toBe(2);
});

it('captureConversions: every event captured once, a lost answer resent, a second run all duplicates', async () => {
  const first = await runExample('captureConversions.mjs');
  expect(first.code, `exit code; stdout:\n${first.stdout}\nstderr:\n${first.stderr}`).toBe(0);
  expect(lost, 'the proxy lost the answer to one capture').toContain(String(/order-50002/));
  // the lost one was stored before its answer was lost: the resend is its duplicate
  expect(first.summary).toEqual({ captured: 2, duplicates: 1, failed: 0 });
  const second = await runExample('captureConversions.mjs');
  expect(second.summary).toEqual({ captured: 0, duplicates: 3, failed: 0 });
  expect(await count("SELECT count(*)::int AS n FROM conversion_events WHERE event_id LIKE 'order-5000%'"), 'one row per event').toBe(3);
});
