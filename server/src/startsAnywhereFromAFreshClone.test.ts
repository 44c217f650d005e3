// The README's start command as a root user on a cloud VM meets it: a fresh clone in a private
// directory (mode 700, like /root/app), where the `postgres` user the embedded database runs as can
// reach neither the binaries nor the data directory. It must become healthy on the embedded database,
// run compiled JavaScript (no tsx), and a broken start must say what is wrong in one line.
// The install reuses the machine's pnpm store; the build is the one `pnpm start` does anyway.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';

const asRoot = process.getuid?.() === 0;
let privateDir: string;
let clone: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  if (!asRoot) return;
  privateDir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-private-'));
  await chmod(privateDir, 0o700);
  clone = path.join(privateDir, 'paidsync');
  const head = execFileSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', repoRoot, clone]);
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', head]);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  // the cluster the start placed where the postgres user can reach it
  const link = clone ? path.join(clone, '.data', 'pg') : null;
  if (link && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink())
    await rm(path.dirname(readlinkSync(link)), { recursive: true, force: true });
  if (privateDir) await rm(privateDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The first sh block under "## Run it" in the clone's README. */
function readmeStartCommand() {
  const readme = readFileSync(path.join(clone, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Run it'));
  const command = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1]?.trim();
  if (!command) throw new Error('expected a ```sh block under "## Run it" in the README');
  return command;
}

/** The processes started under `root` (pnpm starts its scripts in process groups of their own). */
function descendants(root: number) {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const found: Array<{ pid: number; command: string }> = [];
  const visit = (parent: number) => {
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      try {
        found.push({ pid, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() });
      } catch {
        continue;
      }
      visit(pid);
    }
  };
  visit(root);
  return found;
}

describe.skipIf(!asRoot)('as root, from a fresh clone in a private directory', () => {
  it('the README start command becomes healthy on the embedded database, running compiled JavaScript', async () => {
    const port = await freePort();
    // a fresh shell's environment: none of the test run's settings (DATABASE_URL, NODE_ENV, npm_*)
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), PAIDSYNC_LOG_LEVEL: 'warn' };
    const child = spawn('sh', ['-c', readmeStartCommand()], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      for (const { pid } of descendants(child.pid!).reverse()) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    const deadline = Date.now() + 420_000;
    for (;;) {
      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`expected the README start command to become healthy on port ${port}; its output ended:\n${output.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }

    const processes = descendants(child.pid!);
    const commands = processes.map((p) => p.command).join('\n');
    const server = processes.find((p) => /^node .*server\/dist\/main\.js$/.test(p.command));
    expect(server, `expected a plain node process on server/dist/main.js among:\n${commands}`).toBeDefined();
    expect(commands, 'expected no tsx process').not.toMatch(/\btsx\b/);

    // the postgres user cannot pass the private directory: the cluster lives where it can, linked from .data
    const link = path.join(clone, '.data', 'pg');
    expect(lstatSync(link).isSymbolicLink(), 'expected .data/pg to link to a cluster the postgres user can reach').toBe(true);
    const cluster = readlinkSync(link);
    expect(lstatSync(path.join(cluster, 'PG_VERSION')).isFile(), `expected an initialised cluster in ${cluster}`).toBe(true);

    process.kill(server!.pid, 'SIGTERM');
    const code = await exited;
    expect(code, `expected a clean stop on SIGTERM; output ended:\n${output.slice(-2000)}`).toBe(0);
    expect(output, 'expected no stack trace in the output').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 480_000);

  /** Starts the clone's compiled server as the image does and returns what it printed. */
  function brokenStart(env: Record<string, string>) {
    const run = spawnSync(process.execPath, ['server/dist/main.js'], {
      cwd: clone,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PAIDSYNC_LOG_LEVEL: 'warn', PAIDSYNC_SIMULATOR: 'off', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const errorLines = run.stderr.split('\n').filter((line) => line.trim());
    return { status: run.status, errorLines, all: run.stdout + run.stderr };
  }

  it('a start on a port in use prints one line naming the port and the fix', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const port = (holder.address() as net.AddressInfo).port;
    const run = brokenStart({ PORT: String(port) });
    expect(run.status, run.all).toBe(1);
    expect(run.errorLines, `expected one line on stderr; the process printed:\n${run.all}`).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(new RegExp(`port ${port} is already in use.*set PORT`));
    expect(run.all, 'expected no stack trace').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 180_000);

  it('a data directory that is not a directory prints one line naming it and the fix', () => {
    const file = path.join(privateDir, 'not-a-directory');
    writeFileSync(file, '');
    const run = brokenStart({ PORT: '0', PAIDSYNC_DATA_DIR: path.join(file, 'data') });
    expect(run.status, run.all).toBe(1);
    expect(run.errorLines, `expected one line on stderr; the process printed:\n${run.all}`).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/data directory .*not-a-directory\/data cannot be used \(ENOTDIR.*PAIDSYNC_DATA_DIR/);
  }, 60_000);

  it('a database the postgres user cannot read prints one line naming it and the fix', () => {
    // a cluster left inside a private directory (a project moved into /root after its first start)
    const dataDir = path.join(privateDir, 'moved-data');
    mkdirSync(path.join(dataDir, 'pg'), { recursive: true });
    writeFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), '18\n');
    const run = brokenStart({ PORT: '0', PAIDSYNC_DATA_DIR: dataDir });
    expect(run.status, run.all).toBe(1);
    expect(run.errorLines, `expected one line on stderr; the process printed:\n${run.all}`).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/moved-data\/pg is out of reach of the postgres user.*DATABASE_URL/);
  }, 60_000);
});
