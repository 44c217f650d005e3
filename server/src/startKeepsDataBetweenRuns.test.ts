// The README's start path as a user meets it: no DATABASE_URL, so an embedded PostgreSQL in the data
// directory; an admin key generated and printed once; stopped with SIGTERM; started again with the
// data still there and no second key printed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function start(dataDir: string, port: number) {
  // the destination it creates points at loopback
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PAIDSYNC_DATA_DIR: dataDir,
    PORT: String(port),
    PAIDSYNC_SIMULATOR: 'off',
    PAIDSYNC_LOG_LEVEL: 'warn',
    PAIDSYNC_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
  };
  delete env.DATABASE_URL;
  delete env.PAIDSYNC_ADMIN_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: path.resolve(import.meta.dirname, '..'), env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`expected the server to come up; it said:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return code;
    },
  };
}

const gql = async (port: number, key: string, query: string) =>
  (await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  }).then((r) => r.json())) as { data?: any; errors?: unknown[] };

it('starts on an embedded database, prints an admin key once, and keeps the data across a restart', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-start-'));
  dirs.push(dataDir);
  const port = await freePort();

  const first = await start(dataDir, port);
  const key = /psk_[A-Za-z0-9_-]+/.exec(first.output())?.[0];
  expect(key, `the first start prints a generated admin key; output was:\n${first.output()}`).toBeDefined();
  expect(await gql(port, key!, '{ destinations { id } }'), 'the admin key answers').toEqual({ data: { destinations: [] } });
  const created = await gql(
    port,
    key!,
    'mutation { createDestination(input: { name: "kept", type: WEB, settings: { url: "http://127.0.0.1:9/x" } }) { id } }',
  );
  expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
  expect(await first.stop(), 'SIGTERM stops it cleanly').toBe(0);

  const second = await start(dataDir, port);
  expect(second.output(), 'no second key is generated while one exists').not.toMatch(/psk_/);
  expect(await gql(port, key!, '{ destinations { id name } }'), 'the data and the key survived the restart').toEqual({
    data: { destinations: [{ id: created.data.createDestination.id, name: 'kept' }] },
  });
  expect(await second.stop()).toBe(0);
}, 180_000);
